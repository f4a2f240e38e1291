#!/usr/bin/env python3
"""One pass of tests/bench/run.sh: every figure for the table, printed as a
Markdown table. run.sh builds, starts Xvfb, and runs this once for all
cores and once under `taskset -c 0`.

    measure.py --build-dir DIR --title TEXT [--seconds 60] [--no-browser]

Needs DISPLAY (an Xvfb of 1920x1080). The player and Chromium run one after
the other, never together. For each, CPU and PSS are summed over every
process it starts: this process is made a child subreaper, so helpers that
daemonise (Chromium's crashpad) stay in the tree."""
import argparse
import ctypes
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIRST_FRAME_RUNS = 10
SETTLE_S = 5  # start-up, before the rotation window begins
CLK_TCK = os.sysconf("SC_CLK_TCK")
FIRST_FRAME = re.compile(r"first frame presented at ([0-9.]+) ms")
CHROMIUM_FLAGS = ["--kiosk", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic",
                  "--no-default-browser-check",
                  # Xvfb has no window manager to make --kiosk fullscreen.
                  "--window-position=0,0", "--window-size=1920,1080"]


def mono_ms():
    return time.clock_gettime(time.CLOCK_MONOTONIC) * 1e3


def player_env():
    env = dict(os.environ)
    env.pop("SDL_VIDEODRIVER", None)  # ctest sets dummy; here the X server is real
    return env


def workspace(tmp, software=False):
    """The shipped config, demo feed and blocklist, with the cache in tmp;
    software: with `[display] renderer = software` (the CPU draws, no GL
    driver mapped)."""
    for name in ("demo-feed.json", "blocklist.txt"):
        shutil.copy(os.path.join(SOURCE, "config", name), tmp)
    # The demo's pictures (the feed names them relative to itself).
    shutil.copytree(os.path.join(SOURCE, "config", "images"), os.path.join(tmp, "images"),
                    dirs_exist_ok=True)
    with open(os.path.join(SOURCE, "config", "player.ini"), encoding="utf-8") as f:
        ini = f.read()
    ini = re.sub(r"(?m)^cache_dir =.*$", f"cache_dir = {tmp}/cache", ini)
    if software:
        ini = re.sub(r"(?m)^renderer = auto$", "renderer = software", ini)
    path = os.path.join(tmp, "player-software.ini" if software else "player.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(ini)
    return path


# --- processes -------------------------------------------------------------

def children_of():
    """pid -> parent pid for every process."""
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parent[int(name)] = int(fields[1])
            except (OSError, IndexError):
                pass
    return parent


def tree():
    """Every descendant of this process: the program being measured."""
    parent = children_of()
    me, found = os.getpid(), set()
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if pid not in found and (ppid == me or ppid in found):
                found.add(pid)
                grew = True
    return found


def cpu_s(pid):
    """utime + stime of a process and of its children it has reaped."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / CLK_TCK


def pss_kb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def sample():
    cpu, pss, n = 0.0, 0, 0
    for pid in tree():
        try:
            cpu += cpu_s(pid)
            pss += pss_kb(pid)
            n += 1
        except (OSError, ValueError):
            pass  # it ended between the listing and the read
    return cpu, pss, n


def reap():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def stop(proc):
    """Ends the program and everything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in [proc.pid] + sorted(tree() - {proc.pid}):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while tree() and time.monotonic() < deadline:
            reap()
            time.sleep(0.1)
        if not tree():
            break
    try:
        proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        pass
    reap()


def server_cpu_s():
    """CPU seconds of the X server so far (run.sh passes its pid), or 0."""
    try:
        return cpu_s(int(os.environ.get("BENCH_XVFB_PID", "")))
    except (OSError, ValueError):
        return 0.0


def rotation(cmd, seconds, env):
    """CPU seconds over `seconds` after SETTLE_S of start-up (the program's,
    and the X server's apart), and the peak of the summed PSS (sampled each
    second over the whole run)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak, procs = 0, 0
    try:
        cpu0 = None
        start = time.monotonic()
        while True:
            elapsed = time.monotonic() - start
            cpu, pss, n = sample()
            if pss > peak:
                peak, procs = pss, n
            if cpu0 is None and elapsed >= SETTLE_S:
                cpu0, x0 = cpu, server_cpu_s()
            if elapsed >= SETTLE_S + seconds:
                break
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
            time.sleep(1)
        return {"cpu": cpu - cpu0, "x_cpu": server_cpu_s() - x0, "pss_mb": peak / 1024,
                "procs": procs}
    finally:
        stop(proc)


# --- the player ------------------------------------------------------------

def first_frame(player, ini):
    """Milliseconds from exec to the first SDL_RenderPresent: before the
    fork here, to the time the player logs right after it."""
    t0 = mono_ms()
    proc = subprocess.Popen([player, "--config", ini], env=player_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        seen, deadline = b"", time.monotonic() + 20
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1)
            chunk = os.read(proc.stderr.fileno(), 65536) if ready else b""
            if ready and not chunk:
                return None  # it exited
            seen += chunk
            m = FIRST_FRAME.search(seen.decode("utf-8", "replace"))
            if m:
                return float(m.group(1)) - t0
        return None
    finally:
        stop(proc)
        proc.stderr.close()


def first_frames(player, ini):
    if first_frame(player, ini) is None:  # fills the cache for the runs below
        return None
    runs = []
    for _ in range(FIRST_FRAME_RUNS):
        ms = first_frame(player, ini)
        if ms is None:
            return None
        runs.append(ms)
    return {"median": statistics.median(runs), "worst": max(runs)}


# --- the benchmark programs ------------------------------------------------

def run_bench(build, *args):
    exe = os.path.join(build, args[0])
    if not os.access(exe, os.X_OK):
        return ""
    p = subprocess.run([exe, *args[1:]], capture_output=True, text=True, timeout=300)
    return p.stdout if p.returncode == 0 else ""


def grab(pattern, text, *groups):
    m = re.search(pattern, text)
    return tuple(float(m.group(g)) for g in groups) if m else None


def write_feeds(tmp):
    """A 1,000-item feed (the demo items again and again) and one just under
    the 8 MiB cap (the sample article again and again)."""
    with open(os.path.join(SOURCE, "config", "demo-feed.json"), encoding="utf-8") as f:
        demo = json.load(f)
    base = [dict(i, _signage={}) for i in demo["items"]]
    items = []
    for k in range(1000):
        item = dict(base[k % len(base)])
        item["id"] = f"{item['id']}-{k}"
        item["title"] = f"{item['title']} {k}"
        items.append(item)
    small = os.path.join(tmp, "feed-1000.json")
    with open(small, "w", encoding="utf-8") as f:
        json.dump(dict(demo, items=items), f, ensure_ascii=False)
    article = max(base, key=lambda i: len(i.get("content_text", "")))
    big_items, size = [], 200
    while True:
        item = dict(article, id=f"a{len(big_items)}", title=f"{article['title']} {len(big_items)}")
        n = len(json.dumps(item, ensure_ascii=False).encode()) + 1
        if size + n >= 8 * 1024 * 1024:
            break
        big_items.append(item)
        size += n
    big = os.path.join(tmp, "feed-8mb.json")
    with open(big, "w", encoding="utf-8") as f:
        json.dump(dict(demo, items=big_items), f, ensure_ascii=False)
    return small, big


def benches(build, tmp):
    small, big = write_feeds(tmp)
    layout = run_bench(build, "bench_layout")
    sched = run_bench(build, "bench_schedule")
    return {
        "layout_cold": grab(r"cold: first ([0-9.]+) ms", layout, 1),
        "layout_warm": grab(r"warm layout, median of \d+: ([0-9.]+) ms", layout, 1),
        "parse_1000": grab(r": (\d+) items, (\d+) bytes: median ([0-9.]+) ms, worst ([0-9.]+)",
                           run_bench(build, "bench_parse", small), 1, 2, 3, 4),
        "parse_8mb": grab(r": (\d+) items, (\d+) bytes: median ([0-9.]+) ms, worst ([0-9.]+)",
                          run_bench(build, "bench_parse", big, "5"), 1, 2, 3, 4),
        "schedule": grab(r"schedule_next\s+median\s+([0-9.]+) us\s+p99\s+([0-9.]+) us",
                         sched, 1, 2),
        "blocklist": grab(r"(\d+) terms .*?: build ([0-9.]+) ms; .*?([0-9.]+) MB of text: "
                          r"scan ([0-9.]+) ms", run_bench(build, "bench_blocklist"), 1, 2, 3, 4),
    }


# --- the kiosk -------------------------------------------------------------

def kiosk(build, ini, tmp, seconds):
    show = os.path.join(tmp, "kiosk")
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "bench", "slideshow.py"),
                    os.path.join(build, "signage-player"), ini, show, "1920x1080"],
                   check=True, env=player_env(), stderr=subprocess.DEVNULL)
    profile = tempfile.mkdtemp(prefix="kiosk-profile.", dir=tmp)
    cmd = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    if os.geteuid() == 0:
        cmd.append("--no-sandbox")
    cmd.append("file://" + os.path.join(show, "index.html"))
    return rotation(cmd, seconds, dict(os.environ))


# --- the table -------------------------------------------------------------

def verdict(ok):
    return "pass" if ok else "**miss**"


def row(*cells):
    print("| " + " | ".join(cells) + " |")


def na(v, fmt):
    return fmt(v) if v else "failed"


def table(args, r):
    s = args.seconds
    print(f"\n**{args.title}**\n")
    row("what", "player", "kiosk (Chromium)", "player / kiosk", "goal", "result")
    row(*["---"] * 6)
    ff = r["first_frame"]
    row("exec to first frame presented, cached feed (median / worst of 10)",
        na(ff, lambda v: f"{v['median']:.0f} / {v['worst']:.0f} ms"), "", "",
        "≤ 250 ms, the worst too",
        verdict(ff and ff["worst"] <= 250) if ff else "")
    b = r["bench"]
    row("lay out and paginate the sample article, cold (first in the process)",
        na(b["layout_cold"], lambda v: f"{v[0]:.1f} ms"), "", "", "≤ 50 ms",
        verdict(b["layout_cold"][0] <= 50) if b["layout_cold"] else "")
    row("the same, warm (median of 21)", na(b["layout_warm"], lambda v: f"{v[0]:.2f} ms"),
        "", "", "≤ 5 ms", verdict(b["layout_warm"][0] <= 5) if b["layout_warm"] else "")
    for key, what in (("parse_1000", "parse a 1,000-item feed"),
                      ("parse_8mb", "parse an 8 MB feed")):
        row(f"{what} (`feed_parse`, median / worst)",
            na(b[key], lambda v: f"{v[2]:.1f} / {v[3]:.1f} ms ({v[1] / 1e6:.2f} MB, "
                                 f"{v[0]:.0f} items)"), "", "", "", "")
    row("one scheduling decision over 10,000 items (`schedule_next`, median / p99)",
        na(b["schedule"], lambda v: f"{v[0]:.0f} / {v[1]:.0f} µs"), "", "", "< 1 ms",
        verdict(b["schedule"][1] < 1000) if b["schedule"] else "")
    row("blocklist scan of the 8 MB feed (`bench_blocklist`: build / scan, median of 5)",
        na(b["blocklist"], lambda v: f"{v[0]:.0f} terms: {v[1]:.1f} / {v[3]:.0f} ms "
                                     f"({v[2]:.2f} MB)"),
        "", "", "a small fraction of a poll (60 s)",
        verdict(b["blocklist"][3] < 6000) if b["blocklist"] else "")
    row("transition frame times (median / p99)", "n/a (not built yet)", "", "", "", "")
    resources(r["player"], r.get("kiosk"), r["software"], s)


def ratio(p, k, key):
    return p[key] / k[key] if k and k[key] > 0 else None


def resources(p, k, sw, s):
    """CPU and PSS rows: the default config against the kiosk (the goals),
    then the software renderer for comparison."""
    cpu = lambda v: (f"{v['cpu']:.2f} s ({100 * v['cpu'] / s:.1f}% of a core; "
                     f"Xvfb {v['x_cpu']:.2f} s more)")
    pss = lambda v: f"{v['pss_mb']:.1f} MB ({v['procs']} process{'es' if v['procs'] > 1 else ''})"
    rc, rp = ratio(p, k, "cpu"), ratio(p, k, "pss_mb")
    row(f"CPU over {s} s of rotation of the demo feed, 1920x1080, after {SETTLE_S} s "
        "to start (all processes)", cpu(p), cpu(k) if k else "not run",
        f"{rc:.3f}" if rc is not None else "", "≤ 1/10 of the kiosk",
        verdict(rc <= 0.1) if rc is not None else "")
    row("PSS, peak of the 1 s samples of the sum over all processes", pss(p),
        pss(k) if k else "not run", f"{rp:.3f}" if rp is not None else "",
        "≤ 1/10 of the kiosk", verdict(rp <= 0.1) if rp is not None else "")
    rc, rp = ratio(sw, k, "cpu"), ratio(sw, k, "pss_mb")
    ff = sw["first_frame"]
    row("the player with `[display] renderer = software` (no GL driver): first frame "
        "(median / worst), CPU, PSS",
        (f"{ff['median']:.0f} / {ff['worst']:.0f} ms, " if ff else "first frame failed, ")
        + f"{sw['cpu']:.2f} s, {sw['pss_mb']:.1f} MB", "",
        f"{rc:.3f} / {rp:.3f}" if rc is not None and rp is not None else "", "", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--title", default="")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    if "DISPLAY" not in os.environ:
        sys.exit("measure.py: DISPLAY is not set (run.sh starts Xvfb)")
    # PR_SET_CHILD_SUBREAPER: orphans of the measured program come back here.
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    build = os.path.abspath(args.build_dir)
    player = os.path.join(build, "signage-player")
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        ini = workspace(tmp)
        r = {"first_frame": first_frames(player, ini), "bench": benches(build, tmp)}
        r["player"] = rotation([player, "--config", ini], args.seconds, player_env())
        soft = workspace(tmp, software=True)
        r["software"] = rotation([player, "--config", soft], args.seconds, player_env())
        r["software"]["first_frame"] = first_frames(player, soft)
        if not args.no_browser:
            r["kiosk"] = kiosk(build, ini, tmp, args.seconds)
    table(args, r)
    ok = r["first_frame"] and r["software"]["first_frame"] and all(r["bench"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
