#!/usr/bin/env python3
"""The browser kiosk's side of tests/bench/run.sh: an HTML slideshow
equivalent to what signage-player shows for a config, for Chromium in
kiosk mode.

    slideshow.py PLAYER CONFIG OUT_DIR [WIDTHxHEIGHT]

Writes OUT_DIR/index.html and copies the bundled fonts next to it. The
text, line breaks, page breaks, font sizes and page times come from the
player itself (`signage-player --layout-dump`), so both show the same
pages; the geometry, colours and header follow player/layout.c and
player/render.c (header band 6.5% and footer band 5% of the height, the
margin from [text], the clock 1.25 times the header text). The clock and
date follow the config's time_zone and change once a minute, as the
player's; pages change after each page's seconds in the player's rotation
order, with no transition (the player has none yet). Images are not drawn
(the demo feed has none). The page asks not to be translated, so that
Chromium shows no translation bubble over it."""
import configparser
import datetime
import html
import json
import os
import shutil
import subprocess
import sys
import zoneinfo

HEADER_BAND, FOOTER_BAND, TITLE_LEADING = 0.065, 0.05, 1.3


def load_config(path):
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=("#", ";"))
    cp.read(path, encoding="utf-8")

    def get(section, key, default):
        return cp.get(section, key, fallback=default).strip() or default

    return {
        "feed": get("player", "feed", ""),
        "centre": get("player", "centre_name", ""),
        "zone": get("player", "time_zone", "UTC"),
        "margin": float(get("text", "margin", "0.06")),
        "line_spacing": float(get("text", "line_spacing", "1.55")),
        "para_spacing": float(get("text", "paragraph_spacing", "0.45")),
        "bg": get("theme", "background", "#102a3c"),
        "fg": get("theme", "foreground", "#f5f1e8"),
        "accent": get("theme", "accent", "#f0b448"),
        "muted": get("theme", "muted", "#9db4c0"),
    }


def rnd(x):
    """C's lround for the positive values used here."""
    return int(x + 0.5)


def frame(cfg, w, h):
    side = min(w, h)
    m = rnd(cfg["margin"] * side)
    half = m // 2
    head_h, foot_h = rnd(HEADER_BAND * side), rnd(FOOTER_BAND * side)
    return {"m": m, "half": half, "head": (m, half, w - 2 * m, head_h),
            "foot": (m, h - half - foot_h, w - 2 * m, foot_h)}


def feed_dates(cfg, config_path):
    path = cfg["feed"]
    if not os.path.isabs(path):
        path = os.path.join(os.path.dirname(os.path.abspath(config_path)), path)
    with open(path, encoding="utf-8") as f:
        feed = json.load(f)
    zone = zoneinfo.ZoneInfo(cfg["zone"])
    dates = {}
    for item in feed.get("items", []):
        if "date_published" in item:
            t = datetime.datetime.fromisoformat(item["date_published"]).astimezone(zone)
            dates[item["id"]] = f"{t.year}年{t.month}月{t.day}日"
    return dates


def box(x, y, w, h):
    return f"left:{x}px;top:{y}px;width:{w}px;height:{h}px"


def page_html(cfg, fr, it, k, date):
    """One page of an item, laid out as the player draws it."""
    m, half = fr["m"], fr["half"]
    hx, hy, hw, hh = fr["head"]
    fx, fy, fw, fh = fr["foot"]
    out = [f'<section class="page{" urgent" if it["priority"] == "urgent" else ""}" '
           f'hidden data-item="{html.escape(it["id"])}" data-s="{it["pages"][k]["seconds"]}">']
    title_lh = rnd(it["title_px"] * TITLE_LEADING)
    y = hy + hh + half
    for ln in it["title"]:
        out.append(f'<div class="t" style="{box(m, y, hw, title_lh)};font-size:'
                   f'{it["title_px"]}px;line-height:{title_lh}px">'
                   f'{html.escape(ln["text"])}</div>')
        y += title_lh
    thick = max(it["title_px"] // 10, 3)
    out.append(f'<div class="bar" style="{box(m, y + it["title_px"] // 4, it["title_px"] * 2, thick)}"></div>')
    line_h = rnd(it["font_px"] * cfg["line_spacing"])
    gap = rnd(cfg["para_spacing"] * line_h)
    y = fy - half - it["box_height"]
    for ln in it["pages"][k]["lines"]:
        w = it["box_width"] - ln["indent"]
        cls = "b j" if ln["justify"] else "b"
        out.append(f'<div class="{cls}" style="{box(m + ln["indent"], y, w, line_h)};'
                   f'font-size:{it["font_px"]}px;line-height:{line_h}px">'
                   f'{html.escape(ln["text"])}</div>')
        y += line_h + (gap if ln["para_end"] else 0)
    px = fh * 44 // 100
    out.append(f'<div class="foot" style="{box(fx, fy, fw, fh)};font-size:{px}px;'
               f'line-height:{fh}px">')
    out.append(f'<span>{html.escape(date)}</span>')
    n = len(it["pages"])
    if n > 1:
        tw, th = fw // 5, 4 if fh > 60 else 2
        out.append(f'<span class="r"><span class="track" style="width:{tw}px;height:{th}px;'
                   f'margin-right:{px}px"><i style="width:{tw * (k + 1) // n}px"></i></span>'
                   f'{k + 1} / {n}</span>')
    out.append("</div></section>")
    return "\n".join(out)


def document(cfg, dump, dates, w, h):
    fr = frame(cfg, w, h)
    hx, hy, hw, hh = fr["head"]
    px = hh * 40 // 100
    pages = []
    for it in dump["items"]:
        if it["id"] in dump["rotation"]:
            for k in range(len(it["pages"])):
                pages.append(page_html(cfg, fr, it, k, dates.get(it["id"], "")))
    rule = 2 if hh > 60 else 1
    return f"""<!DOCTYPE html>
<html lang="zh-Hans" translate="no"><head><meta charset="utf-8">
<meta name="google" content="notranslate"><title>{html.escape(cfg["centre"])}</title>
<style>
@font-face {{ font-family: "Signage"; font-weight: 400; src: url("NotoSansCJKsc-Subset-Regular.otf"); }}
@font-face {{ font-family: "Signage"; font-weight: 700; src: url("NotoSansCJKsc-Subset-Bold.otf"); }}
html, body {{ margin: 0; width: {w}px; height: {h}px; overflow: hidden; cursor: none;
  background: {cfg["bg"]}; color: {cfg["fg"]}; font-family: "Signage", sans-serif; }}
body.urgent {{ background: #7d1d1d; }}
.page, #head {{ position: absolute; left: 0; top: 0; width: {w}px; height: {h}px; }}
.page[hidden] {{ display: none; }}
.page > div, #head > div {{ position: absolute; white-space: nowrap; }}
.t {{ font-weight: 700; }}
.bar {{ background: {cfg["accent"]}; }}
.j {{ text-align: justify; text-align-last: justify; }}
.foot {{ color: {cfg["muted"]}; display: flex; justify-content: space-between; }}
.r {{ display: flex; align-items: center; }}
.track {{ display: inline-block; position: relative; background: {cfg["muted"]}60; }}
.track i {{ position: absolute; left: 0; top: 0; height: 100%; background: {cfg["accent"]}; }}
#head {{ z-index: 1; }}
#name {{ color: {cfg["muted"]}; }}
#right {{ display: flex; align-items: center; justify-content: flex-end; }}
#day {{ color: {cfg["muted"]}; margin-right: {px}px; }}
#clock {{ font-weight: 700; font-size: {px * 5 // 4}px; }}
#rule {{ background: {cfg["muted"]}50; }}
</style></head>
<body><div id="head">
<div id="name" style="{box(hx, hy, hw, hh)};font-size:{px}px;line-height:{hh}px">{html.escape(cfg["centre"])}</div>
<div id="right" style="{box(hx, hy, hw, hh)};font-size:{px}px;line-height:{hh}px"><span id="day"></span><span id="clock"></span></div>
<div id="rule" style="{box(hx, hy + hh, hw, rule)}"></div>
</div>
{chr(10).join(pages)}
<script>
"use strict";
const zone = {json.dumps(cfg["zone"])};
const parts = new Intl.DateTimeFormat("en-GB", {{ timeZone: zone, hourCycle: "h23",
  year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
  weekday: "short" }});
const wd = {{ Sun: "日", Mon: "一", Tue: "二", Wed: "三", Thu: "四", Fri: "五", Sat: "六" }};
function tick() {{
  const p = {{}};
  for (const x of parts.formatToParts(new Date())) p[x.type] = x.value;
  document.getElementById("clock").textContent = p.hour + ":" + p.minute;
  document.getElementById("day").textContent =
    Number(p.month) + "月" + Number(p.day) + "日 星期" + wd[p.weekday];
  setTimeout(tick, 60000 - Date.now() % 60000);
}}
// The player's rotation: item ids in turn, every page of each.
const rotation = {json.dumps(dump["rotation"])};
const pages = Array.from(document.querySelectorAll(".page"));
const of_item = id => pages.filter(p => p.dataset.item === id);
let pick = 0, page = 0, shown = null;
// #N in the address starts at page N (0-based, in feed order), for screenshots.
const start = pages[parseInt(location.hash.slice(1), 10) || 0];
if (start) {{
  pick = Math.max(0, rotation.indexOf(start.dataset.item));
  page = of_item(start.dataset.item).indexOf(start);
}}
function next() {{
  const list = of_item(rotation[pick]);
  if (shown) shown.hidden = true;
  shown = list[page];
  shown.hidden = false;
  document.body.className = shown.classList.contains("urgent") ? "urgent" : "";
  if (++page >= list.length) {{
    page = 0;
    pick = (pick + 1) % rotation.length;
  }}
  setTimeout(next, shown.dataset.s * 1000);
}}
tick();
next();
</script></body></html>
"""


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: slideshow.py PLAYER CONFIG OUT_DIR [WIDTHxHEIGHT]")
    player, config_path, out = sys.argv[1:4]
    size = sys.argv[4] if len(sys.argv) > 4 else "1920x1080"
    w, h = (int(v) for v in size.split("x"))
    dump = json.loads(subprocess.run(
        [player, "--config", config_path, "--layout-dump", "--size", size],
        check=True, capture_output=True, text=True).stdout)
    cfg = load_config(config_path)
    os.makedirs(out, exist_ok=True)
    fonts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fonts")
    for name in os.listdir(fonts):
        if name.startswith("NotoSansCJKsc-Subset-") and name.endswith(".otf"):
            shutil.copy(os.path.join(fonts, name), out)
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(document(cfg, dump, feed_dates(cfg, config_path), w, h))


if __name__ == "__main__":
    main()
