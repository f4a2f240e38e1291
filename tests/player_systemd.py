#!/usr/bin/env python3
"""The player as systemd runs it, without systemd: the notify protocol on a
datagram socket the test reads (READY=1 after the first frame, STATUS=
lines, WATCHDOG=1 at the interval, no pings once the loop hangs), waiting
for a display that is not there yet, and the video driver it asks for.

usage: player_systemd.py notify|nodisplay|driver"""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]

FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "测试",
 "_signage": {"duration": 1},
 "items": [{"id": "one", "title": "第一条", "content_text": "第一条通知。"},
           {"id": "two", "title": "第二条", "content_text": "第二条通知。"}]}"""



class Player:
    """The player's loop with a feed on disk and NOTIFY_SOCKET pointing at a
    socket of ours; env adds or (value None) removes variables."""

    def __init__(self, tmp, env, watchdog_usec=None):
        self.tmp = tmp
        feed = os.path.join(tmp, "feed.json")
        with open(feed, "w") as f:
            f.write(FEED)
        ini = os.path.join(tmp, "player.ini")
        with open(ini, "w") as f:
            f.write(f"[player]\nfeed = {feed}\ncache_dir = {tmp}/cache\n")
        self.sock_path = os.path.join(tmp, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.play_log = os.path.join(tmp, "play.log")
        full = dict(os.environ, NOTIFY_SOCKET=self.sock_path)
        if watchdog_usec:
            full["WATCHDOG_USEC"] = str(watchdog_usec)
        for k, v in env.items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        self.err = open(os.path.join(tmp, "stderr"), "w+")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [PLAYER, "--config", ini, "--window", "640x360", "--play-log", self.play_log],
            env=full, stdout=subprocess.DEVNULL, stderr=self.err)
        self.msgs = []  # (seconds since start, message, play log lines then)

    def collect(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.proc.poll() is None:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            self.msgs.append((time.monotonic() - self.t0, data, len(self.plays())))

    def plays(self):
        try:
            with open(self.play_log) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def times(self, msg):
        return [t for t, m, _ in self.msgs if m == msg]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.sock.close()


def test_notify(tmp):
    # Pings every 150 ms; the loop hangs (test hook) 2.5 s after start.
    p = Player(tmp, {"SDL_VIDEODRIVER": "dummy", "SIGNAGE_TEST_HANG_AFTER_MS": "2500"},
               watchdog_usec=300000)
    p.collect(4.5)
    alive = p.proc.poll() is None
    p.stop()
    ready = [(t, n) for t, m, n in p.msgs if m == "READY=1"]
    check(len(ready) == 1, f"one READY=1, got {len(ready)}: {p.msgs[:5]}")
    check(bool(ready) and ready[0][1] >= 1,
          "READY=1 after the first slide is in the play log")
    status = [m for _, m, _ in p.msgs if m.startswith("STATUS=")]
    check(any(m.startswith("STATUS=showing 第一条") or m.startswith("STATUS=showing 第二条")
              for m in status), f"STATUS names the item shown: {status}")
    pings = p.times("WATCHDOG=1")
    before = [t for t in pings if t < 2.4]
    # Pages last 1 s or more: without the watchdog deadline the loop would
    # sleep through several intervals.
    gaps = [b - a for a, b in zip(before, before[1:])]
    check(len(before) >= 8, f"pings every 150 ms before the hang: {len(before)}")
    check(bool(gaps) and max(gaps) < 0.45, f"no gap of 3 intervals: {gaps}")
    # The hook counts from SDL's start, a little after exec.
    after = [t for t in pings if t > 2.5 + 0.8]
    check(not after, f"no ping once the loop hangs (1.2 s of silence): {after}")
    check(alive, "the hung player is still running (systemd would kill it)")
    check("the loop hangs now" in p.stderr(), "the hook says so")


def test_nodisplay(tmp):
    p = Player(tmp, {"SDL_VIDEODRIVER": "dummy", "SIGNAGE_TEST_NO_DISPLAY_FOR_MS": "2000"},
               watchdog_usec=1000000)
    p.collect(2.0)
    early = p.plays()
    p.collect(5.0)
    alive = p.proc.poll() is None
    p.stop()
    err = p.stderr()
    check(early == [], f"nothing shown before the display appears: {early}")
    check(err.count("no display yet") == 1, f"one log line while waiting:\n{err}")
    check("display found" in err, "a line when it appears")
    plays = p.plays()
    check(any(" one " in l or " two " in l for l in plays), f"the feed is shown: {plays}")
    check(alive, "no exit")
    status = [m for _, m, _ in p.msgs if m.startswith("STATUS=")]
    check(status[:1] == ["STATUS=waiting for a display"], f"status first: {status}")
    ready = p.times("READY=1")
    check(len(ready) == 1 and ready[0] > 2.0, f"READY=1 once a frame is shown: {ready}")
    pings = [t for t in p.times("WATCHDOG=1") if t < 2.0]
    check(len(pings) >= 3, f"the watchdog is fed while waiting: {pings}")


def test_driver(tmp):
    # A DISPLAY that is not there: an error naming the driver, not offscreen.
    p = Player(os.path.join(tmp, "x11"),
               {"SDL_VIDEODRIVER": None, "WAYLAND_DISPLAY": None, "DISPLAY": ":87"})
    p.collect(5.0)
    code = p.proc.poll()  # None: still running, on some screen of its own
    p.stop()
    err = p.stderr()
    check(code == 1, f"exit 1, got {code}")
    check("x11" in err and "DISPLAY=:87" in err, f"names the driver tried:\n{err}")
    check("offscreen" not in err and p.plays() == [], "nothing shown offscreen")
    # No DISPLAY at all: the console, through KMSDRM; with no screen there
    # (this machine) it waits, logging once.
    p = Player(os.path.join(tmp, "console"),
               {"SDL_VIDEODRIVER": None, "WAYLAND_DISPLAY": None, "DISPLAY": None})
    p.collect(4.0)
    alive = p.proc.poll() is None
    p.stop()
    err = p.stderr()
    if "video driver kmsdrm" in err:
        print("a KMSDRM screen is attached here: it was used")
    else:
        check(alive, f"waits for a screen instead of exiting:\n{err}")
        check(err.count("no display yet") == 1 and "kmsdrm" in err,
              f"one line naming kmsdrm:\n{err}")
    check("offscreen" not in err, "never offscreen")


def main():
    tests = {"notify": test_notify, "nodisplay": test_nodisplay, "driver": test_driver}
    with tempfile.TemporaryDirectory() as tmp:
        for sub in ("x11", "console"):
            os.makedirs(os.path.join(tmp, sub))
        tests[sys.argv[1]](tmp)
    return testlib.done(f"player_systemd {sys.argv[1]}")


if __name__ == "__main__":
    sys.exit(main())
