#!/usr/bin/env python3
"""The player binary against a real HTTP server on 127.0.0.1.

Starts tests/http_server.py (which misbehaves on demand), runs the built
player headless (--layout-dump, --snapshot) and in its loop (--play-log),
and checks what it shows afterwards: the last good feed, the waiting slide,
items without their broken images, and a rotation that never stops while a
request hangs."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")



class Server:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "http_server.py"), "--stdin-stop"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])
        self.base = f"http://127.0.0.1:{self.port}"

    def control(self, query):
        urllib.request.urlopen(f"{self.base}/control?{query}", timeout=5).read()

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Player:
    def __init__(self, tmp, name, feed, extra=""):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.ini = os.path.join(self.dir, "player.ini")
        self.cache = os.path.join(tmp, "cache-" + name)
        with open(self.ini, "w") as f:
            f.write(f"[player]\nfeed = {feed}\ncache_dir = {self.cache}\n"
                    f"[fetch]\nconnect_timeout = 2\ntotal_timeout = 3\n{extra}")

    def run(self, *args, wait=8):
        p = subprocess.run([PLAYER, "--config", self.ini, "--wait", str(wait), *args],
                           capture_output=True, text=True, env=ENV, timeout=60)
        return p

    def dump(self):
        p = self.run("--layout-dump", "--size", "1280x720")
        check(p.returncode == 0, f"layout dump exit {p.returncode}: {p.stderr[-400:]}")
        try:
            return json.loads(p.stdout), p.stderr
        except ValueError:
            return {"items": []}, p.stderr

    def ids(self):
        d, log = self.dump()
        return [i["id"] for i in d["items"]], d, log

    def snapshot(self):
        out = os.path.join(self.dir, "snap")
        shutil.rmtree(out, ignore_errors=True)
        p = self.run("--snapshot", out, "--size", "640x360")
        check(p.returncode == 0, f"snapshot exit {p.returncode}")
        names = sorted(os.listdir(out)) if os.path.isdir(out) else []
        return [n for n in names if n.endswith(".png")]  # not the contact sheet


V1 = ["v1-item1", "v1-item2", "v1-item3"]


def test_fetch_and_cache(srv, tmp):
    pl = Player(tmp, "basic", srv.base + "/feed.json")
    ids, d, log = pl.ids()
    check(ids == V1, f"200: {ids}")
    check(d["items"][0]["image"] is True, "the first item's image is shown")
    # A changed ETag is picked up.
    srv.control("bump=1")
    ids, _, _ = pl.ids()
    check(ids == ["v2-item1", "v2-item2", "v2-item3"], f"after bump: {ids}")
    return pl


def test_bad_responses(srv, tmp):
    """Each bad answer leaves the cached (last good) feed on screen."""
    pl = Player(tmp, "bad", srv.base + "/feed.json")
    srv.control("mode=ok")
    good, _, _ = pl.ids()
    check(len(good) == 3, f"seeded cache: {good}")
    for mode in ["500", "404", "stall", "truncated", "huge", "hugestream", "gzipbomb",
                 "invalid", "notfeed", "redirect", "html", "guid"]:
        srv.control(f"mode={mode}")
        srv.control("bump=1")
        ids, _, log = pl.ids()
        check(ids == good, f"{mode}: showed {ids}, want the cached {good}")
        check("feed.json" in log, f"{mode}: no log line naming the source")
    srv.control("mode=ok")
    # The same bad answers with no cache: the calm waiting slide.
    nocache = Player(tmp, "nocache", srv.base + "/feed.json")
    for mode in ["500", "invalid", "redirect", "guid"]:
        srv.control(f"mode={mode}")
        shutil.rmtree(nocache.cache, ignore_errors=True)
        pngs = nocache.snapshot()
        check(pngs == ["000-waiting.png"], f"{mode} without cache: {pngs}")
    srv.control("mode=ok")


def test_images(srv, tmp):
    srv.control("images=notimage.png,bomb.png,missing.png")
    srv.control("bump=1")
    pl = Player(tmp, "images", srv.base + "/feed.json")
    d, log = pl.dump()
    check(len(d["items"]) == 3, "items with broken images are still shown")
    check(all(not i["image"] for i in d["items"]), "no broken image is drawn")
    check("30000" in log or "pixels" in log, "the 30000x30000 image is refused by size")
    check(len(pl.snapshot()) == 3, "snapshots of items with broken images")
    srv.control("images=good.png")
    srv.control("bump=1")


def test_offline(url, tmp, seeded):
    """Server down (stopped): with a cache the cached feed, without one the
    waiting slide; a cache file cut in half is moved aside."""
    pl = Player(tmp, "offline", url)
    shutil.copytree(seeded.cache, pl.cache)
    ids, _, log = pl.ids()
    check(len(ids) == 3 and ids[0].endswith("-item1"), f"offline with cache: {ids}")
    check(pl.snapshot() != ["000-waiting.png"], "offline with cache shows items")
    empty = Player(tmp, "offline-empty", url)
    check(empty.snapshot() == ["000-waiting.png"], "offline without cache: waiting slide")
    feed = os.path.join(pl.cache, "feed")
    with open(feed, "rb") as f:
        data = f.read()
    with open(feed, "wb") as f:
        f.write(data[: len(data) // 2])
    ids, _, log = pl.ids()
    check(ids == [], f"a half cache file is not shown: {ids}")
    check(any(n.endswith(".bad") for n in os.listdir(pl.cache)), "damaged file moved aside")
    check("damaged" in log or "bad" in log, "damaged cache logged")


def play_log(path):
    try:
        with open(path) as f:
            return [line.split() for line in f if line.strip()]
    except OSError:
        return []


def test_loop_during_stall(srv, tmp, seeded):
    """Slides keep rotating while the request hangs; a new version arrives
    within one poll interval once the server answers again."""
    pl = Player(tmp, "loop", srv.base + "/feed.json",
                "poll_interval = 5\ntotal_timeout = 6\n[timing]\npage_min = 1\npage_max = 1\n")
    shutil.copytree(seeded.cache, pl.cache)
    srv.control("mode=stall")
    log = os.path.join(pl.dir, "play.log")
    p = subprocess.Popen([PLAYER, "--config", pl.ini, "--window", "640x360",
                          "--play-log", log], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    during = play_log(log)
    # The stalled request holds for 6 s (total_timeout): a loop that waited
    # for it would have shown one slide by now.
    check(len(during) >= 2, f"{len(during)} slides in 4 s while the fetch stalls")
    srv.control("mode=ok")
    srv.control("bump=1")
    version = json.loads(urllib.request.urlopen(srv.base + "/control/stats").read())["version"]
    time.sleep(12)  # the stall times out at 6 s, the retry follows ~5 s later
    p.send_signal(signal.SIGTERM)
    check(p.wait(timeout=10) == 0, "clean exit on SIGTERM")
    after = play_log(log)
    check(any(r[2].startswith(f"v{version}-") for r in after),
          f"version {version} never shown: {[r[2] for r in after][-5:]}")


def test_late_image(srv, tmp):
    """An image that fails at first (503 twice) arrives on a later poll of
    the unchanged feed: the item is shown without it, then with it."""
    srv.control("images=flaky.png")
    srv.control("bump=1")
    version = json.loads(urllib.request.urlopen(srv.base + "/control/stats").read())["version"]
    pl = Player(tmp, "late", srv.base + "/feed.json",
                "poll_interval = 5\n[timing]\npage_min = 1\npage_max = 1\n")
    log = os.path.join(pl.dir, "play.log")
    p = subprocess.Popen([PLAYER, "--config", pl.ini, "--window", "640x360",
                          "--play-log", log], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(16)
    p.send_signal(signal.SIGTERM)
    check(p.wait(timeout=10) == 0, "clean exit on SIGTERM")
    # Fields: wall time, monotonic ms, id, page/pages, image or "-".
    first = [r[4] for r in play_log(log) if r[2] == f"v{version}-item1"]
    check(len(first) >= 2 and first[0] == "-", f"item1 at first without its image: {first}")
    check(first and first[-1] == "image", f"item1 never showed the late image: {first}")
    srv.control("images=good.png")
    srv.control("bump=1")


def stats(srv):
    return json.loads(urllib.request.urlopen(srv.base + "/control/stats", timeout=5).read())


def wait_line(path, pred, timeout):
    """Polls the play log until a line matches; the time it was seen, or None."""
    end = time.time() + timeout
    while time.time() < end:
        if any(pred(r) for r in play_log(path)):
            return time.time()
        time.sleep(0.02)
    return None


def test_urgent_hanging_images(srv, tmp):
    """An urgent item whose feed names hanging images is on screen within
    seconds of the feed arriving, without its image; an image that is only
    slow shows on a later slide of the same feed (issue 8, item 2)."""
    srv.control("images=good.png")
    srv.control("bump=1")
    pl = Player(tmp, "urgent", srv.base + "/feed.json",
                "poll_interval = 5\ntotal_timeout = 10\n[timing]\npage_min = 1\n"
                "page_max = 1\n[schedule]\nurgent_alternate = true\n")
    log = os.path.join(pl.dir, "play.log")
    err_path = os.path.join(pl.dir, "player.err")
    err = open(err_path, "w")
    failures = testlib.failures
    p = subprocess.Popen([PLAYER, "--config", pl.ini, "--window", "640x360",
                          "--play-log", log], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    old = stats(srv)["version"]
    check(wait_line(log, lambda r: r[2].startswith(f"v{old}-"), 15), "first feed shown")
    srv.control("images=hang-u1.png,slow-u2.png,hang-u3.png,hang-u4.png,hang-u5.png")
    srv.control("urgent=1")
    srv.control("bump=1")
    new = stats(srv)["version"]
    seen = wait_line(log, lambda r: r[2] == f"v{new}-item1", 20)
    served = stats(srv)["served"].get(str(new))
    check(seen and served and seen - served < 5,
          f"urgent item {seen and served and seen - served} s after its feed was served")
    slow = wait_line(log, lambda r: r[2] == f"v{new}-item2" and r[4] == "image", 10)
    p.send_signal(signal.SIGTERM)
    check(p.wait(timeout=10) == 0, "clean exit on SIGTERM")
    shown = [r[4] for r in play_log(log) if r[2] == f"v{new}-item2"]
    # Shown without it while it downloads (unless the player was slower
    # than the image, as under ThreadSanitizer), and with it once it is in.
    check(slow and shown and shown[-1] == "image" and shown.count("-") == shown.index("image"),
          f"item2 without, then with its slow image: {shown}")
    if testlib.failures > failures:  # what the player said (a sanitizer's report)
        with open(err_path, encoding="utf-8", errors="replace") as f:
            print("player's last log lines (exit status %s):\n%s"
                  % (p.returncode, "".join(f.readlines()[-40:])), file=sys.stderr)
    srv.control("images=good.png")
    srv.control("urgent=0")
    srv.control("bump=1")


def test_crlf_etag(srv, tmp):
    """An ETag with a CR inside is neither stored in the cache nor sent back
    as a request header (issue 8, item 7)."""
    injected = stats(srv)["injected"]
    pl = Player(tmp, "crlf", srv.base + "/mode/crlfetag.json")
    ids, _, _ = pl.ids()
    check(len(ids) == 3, f"the feed with a CR in its ETag is still shown: {ids}")
    pl.ids()  # a second run sends what the first one cached
    with open(os.path.join(pl.cache, "feed"), "rb") as f:
        check(b"X-Injected" not in f.read(), "the CR ETag was stored in the cache")
    check(stats(srv)["injected"] == injected, "a header was injected into a request")


def main():
    tmp = tempfile.mkdtemp(prefix="signage-http-")
    srv = Server()
    try:
        seeded = test_fetch_and_cache(srv, tmp)
        seeded_url = srv.base + "/feed.json"
        test_bad_responses(srv, tmp)
        test_images(srv, tmp)
        srv.control("mode=ok")
        seeded.ids()
        test_loop_during_stall(srv, tmp, seeded)
        test_late_image(srv, tmp)
        test_urgent_hanging_images(srv, tmp)
        test_crlf_etag(srv, tmp)
        srv.stop()
        srv = None
        test_offline(seeded_url, tmp, seeded)
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("player_http")


if __name__ == "__main__":
    sys.exit(main())
