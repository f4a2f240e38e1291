#!/usr/bin/env python3
"""What motion costs over a rotation: the player with the shipped config and
demo feed (software renderer) for SECONDS of rotation with
`transition = none`, with `fade`, and with `fade` plus two ticker items,
one after the other; CPU (% of one core, the player's and the X server's)
and peak PSS of each. Frame times: tests/bench/bench_transition.

    DISPLAY=:99 motion.py --build-dir build [--seconds 60]

Needs DISPLAY (an Xvfb of 1920x1080). Reuses measure.py's workspace and
rotation."""
import argparse
import ctypes
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

TICKER_ITEMS = [
    {"id": "ticker-film", "title": "今晚七点社区广场放映露天电影，欢迎居民携家人观看",
     "content_text": "露天电影", "_signage": {"ticker": True}},
    {"id": "ticker-water", "title": "明日上午九点至十一点停水，请提前储水",
     "content_text": "停水", "_signage": {"ticker": True}},
]


def variant(tmp, name, transition, ticker):
    """A copy of the shipped config (software renderer) with this transition;
    ticker: the demo feed with two ticker items added."""
    base = measure.workspace(tmp, software=True)
    with open(base, encoding="utf-8") as f:
        ini = f.read()
    ini = re.sub(r"(?m)^transition =.*$", f"transition = {transition}", ini)
    if ticker:
        with open(os.path.join(tmp, "demo-feed.json"), encoding="utf-8") as f:
            feed = json.load(f)
        feed["items"] += TICKER_ITEMS
        with open(os.path.join(tmp, "ticker-feed.json"), "w", encoding="utf-8") as f:
            json.dump(feed, f, ensure_ascii=False)
        ini = re.sub(r"(?m)^feed =.*$", "feed = ticker-feed.json", ini)
    path = os.path.join(tmp, f"{name}.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(ini)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args()
    if "DISPLAY" not in os.environ:
        sys.exit("motion.py: DISPLAY is not set (start Xvfb :99 -screen 0 1920x1080x24)")
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # child subreaper
    player = os.path.join(os.path.abspath(args.build_dir), "signage-player")
    print(f"| case | CPU % of a core (player) | CPU % (X server) | peak PSS MB |")
    print("|---|---|---|---|")
    for name, transition, ticker in (("none", "none", False), ("fade", "fade", False),
                                     ("fade + ticker", "fade", True)):
        with tempfile.TemporaryDirectory() as tmp:
            ini = variant(tmp, name.replace(" ", "").replace("+", "-"), transition, ticker)
            r = measure.rotation([player, "--config", ini], args.seconds, measure.player_env())
            print(f"| {name} | {100 * r['cpu'] / args.seconds:.2f} | "
                  f"{100 * r['x_cpu'] / args.seconds:.2f} | {r['pss_mb']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
