#!/usr/bin/env python3
"""Soak: the real player loop for a simulated week in minutes, and whether
anything grows.

Runs the built player headless (SDL dummy video, --window, --play-log: the
real loop, not --snapshot) with the test hook SIGNAGE_TEST_CLOCK_SPEED, so
its monotonic and wall clocks and every wait run SPEED times as fast. A real
HTTP server on 127.0.0.1 serves a feed that changes every simulated 10
minutes, each version with new image names (PNG and JPEG made here), and in
between fails: 500s, connection resets, a bad body, an image that fails
once, a broken image, and now and then a hang past the fetch timeout.
Screen hours turn the screen off each night.

Samples each simulated hour: VmRSS and Pss (/proc), open file descriptors,
image files in the cache, and the player's own "soak:" line (textures and
their bytes, measure cache entries, open fonts). Prints a table and exits 1
when, after warm-up, the peak RSS of the last quarter of the run exceeds the
peak of the first quarter after warm-up by more than --max-growth-kb, or
fds, textures or cached images grow, or the measure cache passes its cap.

    tests/bench/soak.py --days 7 --speed 2000          # the week, ~5 min
    tests/bench/soak.py --days 1 --speed 4000 --ctest   # the CTest version
    tests/bench/soak.py --days 1 --speed 500 --valgrind # under memcheck
"""
import argparse
import ctypes
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testlib  # noqa: E402

PHRASES = ["社区服务中心通知", "因管道维修暂停供水", "请居民提前做好准备",
           "周六上午九点在活动室举办讲座", "欢迎老年朋友参加健康咨询", "垃圾分类从我做起",
           "电梯年检期间请走楼梯", "图书角新到一批儿童读物", "志愿者招募正在进行",
           "冬季用电安全提示"]


class Clock:
    """The simulated time the player sees, approximately: the server's own
    start times the speed (the player's starts a few ms later)."""

    def __init__(self, speed):
        self.speed = speed
        self.t0 = time.monotonic()

    def sim_s(self):
        return (time.monotonic() - self.t0) * self.speed


def jpeg(w, h, rgb):
    """A w x h JPEG of one colour through SDL_image (the player's own
    decoder library); None when it cannot be made here."""
    try:
        sdl = ctypes.CDLL("libSDL2-2.0.so.0")
        img = ctypes.CDLL("libSDL2_image-2.0.so.0")
    except OSError:
        return None
    sdl.SDL_CreateRGBSurfaceWithFormat.restype = ctypes.c_void_p
    sdl.SDL_CreateRGBSurfaceWithFormat.argtypes = [ctypes.c_uint32, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_uint32]
    sdl.SDL_FillRect.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32]
    sdl.SDL_FreeSurface.argtypes = [ctypes.c_void_p]
    img.IMG_SaveJPG.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    s = sdl.SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, 0x16161804)  # RGB888
    if not s:
        return None
    sdl.SDL_FillRect(s, None, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2])
    fd, path = tempfile.mkstemp(suffix=".jpg")
    os.close(fd)
    try:
        ok = img.IMG_SaveJPG(s, path.encode(), 80) == 0
        with open(path, "rb") as f:
            data = f.read()
    finally:
        sdl.SDL_FreeSurface(s)
        os.unlink(path)
    return data if ok and data[:2] == b"\xff\xd8" else None


def colour(v, i):
    return ((v * 37 + i * 80) % 256, (v * 91 + i * 20) % 256, (v * 53 + i * 150) % 256)


def feed_doc(v, base, has_jpeg):
    """Version v: five items, three with images named for the version; every
    sixth version carries an urgent item."""
    items = [{"id": "standing", "title": "开放时间", "content_text": "周一至周五 8:00-20:00"}]
    for i in range(4):
        text = "\n\n".join(f"{PHRASES[(v + i + k) % len(PHRASES)]}（第{v}期第{k + 1}条）"
                           for k in range(2 + (v + i) % 4))
        item = {"id": f"v{v}-{i}", "title": f"{PHRASES[(v + i) % len(PHRASES)]} {v}",
                "content_text": text}
        if i < 3:
            ext = "jpg" if i == 1 and has_jpeg else "png"
            item["image"] = f"{base}/img/v{v}-{i}.{ext}"
        items.append(item)
    if v % 6 == 0:
        items[1]["_signage"] = {"priority": "urgent", "duration": 20}
    return {"version": "https://jsonfeed.org/version/1.1", "title": "soak",
            "items": items}


def make_handler(clock, stats, has_jpeg):
    class Handler(testlib.QuietHandler):
        protocol_version = "HTTP/1.1"

        def send(self, code, body, ctype, headers=()):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, val in headers:
                self.send_header(k, val)
            self.end_headers()
            self.wfile.write(body)

        def reset(self):
            """Closes with a TCP reset, no answer."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True

        def do_GET(self):
            sim = clock.sim_s()
            stats["requests"] += 1
            if self.path == "/feed.json":
                return self.feed(sim)
            m = re.fullmatch(r"/img/v(\d+)-(\d)\.(png|jpg)", self.path)
            if m:
                return self.image(int(m[1]), int(m[2]), m[3])
            self.send(404, b"no", "text/plain")

        def feed(self, sim):
            v, minute = int(sim // 600), int(sim // 60) % 10
            if minute == 3:
                stats["failures"] += 1
                return self.send(500, b"<html>oops</html>", "text/html")
            if minute == 5:
                stats["failures"] += 1
                return self.reset()
            if minute == 8 and v % 3 == 0:
                stats["failures"] += 1
                return self.send(200, b'{"version": "https://jsonfeed.org/version/1.1", "ite',
                                 "application/feed+json")
            if minute == 7 and v % 72 == 36:
                stats["failures"] += 1
                time.sleep(2.5)  # twice a day past total_timeout (2 s real)
                return self.reset()
            if minute == 7 and v % 6 == 3:
                time.sleep(0.3)  # a slow answer, still in time
            etag = f'"v{v}"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", "application/feed+json", [("ETag", etag)])
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body = json.dumps(feed_doc(v, base, has_jpeg), ensure_ascii=False).encode()
            stats["versions"].add(v)
            self.send(200, body, "application/feed+json", [("ETag", etag)])

        def image(self, v, i, ext):
            key = (v, i)
            stats["images"] += 1
            if i == 2 and key not in stats["failed_once"]:
                stats["failed_once"].add(key)  # its retry, on a later poll, succeeds
                return self.send(503, b"busy", "text/plain")
            if i == 0 and v % 5 == 0:
                return self.send(200, b"\x89PNG\r\n\x1a\nbroken", "image/png")
            w, h = 320 + (v % 7) * 64, 240 + (v % 5) * 48
            if ext == "jpg":
                return self.send(200, jpeg(w, h, colour(v, i)) or b"", "image/jpeg")
            self.send(200, testlib.png(w, h, colour(v, i)), "image/png")

    return Handler


INI = """[player]
feed = {feed}
cache_dir = {cache}
status_file = {status}
[fetch]
poll_interval = 60
backoff_max = 300
connect_timeout = 1
total_timeout = 2
[timing]
page_min = 8
page_max = 30
[hours]
mon = 07:00-22:00
tue = 07:00-22:00
wed = 07:00-22:00
thu = 07:00-22:00
fri = 07:00-22:00
sat = 09:00-01:00
sun = 10:00-18:00
"""

MEASURE_MAX = 16384  # fonts.c: entries before the measure cache starts over
SOAK_LINE = re.compile(r"soak: rss (-?\d+) kB, textures (\d+) \((\d+) bytes\), "
                       r"measure cache (\d+), fonts open (\d+)")


def proc_kb(pid, name, key):
    try:
        with open(f"/proc/{pid}/{name}") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def sample(pid, cache, hour):
    fds = socks = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                kind = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue  # closed meanwhile
            fds += 1
            socks += kind.startswith("socket:")
    except OSError:
        fds = -1
    images = os.path.join(cache, "images")
    n_img = len(os.listdir(images)) if os.path.isdir(images) else 0
    return {"hour": hour, "rss": proc_kb(pid, "status", "VmRSS:"),
            "pss": proc_kb(pid, "smaps_rollup", "Pss:"), "fds": fds, "sockets": socks,
            "images": n_img}


def soak_lines(log):
    with open(log, errors="replace") as f:
        return [tuple(int(g) for g in m.groups()) for m in SOAK_LINE.finditer(f.read())]


def run_player(args, tmp, base):
    cache = os.path.join(tmp, "cache")
    ini = os.path.join(tmp, "player.ini")
    with open(ini, "w") as f:
        f.write(INI.format(feed=base + "/feed.json", cache=cache,
                           status=os.path.join(tmp, "status.json")))
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               SIGNAGE_TEST_CLOCK_SPEED=str(args.speed))
    cmd = [args.player, "--config", ini, "--window", args.size,
           "--play-log", os.path.join(tmp, "play.log")]
    if args.valgrind:
        cmd = ["valgrind", "--tool=memcheck", "--leak-check=full", "--error-exitcode=99",
               "--log-file=" + args.valgrind, "--num-callers=30"] + cmd
    err = open(os.path.join(tmp, "player.log"), "w")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err), cache


def soak(args, tmp):
    clock = Clock(args.speed)
    stats = {"requests": 0, "failures": 0, "images": 0, "versions": set(),
             "failed_once": set()}
    srv = testlib.serve(tmp, make_handler(clock, stats, jpeg(8, 8, (1, 2, 3)) is not None))
    srv.handle_error = lambda *_: None  # resets and broken pipes are the point
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    t0 = time.monotonic()
    proc, cache = run_player(args, tmp, base)
    samples = []
    hours = int(args.days * 24)
    for hour in range(1, hours + 1):
        while clock.sim_s() < hour * 3600 and proc.poll() is None:
            time.sleep(0.02)
        if proc.poll() is not None:
            break
        samples.append(sample(proc.pid, cache, hour))
    wall = time.monotonic() - t0
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=600 if args.valgrind else 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    srv.shutdown()
    return samples, soak_lines(os.path.join(tmp, "player.log")), stats, wall, code


def table(samples, lines, warm):
    print(f"{'hour':>5} {'RSS kB':>8} {'PSS kB':>8} {'fds':>4} {'socks':>5} {'images':>6} "
          f"{'textures':>8} {'tex kB':>7} {'measure':>7} {'fonts':>5}")
    for s in samples:
        h = s["hour"]
        if h % 24 and h not in (1, warm, len(samples)):
            continue
        ln = lines[min(h, len(lines) - 1)] if lines else (0,) * 5
        print(f"{h:>5} {s['rss']:>8} {s['pss']:>8} {s['fds']:>4} {s['sockets']:>5} "
              f"{s['images']:>6} {ln[1]:>8} {ln[2] // 1024:>7} {ln[3]:>7} {ln[4]:>5}")


def grows(name, first, last, slack):
    """Checks that the peak of the last window is within slack of the first's."""
    ok = max(last) <= max(first) + slack
    testlib.check(ok, f"{name} grew after warm-up: peak {max(first)} then {max(last)} "
                      f"(slack {slack})")
    return ok


def fewest(name, first, last, slack):
    """Checks that the least of the last window is within slack of the first's."""
    testlib.check(min(last) <= min(first) + slack,
                  f"{name} grew after warm-up: at least {min(first)} then {min(last)} "
                  f"(slack {slack})")


def verdict(args, samples, lines, warm):
    after = [s for s in samples if s["hour"] > warm]
    lines = lines[warm:]
    if len(after) < 8 or len(lines) < 8:
        testlib.check(False, f"too few samples after warm-up: {len(after)}, {len(lines)} lines")
        return
    q = max(2, len(after) // 4)
    first, last = after[:q], after[-q:]
    if not (args.valgrind or args.no_rss):  # not memcheck's or a sanitizer's heap
        grows("RSS kB", [s["rss"] for s in first], [s["rss"] for s in last], args.max_growth_kb)
    # Sockets and temporary files come and go with the transfers (a feed,
    # up to 4 images) and the atomic writes: a leak raises the quiet
    # moments too, so the fewest of each window are compared.
    fewest("fds other than sockets", [s["fds"] - s["sockets"] for s in first],
           [s["fds"] - s["sockets"] for s in last], 1)
    fewest("sockets", [s["sockets"] for s in first], [s["sockets"] for s in last], 2)
    fewest("cached image files", [s["images"] for s in first], [s["images"] for s in last], 3)
    ql = max(2, len(lines) // 4)
    # Textures: what the slides shown since the last new feed drew (a deck's
    # lines, the clock), so a sample depends on when it falls; a leak heads
    # for the cache's cap of 1024.
    first_tex = [ln[1] for ln in lines[:ql]]
    grows("textures", first_tex, [ln[1] for ln in lines[-ql:]], max(first_tex) + 16)
    # The measure cache fills with the new texts of each version up to its
    # cap, then starts over: bounded by design, its memory is in the RSS.
    testlib.check(max(ln[3] for ln in lines) <= MEASURE_MAX,
                  f"measure cache over its cap: {max(ln[3] for ln in lines)}")
    grows("fonts open", [ln[4] for ln in lines[:ql]], [ln[4] for ln in lines[-ql:]], 0)
    print(f"RSS peak after warm-up: first quarter {max(s['rss'] for s in first)} kB, "
          f"last quarter {max(s['rss'] for s in last)} kB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--speed", type=int, default=2000)
    ap.add_argument("--warmup-hours", type=int, default=0, help="default: a seventh of the run")
    ap.add_argument("--max-growth-kb", type=int, default=1024)
    ap.add_argument("--no-rss", action="store_true",
                    help="no RSS check (a sanitizer build: its allocator holds memory back)")
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--valgrind", metavar="LOG", help="run under memcheck, its log here")
    ap.add_argument("--player", default=os.environ.get("SIGNAGE_PLAYER", "build/signage-player"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    if not os.access(args.player, os.X_OK):
        print(f"SKIP: no player at {args.player}")
        return 77
    warm = args.warmup_hours or max(2, int(args.days * 24 / 7))
    tmp = tempfile.mkdtemp(prefix="soak-")
    samples, lines, stats, wall, code = soak(args, tmp)
    print(f"simulated {args.days:g} days at {args.speed}x in {wall:.0f} s real; "
          f"{stats['requests']} requests, {len(stats['versions'])} feed versions, "
          f"{stats['failures']} feed failures, {stats['images']} image requests; "
          f"warm-up {warm} h; player log {tmp}/player.log")
    table(samples, lines, warm)
    testlib.check(code == 0, f"player exit status {code} (99: memcheck errors)")
    testlib.check(len(stats["versions"]) >= args.days * 24 * 6 // 3,
                  f"only {len(stats['versions'])} feed versions fetched")
    verdict(args, samples, lines, warm)
    if not args.keep and not testlib.failures:
        subprocess.run(["rm", "-rf", tmp])
    return testlib.done("soak")


if __name__ == "__main__":
    sys.exit(main())
