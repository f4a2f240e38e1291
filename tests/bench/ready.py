#!/usr/bin/env python3
"""Time from exec to READY=1 with a cached feed: the player started as the
systemd unit starts it (NOTIFY_SOCKET set to a socket read here), with the
last good feed in its cache and the feed server down, as after a power cut
with the network still coming up. SDL's dummy video driver; median of N.
ITEMS: the demo feed's items (short) repeated to that many (default: the demo feed
as it is), to see whether the first frame waits for the cached feed's parse.

usage: tests/bench/ready.py BUILD_DIR [RUNS] [ITEMS]   (default 10 runs)"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import serve  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "..", "config")




def start(player, ini, sock_path):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", NOTIFY_SOCKET=sock_path)
    return subprocess.Popen([player, "--config", ini, "--window", "1920x1080"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def until_ready(sock, proc, t0):
    sock.settimeout(10)
    while True:
        msg = sock.recv(4096)
        if msg == b"READY=1":
            return time.monotonic() - t0
        if proc.poll() is not None:
            raise SystemExit("player exited before READY=1")


def big_feed(tmp, n):
    """The demo feed's items (their text cut to 120 characters, under the
    8 MiB cap) repeated to n items, in tmp/feed/."""
    with open(os.path.join(CONFIG, "demo-feed.json"), encoding="utf-8") as f:
        demo = json.load(f)
    base = [{"id": i["id"], "title": i["title"],
             "content_text": i.get("content_text", "")[:120]} for i in demo["items"]]
    items = [dict(base[k % len(base)], id=f"{base[k % len(base)]['id']}-{k}")
             for k in range(n)]
    d = os.path.join(tmp, "feed")
    os.mkdir(d)
    with open(os.path.join(d, "demo-feed.json"), "w", encoding="utf-8") as f:
        json.dump(dict(demo, items=items), f, ensure_ascii=False)
    return d


def main():
    player = os.path.join(sys.argv[1], "signage-player")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    n_items = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with tempfile.TemporaryDirectory() as tmp:
        srv = serve(big_feed(tmp, n_items) if n_items else CONFIG)
        url = f"http://127.0.0.1:{srv.server_address[1]}/demo-feed.json"
        ini = os.path.join(tmp, "player.ini")
        with open(ini, "w") as f:
            f.write(f"[player]\nfeed = {url}\ncache_dir = {tmp}/cache\n")
        sock_path = os.path.join(tmp, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(sock_path)
        # One run with the server up fills the cache; then the server goes.
        p = start(player, ini, sock_path)
        until_ready(sock, p, time.monotonic())
        time.sleep(2)
        p.terminate()
        p.wait()
        srv.shutdown()
        srv.server_close()
        times = []
        for _ in range(runs):
            while True:  # drop what the last run sent
                sock.settimeout(0)
                try:
                    sock.recv(4096)
                except (BlockingIOError, socket.timeout):
                    break
            t0 = time.monotonic()
            p = start(player, ini, sock_path)
            times.append(until_ready(sock, p, t0) * 1000)
            p.terminate()
            p.wait()
        times.sort()
        what = f"{n_items} items" if n_items else "the demo feed"
        print(f"exec to READY=1, cached feed ({what}), server down, 1920x1080 dummy: "
              f"median {statistics.median(times):.0f} ms, min {times[0]:.0f}, "
              f"max {times[-1]:.0f} over {runs} runs")


if __name__ == "__main__":
    main()
