#!/usr/bin/env python3
"""How long an urgent notice waits for images that hang (issue 8, item 2).

Starts tests/http_server.py on 127.0.0.1, runs the player in its loop
(SDL_VIDEODRIVER=dummy, --play-log) on the server's feed, and once the first
feed is on screen changes the feed: its first item becomes urgent and the
items name N images that send their headers and then nothing. The clock is
the play log: the time is taken when the urgent item's line appears in it
(the file is read every 10 ms). Two figures per run:
  served  -> urgent: from the server answering the changed feed (a 200) to
                     the urgent slide, i.e. what the player itself adds;
  changed -> urgent: from the change on the server, poll wait included.

  tests/bench/urgent_latency.py [--player build/signage-player] [--images 4]
                                [--total-timeout 10] [--runs 3]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Server:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "tests", "http_server.py"), "--stdin-stop",
             "--lifetime", "3600"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base = "http://127.0.0.1:%d" % int(self.proc.stdout.readline().split()[1])

    def control(self, query):
        urllib.request.urlopen(f"{self.base}/control?{query}", timeout=5).read()

    def stats(self):
        return json.loads(urllib.request.urlopen(self.base + "/control/stats",
                                                 timeout=5).read())

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def lines(path):
    try:
        with open(path) as f:
            return [ln.split() for ln in f if ln.strip()]
    except OSError:
        return []


def wait_for(path, item_id, timeout):
    """The time the first play-log line for item_id appears, or None."""
    end = time.time() + timeout
    while time.time() < end:
        if any(len(r) > 2 and r[2] == item_id for r in lines(path)):
            return time.time()
        time.sleep(0.01)
    return None


def one_run(player, srv, tmp, run, n_images, total_timeout):
    srv.control("images=good.png")
    srv.control("urgent=0")
    srv.control("bump=1")
    first = srv.stats()["version"]
    ini = os.path.join(tmp, f"run{run}.ini")
    log = os.path.join(tmp, f"run{run}.log")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {srv.base}/feed.json\ncache_dir = {tmp}/cache{run}\n"
                f"[fetch]\npoll_interval = 5\ntotal_timeout = {total_timeout}\n"
                "[timing]\npage_min = 1\npage_max = 1\n")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    p = subprocess.Popen([player, "--config", ini, "--window", "640x360", "--play-log", log],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for(log, f"v{first}-item1", 30):
            return None
        images = ",".join(f"hang-r{run}-{i}.png" for i in range(n_images))
        srv.control(f"images={images}")
        srv.control("urgent=1")
        changed = time.time()
        srv.control("bump=1")
        version = srv.stats()["version"]
        # The old player downloads the images one after another first.
        seen = wait_for(log, f"v{version}-item1", 10 + 2 * n_images * total_timeout)
        served = srv.stats()["served"].get(str(version))
        if not seen or not served:
            return None
        return seen - served, seen - changed
    finally:
        p.terminate()
        p.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--player", default=os.path.join(ROOT, "build", "signage-player"))
    ap.add_argument("--images", type=int, default=4)
    ap.add_argument("--total-timeout", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not os.access(args.player, os.X_OK):
        print(f"urgent_latency: {args.player} is not built", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="urgent-latency-")
    srv = Server()
    results = []
    try:
        for run in range(args.runs):
            r = one_run(args.player, srv, tmp, run, args.images, args.total_timeout)
            if r is None:
                print(f"run {run + 1}: the urgent item never showed", file=sys.stderr)
                return 1
            print(f"run {run + 1}: served -> urgent {r[0]:.2f} s, "
                  f"changed -> urgent {r[1]:.2f} s")
            results.append(r)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    served = statistics.median(r[0] for r in results)
    changed = statistics.median(r[1] for r in results)
    print(f"urgent_latency: {args.images} hanging images, total_timeout = "
          f"{args.total_timeout} s, {args.runs} runs: median served -> urgent "
          f"{served:.2f} s (max {max(r[0] for r in results):.2f}), changed -> urgent "
          f"{changed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
