#!/usr/bin/env python3
"""QR codes as the player draws them: --snapshot at 1920x1080 and 1080x1920,
each page's PNG read back with zbarimg (zbar-tools). An item with an
http(s) url carries its code on its last page only, and it decodes to the
url; an item without one, with an ftp url or with a url over 512 bytes
carries none; qr = false draws none. The long item is capped (3 pages,
90 s) and --layout-dump, --check-feed and the snapshot agree on its pages.
Exit 77 without zbarimg.

usage: qr.py"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
SRC = os.environ["SIGNAGE_SOURCE_DIR"]
NOW = "2024-07-02T10:00:00+08:00"
LONG_URL = "https://example.org/" + "a" * 600


def article():
    with open(os.path.join(SRC, "tests", "data", "content", "yuanling-2024-06-28.txt"),
              encoding="utf-8") as f:
        return f.read()


def feed():
    items = [
        {"id": "long", "title": "园岭街道 聚焦“百千万工程”", "content_text": article(),
         "url": "https://example.org/yuanling/news/2024-06-28?from=screen&id=42"},
        {"id": "short", "title": "停水通知", "content_text": "明日8:00至16:00停水。",
         "url": "http://example.org/water"},
        {"id": "nourl", "title": "志愿者", "content_text": "欢迎报名。"},
        {"id": "ftp", "title": "文件", "content_text": "见附件。",
         "url": "ftp://example.org/file"},
        {"id": "longurl", "title": "长链接", "content_text": "链接太长。", "url": LONG_URL},
    ]
    return {"version": "https://jsonfeed.org/version/1.1", "title": "QR", "items": items}


def player(tmp, qr, *args):
    ini = os.path.join(tmp, f"player-{qr}.ini")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {os.path.join(tmp, 'feed.json')}\n"
                f"cache_dir = {os.path.join(tmp, 'cache')}\n[text]\nqr = {qr}\n")
    return subprocess.run([PLAYER, "--config", ini, "--now", NOW, *args],
                          capture_output=True, text=True, timeout=120)


def decode(png):
    """The codes zbarimg finds in png, as a list of strings."""
    r = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True, text=True,
                       timeout=60)
    return [l for l in r.stdout.splitlines() if l]


def check_size(tmp, size, qr):
    w, h = map(int, size.split("x"))
    out = os.path.join(tmp, f"snap-{size}-{qr}")
    r = player(tmp, qr, "--snapshot", out, "--size", size)
    check(r.returncode == 0, f"--snapshot {size}: {r.stderr[-400:]}")
    dump = player(tmp, qr, "--layout-dump", "--size", size)
    check(dump.returncode == 0, f"--layout-dump {size}")
    items = {it["id"]: it for it in json.loads(dump.stdout)["items"]}
    urls = {it["id"]: it.get("url") for it in feed()["items"]}
    pngs = sorted(os.listdir(out))
    for k, (iid, it) in enumerate(items.items()):
        n = len(it["pages"])
        mine = [p for p in pngs if p.startswith(f"{k + 1:03d}-{iid}-p")]
        check(len(mine) == n, f"{size} {iid}: {len(mine)} PNGs for {n} pages")
        want_code = qr == "true" and iid in ("long", "short")
        check(bool(it["qr"]) == want_code, f"{size} {iid}: qr box {it['qr']}")
        for p, name in enumerate(mine):
            got = decode(os.path.join(out, name))
            want = [urls[iid]] if want_code and p == n - 1 else []
            check(got == want, f"{size} {iid} page {p + 1}: decoded {got}, want {want}")
        if it["qr"]:
            q = it["qr"]
            side = min(w, h)
            check(q["w"] >= 0.22 * side and q["w"] < 0.4 * side,
                  f"{size} {iid}: plate {q['w']} px on a short side of {side}")
            check(q["x"] + q["w"] <= w and q["y"] + q["h"] <= h, f"{size}: plate on screen")
    long = items["long"]
    check(long["airtime"] == "cut" and len(long["pages"]) <= 3 and
          sum(p["seconds"] for p in long["pages"]) <= 90,
          f"{size}: the long item capped: {long['airtime']}, {len(long['pages'])} pages")
    last = long["pages"][-1]["lines"][-1]["text"]
    check(last.endswith("……"), f"{size}: the cut ends with the mark: {last}")
    return items


def main():
    if not shutil.which("zbarimg"):
        print("skipped: no zbarimg (apt-get install zbar-tools)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "feed.json"), "w", encoding="utf-8") as f:
            json.dump(feed(), f, ensure_ascii=False)
        for size in ("1920x1080", "1080x1920"):
            items = check_size(tmp, size, "true")
            r = player(tmp, "true", "--check-feed", os.path.join(tmp, "feed.json"),
                       "--size", size, "--json")
            if r.returncode == 0:
                cf = {i["id"]: i for i in json.loads(r.stdout)["items"]}
                check(len(cf["long"]["pages"]) == len(items["long"]["pages"]) and
                      cf["long"]["airtime"] == "cut" and cf["long"]["qr"],
                      f"{size}: --check-feed agrees: {cf['long']}")
            else:
                check(False, f"--check-feed: {r.stderr[-400:]}")
        check_size(tmp, "1920x1080", "false")
    return testlib.done("qr")


if __name__ == "__main__":
    sys.exit(main())
