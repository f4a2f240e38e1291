#!/usr/bin/env python3
"""What the player holds in memory: PSS (/proc/PID/smaps_rollup) of the
player with the shipped config and demo feed (renderer = auto) at 1920x1080
under Xvfb, once every page of the demo has been shown twice, with
`transition = fade` (the default), `none`, and `fade` with two ticker
items; and its breakdown: the player's own texture figures (the line cache,
the page textures, the image textures; its "memory:" test-hook line), the
decoded images, the font files and ICU's data as mapped (smaps), the
window's shared framebuffer, the heap ([heap] and anonymous mappings, less
the textures and images in them), and the rest (code and libraries).

The clock runs fast (SIGNAGE_TEST_CLOCK_SPEED, --speed), so two rounds of
the demo take seconds. --minutes N: the feed-change mode instead: the feed
file is rewritten every --every seconds (new titles and bodies, items in a
new order; the player reads it every 5 simulated seconds) for N minutes of
real time, PSS reported at the start (after two rounds), the middle and
the end. Each figure is the lowest of five samples a second apart (what a
slide holds, not a transition's moment: the peak column has that).

    tests/bench/memory.py --build-dir build [--build-dir old/build] [--speed 10]
    tests/bench/memory.py --build-dir build --minutes 10

Starts its own Xvfb (1920x1080, on a free display) unless --display is given."""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402
import motion  # noqa: E402

MEMORY_LINE = re.compile(r"memory: lines (\d+), pages (\d+), image textures (\d+), "
                         r"images (\d+) bytes")
FONT_FILE = re.compile(r"\.(ttf|otf|ttc|otc)$", re.I)


def accepts(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def stop(proc):
    """Ends the player (not the Xvfb, also a child of this process)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_xvfb():
    """An Xvfb of 1920x1080 on a free display; (process, ":N")."""
    for n in range(100 + os.getpid() % 400, 1000):
        if os.path.exists(f"/tmp/.X{n}-lock") or os.path.exists(f"/tmp/.X11-unix/X{n}"):
            continue
        proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1920x1080x24",
                                 "-nolisten", "tcp", "-noreset"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            if accepts(f"/tmp/.X11-unix/X{n}"):
                return proc, f":{n}"
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise SystemExit("memory.py: Xvfb did not start")


def smaps(pid):
    """PSS in kB by kind of mapping."""
    kinds = {"icu": 0, "fonts": 0, "window": 0, "anon": 0, "other": 0}
    kind = "other"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                path = head[5] if len(head) > 5 else ""
                if "libicudata" in path:
                    kind = "icu"
                elif FONT_FILE.search(path):
                    kind = "fonts"
                elif path.startswith("/SYSV") or "(deleted)" in line and "shm" in path:
                    kind = "window"
                elif path in ("", "[heap]") or path.startswith("[anon"):
                    kind = "anon"
                else:
                    kind = "other"
            elif head and head[0] == "Pss:":
                kinds[kind] += int(head[1])
    return kinds


def memory_line(log_path):
    """The player's last "memory:" figures in kB, or None (an older build)."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        found = MEMORY_LINE.findall(f.read())
    if not found:
        return None
    return dict(zip(("lines", "pages", "image_tex", "images"),
                    (int(v) // 1024 for v in found[-1])))


def figures(pid, log_path, samples=5):
    """PSS and its breakdown in MB: of the lowest of a few samples a second
    apart (a slide's own memory, not a transition's moment)."""
    best = None
    for k in range(samples):
        if k:
            time.sleep(1)
        f = figures_now(pid, log_path)
        best = f if best is None or f["pss"] < best["pss"] else best
    return best


def figures_now(pid, log_path):
    """PSS and its breakdown now, in MB."""
    k = smaps(pid)
    own = memory_line(log_path)
    mb = lambda kb: kb / 1024  # noqa: E731
    out = {"pss": mb(measure.pss_kb(pid)), "icu": mb(k["icu"]), "fonts": mb(k["fonts"]),
           "window": mb(k["window"]), "other": mb(k["other"])}
    if own:
        tex = own["lines"] + own["pages"] + own["image_tex"]
        out.update(lines=mb(own["lines"]), pages=mb(own["pages"]),
                   images=mb(own["image_tex"] + own["images"]),
                   heap=mb(k["anon"] - tex - own["images"]))
    else:
        out.update(lines=None, pages=None, images=None, heap=mb(k["anon"]))
    return out


def pages_shown(play_log):
    """(id, page) -> times shown, from the play log."""
    counts = {}
    try:
        with open(play_log, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[2] != "-":
                    key = (parts[2], parts[3])
                    counts[key] = counts.get(key, 0) + 1
    except FileNotFoundError:
        pass
    return counts


def start(player, ini, tmp, speed):
    log = os.path.join(tmp, "player.log")
    play = os.path.join(tmp, "play.log")
    env = measure.player_env()
    env["SIGNAGE_TEST_CLOCK_SPEED"] = str(speed)
    err = open(log, "w")
    proc = subprocess.Popen([player, "--config", ini, "--play-log", play], env=env,
                            stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    return proc, log, play


def log_tail(log, n=5):
    with open(log, encoding="utf-8", errors="replace") as f:
        return "".join(f.readlines()[-n:])


def until_two_rounds(proc, play, log, timeout=300):
    """Waits until every page shown has been shown twice; the peak PSS (kB)
    sampled meanwhile, every 0.2 s."""
    peak, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the player exited with {proc.returncode}:\n"
                               + log_tail(log))
        peak = max(peak, measure.pss_kb(proc.pid))
        counts = pages_shown(play)
        if counts and min(counts.values()) >= 2:
            return peak
        time.sleep(0.2)
    raise RuntimeError("the demo did not come round twice in time")


def settle(proc, seconds):
    """Samples PSS for seconds; the peak (kB)."""
    peak, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        peak = max(peak, measure.pss_kb(proc.pid))
        time.sleep(0.2)
    return peak


def case(player, name, transition, ticker, speed):
    with tempfile.TemporaryDirectory(prefix="memory.") as tmp:
        ini = motion.variant(tmp, "case", transition, ticker)
        with open(ini, encoding="utf-8") as f:
            text = f.read()
        # The shipped renderer choice (auto), not motion's forced software.
        text = re.sub(r"(?m)^renderer =.*$", "renderer = auto", text)
        with open(ini, "w", encoding="utf-8") as f:
            f.write(text)
        proc, log, play = start(player, ini, tmp, speed)
        try:
            peak = until_two_rounds(proc, play, log)
            fig = figures(proc.pid, log)
            peak = max(peak, settle(proc, 2))
            fig["peak"] = peak / 1024
            fig["pages_shown"] = len(pages_shown(play))
            return fig
        finally:
            stop(proc)


def mb(v):
    return "n/a" if v is None else f"{v:.1f}"


def table(rows):
    cols = ["build", "case", "pages", "PSS MB", "peak PSS", "line textures", "page textures",
            "images", "fonts (mapped)", "ICU data", "window (shm)", "heap (rest of anon)",
            "code and libs"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for build, name, f in rows:
        print(f"| {build} | {name} | {f['pages_shown']} | {mb(f['pss'])} | {mb(f['peak'])} | "
              f"{mb(f['lines'])} | {mb(f['pages'])} | {mb(f['images'])} | {mb(f['fonts'])} | "
              f"{mb(f['icu'])} | {mb(f['window'])} | {mb(f['heap'])} | {mb(f['other'])} |",
              flush=True)


def changed_feed(demo, n):
    """The demo feed, version n: titles and bodies that differ each time,
    the items in another order."""
    items = []
    for k, item in enumerate(demo["items"]):
        item = dict(item)
        item["id"] = f"{item['id']}-v{n}"
        item["title"] = f"{item['title']}（第 {n} 版）"
        item["content_text"] = f"第 {n} 次更新。" + item.get("content_text", "")
        item.pop("content_html", None) if "content_text" in item else None
        items.append(item)
    shift = n % len(items)
    return dict(demo, items=items[shift:] + items[:shift])


def feed_changes(player, minutes, every, speed):
    with tempfile.TemporaryDirectory(prefix="memory.") as tmp:
        ini = measure.workspace(tmp)
        with open(ini, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^poll_interval =.*$", "poll_interval = 5", text)
        with open(ini, "w", encoding="utf-8") as f:
            f.write(text)
        feed_path = os.path.join(tmp, "demo-feed.json")
        with open(feed_path, encoding="utf-8") as f:
            demo = json.load(f)
        proc, log, play = start(player, ini, tmp, speed)
        marks = []
        try:
            until_two_rounds(proc, play, log)
            marks.append(("start", figures(proc.pid, log)))
            t0, n, half_done = time.monotonic(), 0, False
            while time.monotonic() - t0 < minutes * 60:
                n += 1
                tmp_path = feed_path + ".tmp"
                with open(tmp_path, "w", encoding="utf-8") as f:
                    json.dump(changed_feed(demo, n), f, ensure_ascii=False)
                os.replace(tmp_path, feed_path)
                time.sleep(every)
                if proc.poll() is not None:
                    raise RuntimeError(f"the player exited with {proc.returncode}")
                if not half_done and time.monotonic() - t0 >= minutes * 30:
                    marks.append(("middle", figures(proc.pid, log)))
                    half_done = True
            marks.append(("end", figures(proc.pid, log)))
            shown = len(pages_shown(play))
        finally:
            stop(proc)
        print(f"\nfeed rewritten every {every} s for {minutes} min ({n} versions, "
              f"{shown} distinct pages shown), clock x{speed}\n")
        print("| when | PSS MB | line textures | page textures | images | heap | fonts | ICU "
              "| code and libs |")
        print("|---|---|---|---|---|---|---|---|---|")
        for when, f in marks:
            print(f"| {when} | {mb(f['pss'])} | {mb(f['lines'])} | {mb(f['pages'])} | "
                  f"{mb(f['images'])} | {mb(f['heap'])} | {mb(f['fonts'])} | {mb(f['icu'])} "
                  f"| {mb(f['other'])} |")
        return marks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", action="append", required=True,
                    help="repeat to compare builds in the same run")
    ap.add_argument("--speed", type=int, default=10, help="SIGNAGE_TEST_CLOCK_SPEED")
    ap.add_argument("--minutes", type=float, help="the feed-change mode, this long")
    ap.add_argument("--every", type=float, default=3, help="seconds between feed changes")
    ap.add_argument("--display", help="an X display to use instead of an own Xvfb")
    ap.add_argument("--cases", default="fade,none,ticker")
    args = ap.parse_args()
    xvfb = None
    if args.display:
        os.environ["DISPLAY"] = args.display
    else:
        xvfb, os.environ["DISPLAY"] = start_xvfb()
    try:
        for build in args.build_dir:
            player = os.path.join(os.path.abspath(build), "signage-player")
            if args.minutes:
                print(f"\n**{build}**")
                feed_changes(player, args.minutes, args.every, args.speed)
        if args.minutes:
            return 0
        rows = []
        cases = {"fade": ("fade", False), "none": ("none", False),
                 "ticker": ("fade", True)}
        for build in args.build_dir:
            player = os.path.join(os.path.abspath(build), "signage-player")
            for name in args.cases.split(","):
                transition, ticker = cases[name]
                label = "fade + ticker" if name == "ticker" else name
                rows.append((build, label, case(player, name, transition, ticker,
                                                args.speed)))
        print(f"\nPSS after every page of the demo shown twice, 1920x1080 Xvfb, "
              f"clock x{args.speed}\n")
        table(rows)
    finally:
        if xvfb:
            xvfb.terminate()
            xvfb.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
