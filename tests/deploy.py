#!/usr/bin/env python3
"""The deploy/ files for real: the unit through systemd-analyze, install.sh
and uninstall.sh against a throw-away root, the .deb built by cpack and
read back with dpkg-deb, and the player under the unit's restrictions as
far as this machine allows. Exit 77 (skipped) when a tool is missing.

usage: deploy.py unit|install|deb|sandbox|readonly"""
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check, serve  # noqa: E402

SRC = os.environ["SIGNAGE_SOURCE_DIR"]
BUILD = os.environ["SIGNAGE_BUILD_DIR"]
PLAYER = os.environ["SIGNAGE_PLAYER"]
UNIT = os.path.join(SRC, "deploy", "signage-player.service")



def skip(why):
    print(f"skipped: {why}")
    sys.exit(77)


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def unit_keys(text):
    keys = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            keys.setdefault(m.group(1), []).append(m.group(2))
    return keys


def test_unit(tmp):
    if not shutil.which("systemd-analyze"):
        skip("no systemd-analyze")
    # verify checks that the programs exist: point them at this build.
    with open(UNIT) as f:
        text = f.read()
    text = text.replace("/usr/bin/signage-player", PLAYER)
    text = text.replace("/usr/libexec/signage-player/console",
                        os.path.join(SRC, "deploy", "console"))
    unit = os.path.join(tmp, "signage-player.service")
    with open(unit, "w") as f:
        f.write(text)
    r = run("systemd-analyze", "verify", unit)
    check(r.returncode == 0 and not r.stderr.strip(), f"verify: {r.stderr}")
    # The installed copy names the installed paths.
    with open(os.path.join(BUILD, "signage-player.service")) as f:
        built = unit_keys(f.read())
    check(built["ExecStart"][0].split()[0].endswith("/bin/signage-player"),
          f"ExecStart: {built['ExecStart']}")
    r = run("systemd-analyze", "security", "--offline=yes", unit)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout + r.stderr)
    check(m is not None, f"security: {r.stdout[-300:]} {r.stderr}")
    if m:
        print(f"systemd-analyze security: exposure {m.group(1)}")
        check(float(m.group(1)) <= 2.5, f"exposure {m.group(1)} > 2.5")
    k = unit_keys(text)
    check(k.get("Type") == ["notify"] and "WatchdogSec" in k, "Type=notify with a watchdog")
    check(k.get("Restart") == ["always"], "Restart=always")


def seed_root(root):
    """A root with the host's account files, as useradd --prefix needs."""
    os.makedirs(os.path.join(root, "etc"))
    for f in ("passwd", "group", "shadow", "gshadow", "login.defs"):
        if os.path.exists(f"/etc/{f}"):
            shutil.copy(f"/etc/{f}", os.path.join(root, "etc", f))
    with open(os.path.join(root, "etc", "group")) as f:
        groups = [l for l in f if not l.startswith(("render:", "input:"))]
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.writelines(groups)  # the installer must make the missing ones


def account(root, name, kind):
    with open(os.path.join(root, "etc", kind)) as f:
        for line in f:
            if line.split(":")[0] == name:
                return line.rstrip("\n").split(":")
    return None


def test_install(tmp):
    if os.geteuid() != 0:
        skip("install.sh needs root (useradd)")
    root = os.path.join(tmp, "root")
    seed_root(root)
    inst = [os.path.join(SRC, "deploy", "install.sh"), "--root", root, "--build-dir", BUILD]
    r = run(*inst)
    check(r.returncode == 0, f"install: {r.stdout} {r.stderr}")
    check("journalctl -u signage-player" in r.stdout, "says how to see the logs")
    pre = "/usr/local"
    for f in ("bin/signage-player", "lib/systemd/system/signage-player.service",
              "share/signage-player/fonts/NotoSansCJKsc-Subset-Regular.otf",
              "share/signage-player/fonts/OFL.txt", "share/signage-player/player.ini",
              "share/signage-player/signage-player.desktop",
              "libexec/signage-player/console"):
        check(os.path.exists(f"{root}{pre}/{f}"), f"installed {f}")
    ini = os.path.join(root, "etc/signage-player/player.ini")
    check(os.path.exists(ini) and os.path.exists(ini + ".dist"), "config and .dist")
    user = account(root, "signage", "passwd")
    check(user is not None and user[6] == "/usr/sbin/nologin", f"system user: {user}")
    for g in ("video", "render", "input"):
        grp = account(root, g, "group")
        check(grp is not None and "signage" in grp[3].split(","), f"signage in {g}: {grp}")
    cache = os.path.join(root, "var/cache/signage-player")
    check(os.path.isdir(cache) and user and os.stat(cache).st_uid == int(user[2]),
          "cache owned by signage")
    with open(os.path.join(root, pre[1:], "lib/systemd/system/signage-player.service")) as f:
        check(f"ExecStart={pre}/bin/signage-player" in f.read(), "unit names the binary")
    # An admin's edit survives a second run, which changes nothing else.
    with open(ini, "a") as f:
        f.write("\n# edited by the admin\n")
    r = run(*inst)
    check(r.returncode == 0, f"second install: {r.stderr}")
    with open(ini) as f:
        check("edited by the admin" in f.read(), "edited config kept")
    with open(os.path.join(root, "etc/passwd")) as f:
        check(f.read().count("\nsignage:") + 0 <= 1, "one signage user")
    # Uninstall keeps config and cache; --purge removes them and the user.
    un = [os.path.join(SRC, "deploy", "uninstall.sh"), "--root", root]
    r = run(*un)
    check(r.returncode == 0, f"uninstall: {r.stderr}")
    check(not os.path.exists(f"{root}{pre}/bin/signage-player"), "binary removed")
    check(not os.path.exists(f"{root}{pre}/share/signage-player"), "share removed")
    check(os.path.exists(ini) and os.path.isdir(cache), "config and cache kept")
    r = run(*un, "--purge")
    check(r.returncode == 0, f"purge: {r.stderr}")
    check(not os.path.exists(ini) and not os.path.exists(cache), "purged")
    check(account(root, "signage", "passwd") is None, "user removed")


def test_deb(tmp):
    for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "fakeroot"):
        if not shutil.which(tool):
            skip(f"no {tool}")
    b = os.path.join(tmp, "build")
    r = run("cmake", "-S", SRC, "-B", b, "-DCMAKE_BUILD_TYPE=Release",
            "-DSIGNAGE_BUILD_TESTS=OFF", "-DCMAKE_INSTALL_PREFIX=/usr")
    check(r.returncode == 0, f"configure: {r.stderr}")
    r = run("cmake", "--build", b, "-j2")
    check(r.returncode == 0, f"build: {r.stderr[-2000:]}")
    r = run("cpack", "-G", "DEB", cwd=b)
    check(r.returncode == 0, f"cpack: {r.stdout[-2000:]} {r.stderr}")
    debs = [f for f in os.listdir(b) if f.endswith(".deb")]
    check(len(debs) == 1, f"one .deb: {debs}")
    if not debs:
        return
    deb = os.path.join(b, debs[0])
    info = run("dpkg-deb", "-I", deb).stdout
    files = run("dpkg-deb", "-c", deb).stdout
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    deps = depends.group(1) if depends else ""
    for lib in ("libsdl2-2.0-0", "libsdl2-ttf-2.0-0", "libsdl2-image-2.0-0", "libcurl4",
                "libcjson1", "libicu72", "libfontconfig1", "libc6"):
        check(lib in deps, f"depends on {lib}: {deps}")
    conff = run("dpkg-deb", "-f", deb, "Package").stdout.strip()
    check(conff == "signage-player", f"package name {conff}")
    r = run("dpkg-deb", "--ctrl-tarfile", deb)
    ctrl = os.path.join(tmp, "ctrl")
    os.makedirs(ctrl)
    subprocess.run(["dpkg-deb", "-e", deb, ctrl], check=True)
    with open(os.path.join(ctrl, "conffiles")) as f:
        check("/etc/signage-player/player.ini" in f.read().split(), "player.ini a conffile")
    check(os.access(os.path.join(ctrl, "postinst"), os.X_OK), "postinst")
    for f in ("./usr/bin/signage-player", "./usr/lib/systemd/system/signage-player.service",
              "./usr/share/signage-player/fonts/NotoSansCJKsc-Subset-Bold.otf",
              "./etc/signage-player/player.ini"):
        check(f in files, f"{f} in the package")
    size = os.path.getsize(deb)
    inst = re.search(r"^ Installed-Size: (\d+)", info, re.M)
    print(f"{debs[0]}: {size} bytes, Installed-Size {inst.group(1) if inst else '?'} KiB; "
          f"Depends: {deps}")


def player_cmd(tmp, cache, feed=None, extra=""):
    feed = feed or os.path.join(SRC, "config", "demo-feed.json")
    ini = os.path.join(tmp, "player.ini")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {feed}\ncache_dir = {cache}\n{extra}")
    return [PLAYER, "--config", ini, "--window", "640x360", "--play-log",
            os.path.join(cache, "play.log")]


def run_for(sandbox, cmd, seconds, env=None):
    """Runs cmd inside sandbox for `seconds`, then SIGTERM from inside (a
    signal to the sandbox would not reach it). True when it was still
    running then; with its stderr."""
    t = ["timeout", "-s", "TERM", "-k", "5", str(seconds)]
    r = subprocess.run(sandbox + t + cmd, capture_output=True, text=True, env=env,
                       timeout=seconds + 30)
    return r.returncode == 124, r.stderr


def sandbox(tmp, cache, *extra):
    """bwrap: / read-only, a private /tmp (PrivateTmp=), the player, its
    sources and the test's files read-only even when they live in /tmp, the
    cache alone writable."""
    ro = []
    for path in (os.path.dirname(os.path.realpath(PLAYER)), SRC, tmp):
        # Parents in the new /tmp open to all (mktemp -d makes them 0700).
        up = os.path.dirname(path)
        while up.startswith("/tmp/"):
            ro = ["--perms", "0755", "--dir", up] + ro
            up = os.path.dirname(up)
        ro += ["--ro-bind", path, path]
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs",
            "/tmp", *ro, "--bind", cache, cache, *extra, "--die-with-parent", "--"]


def shown(cache):
    try:
        with open(os.path.join(cache, "play.log")) as f:
            return [l for l in f if l.split()[2] not in ("-", "off")]
    except FileNotFoundError:
        return []


class Counting(http.server.SimpleHTTPRequestHandler):
    gets = 0

    def do_GET(self):
        Counting.gets += 1
        super().do_GET()

    def log_message(self, *args):
        pass




def test_readonly(tmp):
    """Read-only everything but the cache (Raspberry Pi OS's overlay root):
    bubblewrap binds / read-only, then the cache writable. The feed is
    polled every 5 s over HTTP: the SD card sees the cache written once."""
    if not shutil.which("bwrap"):
        skip("no bwrap (bubblewrap)")
    cache = os.path.join(tmp, "cache")
    os.makedirs(cache)
    srv = serve(os.path.join(SRC, "config"), Counting)
    url = f"http://127.0.0.1:{srv.server_address[1]}/demo-feed.json"
    cmd = player_cmd(tmp, cache, url, "[fetch]\npoll_interval = 5\n")
    t0 = time.time()
    os.chmod(os.path.join(tmp, "player.ini"), 0o444)
    bw = sandbox(tmp, cache)
    r = run(*bw, "true")
    if r.returncode != 0:
        skip(f"bwrap cannot make a sandbox here: {r.stderr.strip()}")
    alive, err = run_for(bw, cmd, 14)
    srv.shutdown()
    check(Counting.gets >= 3, f"polled at least 3 times: {Counting.gets}")
    late = [f for f in os.listdir(cache) if f != "play.log" and
            os.stat(os.path.join(cache, f)).st_mtime > t0 + 4]
    check(not late, f"no cache file written after the first fetch: {late}")
    check(alive and "error" not in err, f"runs on a read-only root:\n{err}")
    check(len(shown(cache)) >= 1, "slides shown")
    check([f for f in os.listdir(cache) if f != "play.log"], "the cache was written")
    check("Read-only" not in err and "read-only" not in err, f"no write refused:\n{err}")


def test_sandbox(tmp):
    """The unit's restrictions that work without systemd as PID 1: no new
    privileges, no capabilities, a read-only root but for the cache (setpriv,
    bwrap). The rest (SystemCallFilter, DeviceAllow, ...) needs systemd."""
    if not shutil.which("setpriv") or not shutil.which("bwrap"):
        skip("no setpriv or bwrap")
    if os.path.isdir("/run/systemd/system"):
        print("systemd runs here: systemd-run would test the unit's properties too")
    cache = os.path.join(tmp, "cache")
    os.makedirs(cache)
    os.chown(cache, 65534, 65534)
    os.chmod(tmp, 0o755)
    cmd = player_cmd(tmp, cache)
    bw = sandbox(tmp, cache, "--unshare-ipc")
    priv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    if os.geteuid() != 0:
        priv = ["setpriv", "--no-new-privs", "--"]
    r = run(*bw, *priv, "true")
    if r.returncode != 0:
        skip(f"cannot sandbox here: {r.stderr.strip()}")
    env = dict(os.environ, HOME=cache)
    alive, err = run_for(bw + priv, cmd, 6, env)
    check(alive and "error" not in err,
          f"runs as nobody, no privileges, read-only root:\n{err}")
    check(len(shown(cache)) >= 1, "slides shown")


def main():
    tests = {"unit": test_unit, "install": test_install, "deb": test_deb,
             "sandbox": test_sandbox, "readonly": test_readonly}
    with tempfile.TemporaryDirectory() as tmp:
        tests[sys.argv[1]](tmp)
    return testlib.done(f"deploy {sys.argv[1]}")


if __name__ == "__main__":
    sys.exit(main())
