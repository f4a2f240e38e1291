#!/usr/bin/env python3
"""[display] renderer as the player chooses it, run for real: under Xvfb
(whose only GL is Mesa's llvmpipe) and with SDL's dummy driver. Asserts
the one log line that says which renderer and why, and that the software
renderer maps no GL driver. SIGNAGE_TEST_DRM_ROOT stands for / in
/dev/dri and /sys/class/drm, so that the machine's own GPU (or its lack)
does not decide the cases.

usage: renderer.py"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "测试",
 "items": [{"id": "one", "title": "第一条", "content_text": "第一条通知。"}]}"""
GL_LIBS = ("libGLX_mesa", "swrast_dri", "libgallium", "libGL.so", "libEGL")


def start_xvfb():
    """An Xvfb on a free display number; (process, ":N")."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x720x24",
                             "-nolisten", "tcp"], pass_fds=(w,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    return xvfb, ":" + num


def drm_root(tmp, name, driver):
    """A stand-in for / with one render node whose kernel driver is driver
    (None: no node at all; "": a node whose driver is not known)."""
    root = os.path.join(tmp, name)
    os.makedirs(os.path.join(root, "dev", "dri"))
    if driver is None:
        return root
    open(os.path.join(root, "dev", "dri", "renderD128"), "w").close()
    dev = os.path.join(root, "sys", "class", "drm", "renderD128", "device")
    os.makedirs(dev)
    if driver:
        target = os.path.join(root, "bus", "drivers", driver)
        os.makedirs(target)
        os.symlink(target, os.path.join(dev, "driver"))
    return root


def run(tmp, renderer, env):
    """Runs the player until its first frame; (stderr text, GL libraries it
    had mapped then)."""
    feed = os.path.join(tmp, "feed.json")
    with open(feed, "w") as f:
        f.write(FEED)
    ini = os.path.join(tmp, "player.ini")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {feed}\ncache_dir = {tmp}/cache\n"
                f"[display]\n{renderer}\n")
    full = dict(os.environ)
    full.pop("SDL_VIDEODRIVER", None)
    full.update(env)
    err_path = os.path.join(tmp, "stderr")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([PLAYER, "--config", ini, "--window", "640x360"],
                                env=full, stdout=subprocess.DEVNULL, stderr=err)
    text, mapped = "", []
    end = time.monotonic() + 20
    while time.monotonic() < end and proc.poll() is None:
        with open(err_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if "screen on" in text:
            with open(f"/proc/{proc.pid}/maps") as f:
                maps = f.read()
            mapped = [lib for lib in GL_LIBS if lib in maps]
            break
        time.sleep(0.1)
    proc.terminate()
    proc.wait(timeout=10)
    with open(err_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    check("screen on" in text, f"{renderer}: no first frame:\n{text}")
    return text, mapped


def expect(tmp, name, renderer, env, line, gl_mapped):
    sub = os.path.join(tmp, name)
    os.makedirs(sub)
    text, mapped = run(sub, renderer, env)
    check(f"display: renderer: {line}" in text,
          f"{name}: expected 'renderer: {line}' in:\n{text}")
    if gl_mapped is not None:
        check(bool(mapped) == gl_mapped, f"{name}: GL libraries mapped: {mapped}")


def main():
    if not shutil.which("Xvfb"):
        print("skipped: Xvfb is not installed")
        return 77
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            x11 = {"DISPLAY": display, "WAYLAND_DISPLAY": ""}
            none = drm_root(tmp, "none", None)
            expect(tmp, "auto-no-node", "renderer = auto",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=none),
                   "software (auto: no GPU render node)", False)
            expect(tmp, "default", "", dict(x11, SIGNAGE_TEST_DRM_ROOT=none),
                   "software (auto: no GPU render node)", False)
            vgem = drm_root(tmp, "vgem", "vgem")
            expect(tmp, "auto-vgem", "renderer = auto",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=vgem),
                   "software (auto: no GPU render node)", False)
            unknown = drm_root(tmp, "unknown", "")
            expect(tmp, "auto-llvmpipe", "renderer = auto",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=unknown),
                   "software (auto: render node renderD128, driver unknown, GL llvmpipe",
                   None)
            v3d = drm_root(tmp, "v3d", "v3d")
            expect(tmp, "auto-v3d", "renderer = auto", dict(x11, SIGNAGE_TEST_DRM_ROOT=v3d),
                   "accelerated (auto: render node renderD128, driver v3d)", True)
            expect(tmp, "accelerated", "renderer = accelerated",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=none),
                   "accelerated (forced by [display] renderer)", True)
            expect(tmp, "software", "renderer = software",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=v3d),
                   "software (forced by [display] renderer)", False)
            expect(tmp, "old-software-key", "software = true",
                   dict(x11, SIGNAGE_TEST_DRM_ROOT=v3d),
                   "software (forced by [display] renderer)", False)
            expect(tmp, "dummy", "renderer = auto",
                   {"SDL_VIDEODRIVER": "dummy", "SIGNAGE_TEST_DRM_ROOT": v3d},
                   "software (auto: video driver dummy has no GL)", False)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return testlib.done("renderer")


if __name__ == "__main__":
    sys.exit(main())
