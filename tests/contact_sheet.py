#!/usr/bin/env python3
"""--snapshot's contact sheet (DIR/index.html) opened from disk in headless
Chromium: every thumbnail decodes (the page's own script counts images with
naturalWidth > 0 into body[data-images]), the items come in the order the
screen shows them at --now, and items not open then are marked. Exits 77
when chromium is not installed."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check, png  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")
NOW = "2026-12-01T10:00:00+08:00"




def browser():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def dump_dom(chrome, page, profile):
    p = subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={profile}", "--virtual-time-budget=10000",
                        "--dump-dom", "file://" + page],
                       capture_output=True, text=True, timeout=120)
    return p.stdout


def make_feed(tmp):
    with open(os.path.join(tmp, "pic.png"), "wb") as f:
        f.write(png(64, 48, (40, 120, 200)))
    items = [
        {"id": "first-in-feed", "title": "按顺序在后", "content_text": "普通条目。" * 200,
         "image": "pic.png"},
        {"id": "ended", "title": "已结束", "content_text": "x",
         "_signage": {"end": "2026-11-01T00:00:00+08:00"}},
        {"id": "ordered", "title": "排在前面", "content_text": "order 为负，先显示",
         "_signage": {"order": -1}},
        {"id": "later", "title": "明天", "content_text": "y",
         "_signage": {"start": "2026-12-02T09:00:00+08:00"}},
    ]
    path = os.path.join(tmp, "feed.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                   "items": items}, f, ensure_ascii=False)
    ini = os.path.join(tmp, "player.ini")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {path}\ncache_dir = {tmp}/cache\n"
                "time_zone = Asia/Shanghai\n")
    return ini


def main():
    chrome = browser()
    if not chrome:
        print("chromium is not installed: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        ini = make_feed(tmp)
        out = os.path.join(tmp, "sheet")
        p = subprocess.run([PLAYER, "--config", ini, "--snapshot", out, "--size", "960x540",
                            "--now", NOW], capture_output=True, text=True, env=ENV,
                           timeout=120)
        check(p.returncode == 0, f"snapshot exit {p.returncode}: {p.stderr[-400:]}")
        index = os.path.join(out, "index.html")
        check(os.path.exists(index), "index.html written")
        if not os.path.exists(index):
            return 1
        pngs = sorted(n for n in os.listdir(out) if n.endswith(".png"))
        html = open(index, encoding="utf-8").read()
        srcs = re.findall(r'<img src="([^"]+)"', html)
        check(sorted(srcs) == pngs and len(pngs) >= 5,
              f"every page PNG is on the sheet once: {srcs} vs {pngs}")
        check("http://" not in html and "https://" not in html, "no network reference")
        dom = dump_dom(chrome, index, os.path.join(tmp, "profile"))
        m = re.search(r'<body[^>]*data-images="(\d+)/(\d+)"', dom)
        check(m is not None, f"the page's script ran: {dom[:300]}")
        if m:
            check(m.group(1) == m.group(2) == str(len(pngs)),
                  f"all {len(pngs)} images decoded in Chromium: {m.group(0)}")
        sections = re.findall(r'<section class="(\w+)"><h2>\d+\. .*?<small>([^<]+)</small>',
                              dom)
        check([s[1] for s in sections] == ["ordered", "first-in-feed", "later", "ended"],
              f"the screen's order, then the items not open: {sections}")
        check([s[0] for s in sections] == ["open", "open", "closed", "closed"],
              f"items not open are marked: {sections}")
        check("waiting for its schedule" in dom and "ended (_signage.end has passed)" in dom,
              "why an item is not open")
    return testlib.done("contact_sheet")


if __name__ == "__main__":
    sys.exit(main())
