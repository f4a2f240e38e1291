#!/usr/bin/env python3
"""A fleet of players woken by one MQTT publish (issue 15, push).

Starts a mosquitto broker and tests/http_server.py on 127.0.0.1, then N
players in their loop (SDL_VIDEODRIVER=dummy, a small window, each its own
config, cache folder and play log) subscribed to the broker and polling once
an hour. Once every player shows the feed and is connected, the feed's
first item becomes urgent in a new version and one message is published.
Figures:
  publish -> urgent slide: per player, from the PUBLISH sent to the write of
      the urgent item's play-log line (the file's mtime, which is that
      line's write as long as it is the last line; else the time this script
      saw it); median, 90th percentile and worst;
  CPU: the broker's and the players' (sum and per player) from
      /proc/PID/stat, as % of one core, over IDLE seconds of connected
      rotation before the publish and over the PUSH seconds after it;
  RSS: each player's VmRSS at the end (median and largest), and the broker's.

  tests/bench/push_fleet.py [--players 100] [--player build/signage-player]
                            [--window 320x180] [--idle 10] [--push 5]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import mqtt_broker  # noqa: E402
from feed_server import FeedServer  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
TOPIC = "signage/feed"


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError):
        return 0


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def last_line(path):
    try:
        with open(path) as f:
            lines = [ln.split() for ln in f if ln.strip()]
        return lines[-1] if lines else None
    except OSError:
        return None


def start_players(args, tmp, srv, broker):
    players = []
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    for i in range(args.players):
        d = os.path.join(tmp, f"p{i:03d}")
        os.makedirs(d)
        with open(os.path.join(d, "player.ini"), "w") as f:
            f.write(f"[player]\nfeed = {srv.base}/feed.json\ncache_dir = {d}/cache\n"
                    "[fetch]\npoll_interval = 3600\n"
                    f"[fleet]\nscreen_id = bench-{i:03d}\n"
                    f"mqtt_url = mqtt://127.0.0.1:{broker.port}\n")
        with open(os.path.join(d, "stderr.log"), "w") as err:
            p = subprocess.Popen([args.player, "--config", f"{d}/player.ini", "--window",
                                  args.window, "--play-log", f"{d}/play.log"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=err)
        players.append((p, d))
        time.sleep(args.stagger)
    return players


def all_ready(players, timeout):
    """Every player shows a slide and is connected to the broker."""
    end = time.time() + timeout
    while time.time() < end:
        ready = 0
        for p, d in players:
            if p.poll() is not None:
                raise RuntimeError(f"player {d} exited with {p.returncode}")
            with open(os.path.join(d, "stderr.log"), errors="replace") as f:
                connected = "push: connected" in f.read()
            ready += connected and last_line(os.path.join(d, "play.log")) is not None
        if ready == len(players):
            return True
        time.sleep(0.5)
    print(f"only {ready} of {len(players)} ready", file=sys.stderr)
    return False


def wait_urgent(players, item, timeout):
    """Per player: the wall time the urgent line was written, or None."""
    seen = {}
    end = time.time() + timeout
    while len(seen) < len(players) and time.time() < end:
        for p, d in players:
            if d in seen:
                continue
            log = os.path.join(d, "play.log")
            last = last_line(log)
            if last and last[2] == item:
                seen[d] = os.stat(log).st_mtime_ns / 1e9
            elif last:
                with open(log) as f:
                    if any(ln.split()[2] == item for ln in f if ln.strip()):
                        seen[d] = time.time()  # a later line came first: an upper bound
        time.sleep(0.02)
    return [seen.get(d) for _, d in players]


def cpu_window(pids, seconds):
    before = {pid: cpu_ticks(pid) for pid in pids}
    t = time.time()
    time.sleep(seconds)
    wall = time.time() - t
    return {pid: (cpu_ticks(pid) - before[pid]) / CLK_TCK / wall * 100 for pid in pids}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(args, times, idle, push, players, broker, load):
    ppids = [p.pid for p, _ in players]
    got = [t for t in times if t is not None]
    print(f"players: {args.players}, window {args.window}, cores: {os.cpu_count()}, "
          f"load average (1 min) before the publish: {load:.1f}")
    print(f"publish -> urgent slide: {len(got)}/{len(times)} players; "
          f"median {statistics.median(got) * 1000:.0f} ms, "
          f"p90 {pct(got, 0.9) * 1000:.0f} ms, worst {max(got) * 1000:.0f} ms"
          if got else "publish -> urgent slide: no player showed it")
    for name, w in (("idle", idle), ("push", push)):
        total = sum(w[pid] for pid in ppids)
        print(f"CPU {name} ({args.idle if name == 'idle' else args.push} s): broker "
              f"{w[broker.proc.pid]:.1f}%, players {total:.1f}% in all, "
              f"{total / len(ppids):.2f}% each (% of one core)")
    rss = [rss_kb(pid) / 1024 for pid in ppids]
    print(f"RSS: players median {statistics.median(rss):.1f} MiB, largest {max(rss):.1f} MiB"
          f", all {sum(rss):.0f} MiB; broker {rss_kb(broker.proc.pid) / 1024:.1f} MiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--players", type=int, default=100)
    ap.add_argument("--player", default=os.path.join(ROOT, "build", "signage-player"))
    ap.add_argument("--window", default="320x180")
    ap.add_argument("--idle", type=float, default=10)
    ap.add_argument("--push", type=float, default=5)
    ap.add_argument("--stagger", type=float, default=0.05, help="seconds between starts")
    args = ap.parse_args()
    if not mqtt_broker.MOSQUITTO:
        print("skipped: no mosquitto broker (apt-get install mosquitto)")
        return 77
    tmp = tempfile.mkdtemp(prefix="push-fleet-")
    srv = FeedServer(lifetime=3600)
    broker = mqtt_broker.Broker(tmp)
    players = []
    try:
        players = start_players(args, tmp, srv, broker)
        if not all_ready(players, 300):
            return 1
        pids = [p.pid for p, _ in players] + [broker.proc.pid]
        idle = cpu_window(pids, args.idle)
        load = os.getloadavg()[0]
        srv.control("urgent=1")
        version = srv.bump()
        before = {pid: cpu_ticks(pid) for pid in pids}
        t0 = time.time()
        sent = mqtt_broker.publish(broker.port, TOPIC, b"update")
        seen = wait_urgent(players, f"v{version}-item1", 30)
        rest = args.push - (time.time() - t0)
        if rest > 0:
            time.sleep(rest)
        wall = time.time() - t0
        push = {pid: (cpu_ticks(pid) - before[pid]) / CLK_TCK / wall * 100 for pid in pids}
        times = [s - sent if s is not None else None for s in seen]
        report(args, times, idle, push, players, broker, load)
    finally:
        for p, _ in players:
            p.send_signal(signal.SIGTERM)
        for p, _ in players:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        broker.stop()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
