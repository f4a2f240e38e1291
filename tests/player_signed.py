#!/usr/bin/env python3
"""Signed feeds end to end: feeds signed by the real minisign, served by a
real HTTP server on 127.0.0.1 (or read from disk), the real player headless.

Each bad case (one byte of the feed changed, the trusted comment changed,
another key, no .minisig, an older signed feed replayed, a cached feed the
configured key no longer verifies) is refused with its reason in the log,
and the last good feed stays on screen: from the cache in a new process,
and in the running loop (the play log). Exits 77 without minisign."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")
requests = []


class LoggingHandler(testlib.QuietHandler):
    """Serves the folder and remembers every path asked for."""

    def do_GET(self):
        requests.append(self.path)
        super().do_GET()


def feed(version, n=2):
    items = [{"id": f"v{version}-item{i}", "title": f"第{version}版 消息{i}",
              "content_text": f"社区中心通知：第{version}版第{i}条。"} for i in range(1, n + 1)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1",
                       "title": f"signed v{version}", "items": items},
                      ensure_ascii=False).encode()


def ids_of(version, n=2):
    return [f"v{version}-item{i}" for i in range(1, n + 1)]


class Site:
    """The served folder: feed.json and feed.json.minisig, each write with
    an mtime of its own (If-Modified-Since has one-second steps)."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "www")
        self.keys = os.path.join(tmp, "keys")
        os.makedirs(self.dir)
        os.makedirs(self.keys)
        self.mtime = 1700000000
        for k in ("a", "b"):
            minisign("-G", "-W", "-p", self.key_file(k, "pub"), "-s", self.key_file(k, "key"))
        self.srv = testlib.serve(self.dir, LoggingHandler)
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/feed.json"

    def key_file(self, k, ext):
        return os.path.join(self.keys, f"{k}.{ext}")

    def key_line(self, k):
        with open(self.key_file(k, "pub")) as f:
            return f.read().splitlines()[1]

    def path(self, name="feed.json"):
        return os.path.join(self.dir, name)

    def write(self, name, data):
        self.mtime += 10
        with open(self.path(name), "wb") as f:
            f.write(data)
        os.utime(self.path(name), (self.mtime, self.mtime))

    def publish(self, body, key="a", comment=None, legacy=False):
        """Writes the feed and signs it (prehashed unless legacy)."""
        self.write("feed.json", body)
        args = ["-S", "-s", self.key_file(key, "key"), "-m", self.path()]
        args += ["-l"] if legacy else []
        args += ["-t", comment] if comment else []
        minisign(*args)
        os.utime(self.path("feed.json.minisig"), (self.mtime, self.mtime))


def minisign(*args):
    subprocess.run(["minisign", *args], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


class Player:
    def __init__(self, tmp, name, feed_url, key, extra=""):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.ini = os.path.join(self.dir, "player.ini")
        self.cache = os.path.join(self.dir, "cache")
        self.write_ini(feed_url, key, extra)

    def write_ini(self, feed_url, key, extra=""):
        with open(self.ini, "w") as f:
            f.write(f"[player]\nfeed = {feed_url}\ncache_dir = {self.cache}\n"
                    f"feed_public_key = {key}\n[fetch]\nconnect_timeout = 2\n"
                    f"total_timeout = 3\n{extra}")

    def ids(self):
        p = subprocess.run([PLAYER, "--config", self.ini, "--wait", "8", "--layout-dump",
                            "--size", "640x360"], capture_output=True, text=True, env=ENV,
                           timeout=60)
        check(p.returncode == 0, f"layout dump exit {p.returncode}: {p.stderr[-400:]}")
        try:
            return [i["id"] for i in json.loads(p.stdout)["items"]], p.stderr
        except ValueError:
            return [], p.stderr


def refused(log, reason):
    lines = [ln for ln in log.splitlines() if "warn" in ln and "signature refused" in ln]
    return len(lines) == 1 and reason in lines[0], lines


def test_refusals(site, tmp):
    """Good, then each bad case in a new process: the cached good feed stays
    and the reason is logged once."""
    pl = Player(tmp, "http", site.url, site.key_line("a"))
    site.publish(feed(1))
    ids, log = pl.ids()
    check(ids == ids_of(1), f"good signature: {ids} {log[-300:]}")
    check("signature verified" in log, "the verified feed is logged as such")
    check(os.path.exists(os.path.join(pl.cache, "feed.minisig")), "signature cached")

    site.publish(feed(2))
    body = bytearray(feed(2))
    body[body.index(b"v2-item2") + 1] = ord("3")  # "v3-item2": one byte
    site.write("feed.json", bytes(body))
    cases = [("one byte of the feed changed", "does not match the data")]
    ids, log = pl.ids()
    ok, lines = refused(log, cases[0][1])
    check(ids == ids_of(1) and ok, f"{cases[0][0]}: {ids} {lines}")

    site.publish(feed(2))
    with open(site.path("feed.json.minisig")) as f:
        sig = f.read().replace("\ntrusted comment: timestamp:", "\ntrusted comment: timestamp:1")
    site.write("feed.json.minisig", sig.encode())
    ids, log = pl.ids()
    ok, lines = refused(log, "trusted comment is not the one signed")
    check(ids == ids_of(1) and ok, f"trusted comment changed: {ids} {lines}")

    site.publish(feed(2), key="b")
    ids, log = pl.ids()
    ok, lines = refused(log, "not with the configured key")
    check(ids == ids_of(1) and ok, f"wrong key: {ids} {lines}")

    site.publish(feed(2))
    os.unlink(site.path("feed.json.minisig"))
    ids, log = pl.ids()
    ok, lines = refused(log, "no signature")
    check(ids == ids_of(1) and ok and "404" in lines[0], f"no .minisig: {ids} {lines}")
    return pl


def test_replay_and_304(site, pl):
    """A newer feed replaced by an older signed one is a replay; an
    unchanged feed (304) asks for no signature."""
    old_ts = int(time.time()) - 3600
    old = feed(0)
    site.publish(old, comment=f"timestamp:{old_ts}\tfile:feed.json\thashed")
    with open(site.path("feed.json.minisig"), "rb") as f:
        old_sig = f.read()
    site.publish(feed(3), legacy=True)  # the legacy format is accepted too
    ids, log = pl.ids()
    check(ids == ids_of(3), f"newer legacy-signed feed: {ids} {log[-300:]}")
    del requests[:]
    ids, log = pl.ids()
    check(ids == ids_of(3), f"unchanged feed: {ids}")
    check(requests == ["/feed.json"], f"a 304 asks for no signature: {requests}")
    site.write("feed.json", old)
    site.write("feed.json.minisig", old_sig)
    ids, log = pl.ids()
    ok, lines = refused(log, "a replay")
    check(ids == ids_of(3) and ok, f"older signed feed replayed: {ids} {lines}")


def test_cached_key_changed(site, tmp, pl):
    """At start, a cached feed whose signature the key configured now does
    not verify is not shown (nor the served one, signed by the old key)."""
    site.publish(feed(4))
    ids, _ = pl.ids()
    check(ids == ids_of(4), f"v4 cached: {ids}")
    pl.write_ini(site.url, site.key_line("b"))
    ids, log = pl.ids()
    check(ids == [], f"cached feed under another key: {ids}")
    check("the cached feed is not shown: signature refused (signed with key" in log,
          f"cached refusal logged: {log[-400:]}")
    pl.write_ini(site.url, site.key_line("a"))
    with open(os.path.join(pl.cache, "feed.minisig"), "r+b") as f:
        data = bytearray(f.read())
        data[-10] ^= 1  # inside the global signature: the cache's CRC fails
        f.seek(0)
        f.write(data)
    os.rename(site.path("feed.json.minisig"), site.path("gone.minisig"))
    ids, log = pl.ids()
    check(ids == [], f"damaged cached signature, none served: {ids}")
    check("no signature in the cache" in log, f"damaged cache logged: {log[-400:]}")
    os.rename(site.path("gone.minisig"), site.path("feed.json.minisig"))


def test_no_key(site, tmp):
    """Without a key nothing changes: no signature is asked for."""
    del requests[:]
    pl = Player(tmp, "nokey", site.url, "")
    ids, log = pl.ids()
    check(ids == ids_of(4), f"no key: {ids}")
    check(requests == ["/feed.json"], f"no key, no signature request: {requests}")


def play_ids(path):
    try:
        with open(path) as f:
            return [ln.split()[2] for ln in f if ln.strip() and ln.split()[2] != "-"]
    except OSError:
        return []


def test_loop_local(site, tmp):
    """A local feed in the running loop: the good one shows, a changed byte
    is refused once (one log line over several checks) while the good one
    keeps rotating, and a newly signed one shows."""
    local = os.path.join(tmp, "local.json")
    site.publish(feed(5))
    shutil.copy(site.path(), local)
    shutil.copy(site.path("feed.json.minisig"), local + ".minisig")
    pl = Player(tmp, "loop", local, site.key_file("a", "pub"),
                "[timing]\npage_min = 1\npage_max = 1\n")
    play = os.path.join(pl.dir, "play.log")
    err = open(os.path.join(pl.dir, "stderr"), "w+")
    p = subprocess.Popen([PLAYER, "--config", pl.ini, "--window", "640x360", "--play-log",
                          play], env=ENV, stdout=subprocess.DEVNULL, stderr=err)
    time.sleep(3)
    check(set(play_ids(play)) == set(ids_of(5)), f"local signed feed shown: {play_ids(play)}")
    with open(local, "r+b") as f:
        f.write(b" ")  # one byte: "{" becomes " ", still JSON: only the signature fails
    seen = len(play_ids(play))
    time.sleep(6)  # the file is checked every 2 s
    after = play_ids(play)[seen:]
    check(len(after) >= 3 and set(after) <= set(ids_of(5)), f"last good feed rotates: {after}")
    site.publish(feed(6))
    shutil.copy(site.path(), local)
    shutil.copy(site.path("feed.json.minisig"), local + ".minisig")
    time.sleep(5)
    p.send_signal(signal.SIGTERM)
    check(p.wait(timeout=10) == 0, "clean exit on SIGTERM")
    check(play_ids(play)[-1] in ids_of(6), f"the new signed feed shows: {play_ids(play)[-3:]}")
    err.seek(0)
    ok, lines = refused(err.read(), "does not match the data")
    check(ok, f"one line for the lasting refusal: {lines}")
    err.close()


def test_check_feed(site, tmp):
    """--check-feed gives the signature's verdict."""
    pl = Player(tmp, "check", site.url, site.key_line("b"))
    p = subprocess.run([PLAYER, "--config", pl.ini, "--check-feed", site.url],
                       capture_output=True, text=True, env=ENV, timeout=60)
    check(p.returncode == 1 and "signature refused" in p.stdout,
          f"--check-feed with the wrong key: {p.returncode} {p.stdout[-300:]}")


def main():
    if not shutil.which("minisign"):
        print("SKIP: minisign is not installed (apt-get install minisign)")
        return 77
    tmp = tempfile.mkdtemp(prefix="signage-signed-")
    site = Site(tmp)
    try:
        pl = test_refusals(site, tmp)
        test_replay_and_304(site, pl)
        test_cached_key_changed(site, tmp, pl)
        test_no_key(site, tmp)
        test_check_feed(site, tmp)
        test_loop_local(site, tmp)
    finally:
        site.srv.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("player_signed")


if __name__ == "__main__":
    sys.exit(main())
