#!/usr/bin/env python3
"""Every size looks right: --snapshot of a feed with every kind of item (text
only, with an image, a short notice, a long text with a QR code, urgent,
high priority, a list, a ticker item) at 1920x1080, 1080x1920, 1280x720,
1366x768, 800x480 and 3840x2160, each PNG held to the zones --layout-dump
gives for its slide (the item's "frame"):
  (a) no page blank: ink (pixels unlike the background) on the page, and
      text in the title or the body;
  (b) text inside its zones: no pixel of a text colour (the glyph cores'
      colours found in the zones) outside their union, nor on a zone's top
      or bottom row (text running into the next zone); a bar, such as the
      mark under a title, is not text;
  (c) no zone overlaps another (a zone may lie wholly inside a photo, the
      image zone, or inside the header or the footer band, and the QR plate
      inside the body), and every zone is on the screen;
  (d) the clock's ink (the rightmost piece of text in the header's top row,
      or in the clock zone if the dump gives one) is at least as tall as the body's (a
      line's, of the items set at the body size);
  (e) contrast from the pixels: in each zone but the image, the colour of
      each piece of text (its glyph cores: of its colours unlike the zone's
      background that are not rare, the one that contrasts most) against
      the zone's background (its most frequent colour), WCAG 2 ratio >= 4.5
      (AA); a thin piece (a rule, the progress track) is a graphic: >= 3.
      Text set so small that no pixel of it reaches its colour fails.
The footer ticker is checked the same way on ticker.png (--snapshot-
transition). Then the high-contrast theme (config/high-contrast.ini through
[theme] file) at 1920x1080, every text >= 7 (AAA).

The checks read the zones from the dump, never the template: new templates
and zones keep them. PNGs are read with SDL2_image through ctypes (the
player's own library; no package to install). Exit 77 without it.

usage: screens.py [--keep DIR]  (DIR keeps the snapshots to look at)"""
import collections
import configparser
import ctypes
import ctypes.util
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
SRC = os.environ["SIGNAGE_SOURCE_DIR"]
NOW = "2024-07-02T10:00:00+08:00"
SIZES = ["1920x1080", "1080x1920", "1280x720", "1366x768", "800x480", "3840x2160"]


# ---- the feed ----

def article():
    with open(os.path.join(SRC, "tests", "data", "content", "yuanling-2024-06-28.txt"),
              encoding="utf-8") as f:
        return f.read()


def photo(w=320, h=240):
    """A gradient PNG, like a photo: no colour of it is a theme's."""
    raw = b"".join(b"\x00" + bytes(v for x in range(w) for v in
                                   (60 + x // 2, 120 + y // 3, 90 + (x + y) // 8))
                   for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def feed():
    day = "2024-07-01T09:00:00+08:00"
    items = [
        {"id": "text", "title": "招募社区志愿者", "content_text":
         "“长者饭堂”送餐、周末图书角、垃圾分类督导等岗位正在招募志愿者。每次服务2小时，"
         "可计入志愿服务时长。欢迎18岁以上居民报名，学生可凭学生证参加。"},
        {"id": "image", "title": "社区花园开放", "image": "photo.png", "content_text":
         "社区花园已完成改造，种植了四十多种花木，设有休息座椅和儿童游乐区。"
         "开放时间为每日7:00至21:00，请爱护花草，文明游园。"},
        {"id": "notice", "title": "停电通知", "content_text": "今晚22:00至23:00停电。"},
        {"id": "long", "title": "园岭街道 聚焦“百千万工程” 塑造全新美好园岭",
         "content_text": article(), "url": "https://example.org/yuanling/news/2024-06-28"},
        {"id": "urgent", "title": "台风红色预警", "_signage": {"priority": "urgent"},
         "content_text": "台风“海葵”将于今晚登陆，请居民留在室内，关好门窗，"
         "远离广告牌和临时建筑。"},
        {"id": "high", "title": "停水通知", "_signage": {"priority": "high"},
         "content_text": "因市政管网维修，7月10日（周三）8:00至16:00，园岭新村1—12栋"
         "将暂停供水。请居民提前做好储水准备。"},
        {"id": "list", "title": "青年夜校 · 本周课程表", "content_text":
         "周二 19:30　书法入门（三楼多功能室）\n周三 19:30　瑜伽与拉伸（二楼活动室）\n"
         "周四 19:30　手机摄影（三楼多功能室）\n周五 19:00　花艺体验：夏日桌花"},
        {"id": "ticker", "title": "义卖", "_signage": {"ticker": True},
         "content_text": "本周六上午9:00在中心广场举行义卖活动，欢迎参加。"},
    ]
    for it in items:
        it["date_published"] = day
    return {"version": "https://jsonfeed.org/version/1.1", "title": "屏幕", "items": items}


def theme_of(path):
    """The [theme] colours of an INI file, as RGBA bytes."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(path, encoding="utf-8")
    return {k: bytes.fromhex(v.strip()[1:]) + b"\xff" for k, v in ini["theme"].items()
            if v.strip().startswith("#")}


def write_config(tmp, name, theme=""):
    ini = os.path.join(tmp, f"{name}.ini")
    with open(ini, "w", encoding="utf-8") as f:
        f.write(f"[player]\nfeed = feed.json\ncache_dir = cache-{name}\n"
                f"time_zone = Asia/Shanghai\ncentre_name = 园岭街道党群服务中心\n{theme}")
    return ini


# ---- pixels ----

class Surface(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint32), ("format", ctypes.c_void_p),
                ("w", ctypes.c_int), ("h", ctypes.c_int), ("pitch", ctypes.c_int),
                ("pixels", ctypes.c_void_p)]


RGBA32 = 0x16762004  # SDL_PIXELFORMAT_ABGR8888: bytes R, G, B, A on little endian


def sdl_image():
    """SDL2 and SDL2_image through ctypes, or None."""
    names = [ctypes.util.find_library("SDL2_image"), ctypes.util.find_library("SDL2")]
    if not all(names) or sys.byteorder != "little":
        return None
    img, sdl = ctypes.CDLL(names[0]), ctypes.CDLL(names[1])
    img.IMG_Load.restype = ctypes.POINTER(Surface)
    img.IMG_Load.argtypes = [ctypes.c_char_p]
    sdl.SDL_ConvertSurfaceFormat.restype = ctypes.POINTER(Surface)
    sdl.SDL_ConvertSurfaceFormat.argtypes = [ctypes.POINTER(Surface), ctypes.c_uint32,
                                             ctypes.c_uint32]
    sdl.SDL_FreeSurface.argtypes = [ctypes.POINTER(Surface)]
    return img, sdl


class Page:
    """A PNG's pixels, 4 bytes each (R, G, B, A), read in place from the
    SDL surface (freed with close())."""

    def __init__(self, lib, path):
        img, sdl = lib
        s = img.IMG_Load(path.encode())
        if not s:
            raise OSError(f"cannot read {path}")
        if ctypes.c_uint32.from_address(s.contents.format).value == RGBA32:
            c = s
        else:
            c = sdl.SDL_ConvertSurfaceFormat(s, RGBA32, 0)
            sdl.SDL_FreeSurface(s)
        if not c or c.contents.pitch != c.contents.w * 4:
            raise OSError(f"cannot convert {path}")
        self.sdl, self.surface = sdl, c
        self.w, self.h = c.contents.w, c.contents.h
        self.data = memoryview((ctypes.c_char * (self.w * self.h * 4)).from_address(
            c.contents.pixels)).cast("B")
        # Ink this thin or thinner is a rule or a bar, not text.
        self.thin = max(8, min(self.w, self.h) // 100)

    def close(self):
        self.data.release()
        self.sdl.SDL_FreeSurface(self.surface)

    def row(self, y, x0, x1):
        return bytes(self.data[(y * self.w + x0) * 4:(y * self.w + x1) * 4])

    def colours(self, r, most=60_000):
        """Counter of the colours (4 bytes) in r, sampled evenly past `most` pixels."""
        x, y, w, h = r
        sy = max(1, int((w * h / most) ** 0.5))
        words = memoryview(b"".join(self.row(yy, x, x + w)
                                    for yy in range(y, y + h, sy))).cast("I")
        sx = max(1, len(words) // most)
        return collections.Counter({v.to_bytes(4, "little"): n for v, n in
                                    collections.Counter(words[::sx]).items()})

    def ink_columns(self, r, bg):
        """For each column of r: has it a pixel other than bg?"""
        x, y, w, h = r
        pattern = int.from_bytes(bg * w, "little")
        acc = 0
        for yy in range(y, y + h):
            acc |= int.from_bytes(self.row(yy, x, x + w), "little") ^ pattern
        m = memoryview(acc.to_bytes(w * 4, "little")).cast("I")
        return [v != 0 for v in m]

    def ink_rows(self, r, bg):
        x, y, w, h = r
        pattern = bg * w
        return [self.row(yy, x, x + w) != pattern for yy in range(y, y + h)]

    def glyph_ink(self, colour, y, x0, x1):
        """x of the first pixel of colour in row y between x0 and x1 that is
        not part of a bar (a solid run of it pg.thin * 3 long), or -1."""
        seg = self.row(y, x0, x1)
        bar = colour * (self.thin * 3)
        at = seg.find(colour)
        while at >= 0:
            if at % 4:
                at = seg.find(colour, at + 1)
            elif seg.startswith(bar, at):
                while seg.startswith(colour, at):
                    at += 4
                at = seg.find(colour, at)
            else:
                return x0 + at // 4
        return -1


def luminance(c):
    def lin(v):
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hexc(c):
    return "#" + bytes(c[:3]).hex()


def runs(flags, gap):
    """(start, end) of the runs of True in flags, runs closer than gap joined."""
    out = []
    for i, f in enumerate(flags):
        if not f:
            continue
        if out and i - out[-1][1] < gap:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return [tuple(r) for r in out]


# ---- zones ----

def rect(z):
    return (z["x"], z["y"], z["w"], z["h"]) if z and z["w"] > 0 and z["h"] > 0 else None


def zones(item, page):
    """The slide's zones for page (0-based): name -> (x, y, w, h)."""
    out = {k: rect(v) for k, v in item["frame"].items()}
    if page != len(item["pages"]) - 1:
        out["qr"] = None  # the plate is on the last page only
    return {k: v for k, v in out.items() if v}


def inside(a, b):
    return b[0] <= a[0] and b[1] <= a[1] and a[0] + a[2] <= b[0] + b[2] and \
        a[1] + a[3] <= b[1] + b[3]


def overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and \
        b[1] < a[1] + a[3]


def nested_ok(inner, outer):
    """Layers by design: text over a photo or its scrim (band), the QR plate
    on the body, the badge after the title's first line, a part of the header or the footer (a clock, a ticker) in
    its band."""
    return outer in ("image", "header", "footer", "band") or \
        (inner == "qr" and outer == "body") or (inner == "badge" and outer == "title")


def check_zones(where, zs, w, h):
    """(c): no zone overlaps another; each on the screen."""
    names = sorted(zs)
    for n in names:
        r = zs[n]
        check(r[0] >= 0 and r[1] >= 0 and r[0] + r[2] <= w and r[1] + r[3] <= h,
              f"{where}: zone {n} {r} off the {w}x{h} screen")
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ra, rb = zs[a], zs[b]
            if not overlap(ra, rb):
                continue
            ok = (inside(ra, rb) and nested_ok(a, b)) or (inside(rb, ra) and nested_ok(b, a))
            check(ok, f"{where}: zones {a} {ra} and {b} {rb} overlap")


# ---- one page ----

class Piece:
    """A piece of ink in a zone: a run of columns with ink, its rows, its colour."""

    def __init__(self, x0, x1, y0, y1, colour, thin):
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.colour, self.thin = colour, thin

    @property
    def height(self):
        return self.y1 - self.y0


def zone_pieces(pg, r):
    """The zone's background (its most frequent colour) and its pieces of
    ink, top to bottom: in each band of rows with ink (a line), the runs of
    columns with ink, split where a gap is half the band's height (a word
    space is less; the gap before the clock is more)."""
    bg = pg.colours(r).most_common(1)[0][0]
    x, y, w, h = r
    pieces = []
    for b0, b1 in runs(pg.ink_rows(r, bg), 3):
        band = (x, y + b0, w, b1 - b0)
        for c0, c1 in runs(pg.ink_columns(band, bg), max(3, (b1 - b0) // 2)):
            sub = (x + c0, y + b0, c1 - c0, b1 - b0)
            rows = [i for i, f in enumerate(pg.ink_rows(sub, bg)) if f]
            tall = rows[-1] - rows[0] + 1
            pieces.append(Piece(x + c0, x + c1, y + b0 + rows[0], y + b0 + rows[0] + tall,
                                core_colour(pg.colours(sub), bg), tall <= pg.thin))
    return bg, pieces


def core_colour(hist, bg):
    """The colour of the glyph cores: of the colours unlike bg that are not
    rare (anti-aliasing spreads the edges over many), the one that contrasts
    most with bg. A glyph's core has its full colour however small it is set."""
    del hist[bg]
    total = sum(hist.values())
    common = [c for c, n in hist.items() if n >= max(2, total // 50)] or \
        [hist.most_common(1)[0][0]]
    return max(common, key=lambda c: contrast(c, bg))


def body_line_heights(pg, zs, bg):
    """The ink height of each text line in the body zone (left of a QR plate)."""
    x, y, w, h = zs["body"]
    if "qr" in zs:
        w = zs["qr"][0] - x
    return [b - a for a, b in runs(pg.ink_rows((x, y, w, h), bg), 2) if b - a > pg.thin]


class Size:
    """What one size's pages measured, for the checks across pages."""

    def __init__(self):
        self.clock = []  # (page, ink height)
        self.body = []   # (page, median line ink height) of items at the body size
        self.low = []    # (contrast, what)
        self.pairs = set()  # (colour, background) measured
        self.urgent = False  # some text measured on the urgent page
        self.small = (1 << 30, "")  # the shortest header or footer text's ink


def check_page(where, pg, zs, size, aaa, base_body):
    """(a), (b), (e) for one PNG, and the heights for (d)."""
    need = 7.0 if aaa else 4.5
    text_colours = set()
    header_pieces = clock_zone = []
    for name, r in sorted(zs.items()):
        if name == "image":
            continue
        bg, pieces = zone_pieces(pg, r)
        for p in pieces:
            ratio = contrast(p.colour, bg)
            want = 3.0 if p.thin else need
            what = (f"{where}: {name} {'rule' if p.thin else 'text'} at x {p.x0}-{p.x1}: "
                    f"{hexc(p.colour)} on {hexc(bg)} {ratio:.2f}:1")
            size.low.append((ratio if not p.thin else 99, what))
            size.pairs.add((p.colour, bg))
            size.urgent |= " urgent " in where
            check(ratio >= want, f"{what}, want >= {want}")
            if not p.thin:
                text_colours.add(p.colour)
                if name in ("header", "footer") and p.x1 - p.x0 > 2 * p.height:
                    size.small = min(size.small, (p.height, f"{where} {name} x {p.x0}-{p.x1}"))
        if name == "header":
            header_pieces = [p for p in pieces if not p.thin]
        if name == "clock":
            clock_zone = [p for p in pieces if not p.thin]
        if name == "body" and base_body:
            heights = body_line_heights(pg, zs, bg)
            if heights:
                size.body.append((where, statistics.median(heights)))
    if clock_zone or header_pieces:  # a clock zone if the dump gives one
        top = min(p.y0 for p in clock_zone or header_pieces)
        clock = max((p for p in clock_zone or header_pieces if p.y0 < top + p.height),
                    key=lambda p: p.x1)  # the rightmost of the top row
        size.clock.append((where, clock.height))
    # (a) no page blank
    hist = pg.colours((0, 0, pg.w, pg.h))
    bg, plain = hist.most_common(1)[0]
    ink = 1 - plain / sum(hist.values())
    check(ink >= 0.002, f"{where}: blank: {ink:.2%} of the page is ink")
    check(any(n in zs and zone_has_ink(pg, zs[n]) for n in ("title", "body")),
          f"{where}: no text in the title or the body")
    # (b) no text colour outside the union of the zones
    outside = ink_outside(pg, zs, text_colours)
    check(not outside, f"{where}: text ink outside every zone: {outside[:3]}")
    edges = ink_on_edges(pg, zs, text_colours)
    check(not edges, f"{where}: text across the edge of a zone: {edges[:3]}")


def zone_has_ink(pg, r):
    bg = pg.colours(r).most_common(1)[0][0]
    return any(pg.ink_rows(r, bg))


def ink_outside(pg, zs, colours):
    """[(x, y, colour)] of text-coloured pixels outside every zone (bars,
    such as the mark under a title, are not text)."""
    found = []
    for y in range(pg.h):
        spans = sorted((r[0], r[0] + r[2]) for r in zs.values() if r[1] <= y < r[1] + r[3])
        x = 0
        gaps = []
        for a, b in spans:
            if a > x:
                gaps.append((x, a))
            x = max(x, b)
        if x < pg.w:
            gaps.append((x, pg.w))
        for a, b in gaps:
            for c in colours:
                at = pg.glyph_ink(c, y, a, b)
                if at >= 0:
                    found.append((at, y, hexc(c)))
    return found


def ink_on_edges(pg, zs, colours):
    """[(zone, x, y)] of text on a zone's top or bottom row: text that
    crosses from one zone into the next (the image's photo aside)."""
    found = []
    for name, (x, y, w, h) in zs.items():
        for yy in {y, y + h - 1} if name != "image" else ():
            for c in colours:
                at = pg.glyph_ink(c, yy, x, x + w)
                if at >= 0:
                    found.append((name, at, yy))
    return found


# ---- a run per size ----

def run(args, timeout=120):
    return subprocess.run([PLAYER, "--now", NOW, *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, SDL_VIDEODRIVER="dummy"))


class Snapshot:
    """One --snapshot run in the background (the next size is drawn while
    this one is checked): every page, then the ticker over the second."""

    def __init__(self, tmp, ini, size, label=""):
        self.ini, self.size, self.label = ini, size, label
        self.out = os.path.join(tmp, f"snap-{label}{size}")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [PLAYER, "--now", NOW, "--config", ini, "--snapshot", self.out,
             "--snapshot-transition", "2", "--size", size],
            stdout=subprocess.DEVNULL, stderr=self.log,
            env=dict(os.environ, SDL_VIDEODRIVER="dummy"))

    def wait(self):
        """The exit status and the end of the log."""
        try:
            rc = self.proc.wait(timeout=240)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.seek(0)
        return rc, self.log.read()[-400:].decode(errors="replace")


def check_size(lib, snap, aaa=False):
    ini, size, label, out = snap.ini, snap.size, snap.label, snap.out
    w, h = map(int, size.split("x"))
    tag = f"{label}{size}"
    rc, log = snap.wait()
    r = subprocess.CompletedProcess([], rc, "", log)
    check(r.returncode == 0, f"--snapshot {tag}: {r.stderr}")
    d = run(["--config", ini, "--layout-dump", "--size", size])
    check(d.returncode == 0, f"--layout-dump {tag}: {d.stderr[-400:]}")
    if r.returncode or d.returncode:
        return None
    items = json.loads(d.stdout)["items"]
    check(all("frame" in it for it in items), f"{tag}: the dump gives each item's frame")
    slides = [it for it in items if not it.get("ticker")]
    base = min(it["font_px"] for it in slides)
    size_m = Size()
    pngs = set(os.listdir(out))
    for k, it in enumerate(items):
        for p in range(len(it["pages"])):
            name = f"{k + 1:03d}-{it['id']}-p{p + 1:02d}.png"
            where = f"{tag} {it['id']} p{p + 1}"
            if it.get("ticker"):
                continue  # in the footer (ticker.png), not a slide
            check(name in pngs, f"{where}: no {name}")
            if name not in pngs:
                continue
            zs = zones(it, p)
            check_zones(where, zs, w, h)
            pg = Page(lib, os.path.join(out, name))
            check((pg.w, pg.h) == (w, h), f"{where}: {pg.w}x{pg.h}")
            check_page(where, pg, zs, size_m, aaa, it["font_px"] == base)
            pg.close()
    # The ticker over the second slide (--snapshot-transition's last page).
    first = items[0] if len(items[0]["pages"]) > 1 else items[1]
    second_page = 1 if first is items[0] else 0
    if "ticker.png" in pngs:
        pg = Page(lib, os.path.join(out, "ticker.png"))
        zs = zones(first, second_page)
        check_page(f"{tag} ticker.png", pg, zs, Size(), aaa, False)
        check(zone_has_ink(pg, zs["footer"]), f"{tag}: the ticker draws in the footer")
        pg.close()
    else:
        check(False, f"{tag}: no ticker.png")
    return size_m


def check_measured(tag, m, theme):
    """The theme's text, muted and accent colours were each found and
    measured against its background, and some colour on the urgent page."""
    bg = theme["background"]
    for key in ("foreground", "muted", "accent"):
        c = theme[key]
        check((c, bg) in m.pairs, f"{tag}: {key} {hexc(c)} on {hexc(bg)} never measured "
              f"({contrast(c, bg):.2f}:1 by the numbers)")
    check(m.urgent, f"{tag}: nothing measured on the urgent page")


def check_clock(tag, m):
    """(d): the clock's ink at least as tall as the body's (items at the body size)."""
    check(m.clock and m.body, f"{tag}: clock {len(m.clock)} and body {len(m.body)} measured")
    if not (m.clock and m.body):
        return
    body = max(h for _, h in m.body)
    small = [(w, h) for w, h in m.clock if h < body]
    check(not small, f"{tag}: the clock's ink {min(h for _, h in m.clock)} px is shorter "
          f"than the body's {body} px ({len(small)} pages, e.g. {small[:1]})")
    return min(h for _, h in m.clock), body


def main():
    lib = sdl_image()
    if not lib:
        print("skipped: SDL2_image not found by ctypes")
        return 77
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    tmp = keep or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    snaps = []
    try:
        with open(os.path.join(tmp, "feed.json"), "w", encoding="utf-8") as f:
            json.dump(feed(), f, ensure_ascii=False)
        with open(os.path.join(tmp, "photo.png"), "wb") as f:
            f.write(photo())
        shutil.copy(os.path.join(SRC, "config", "high-contrast.ini"), tmp)
        shipped = theme_of(os.path.join(SRC, "config", "player.ini"))
        high = theme_of(os.path.join(SRC, "config", "high-contrast.ini"))
        ini = write_config(tmp, "shipped", "[theme]\n" + "".join(
            f"{k} = {hexc(v)}\n" for k, v in shipped.items()))
        hc = write_config(tmp, "player-hc", "[theme]\nfile = high-contrast.ini\n")
        figures = []
        lowest = (99, "")
        snaps.append(Snapshot(tmp, ini, SIZES[0]))
        for k, size in enumerate(SIZES):
            if k + 1 < len(SIZES):
                snaps.append(Snapshot(tmp, ini, SIZES[k + 1]))
            else:
                snaps.append(Snapshot(tmp, hc, "1920x1080", "high-contrast "))
            m = check_size(lib, snaps[k])
            if m:
                hs = check_clock(size, m)
                check_measured(size, m, shipped)
                figures.append(f"{size}: clock ink {hs and hs[0]} px, body ink {hs and hs[1]} "
                               f"px, the shortest header or footer text {m.small[0]} px ({m.small[1]})")
                lowest = min([lowest] + m.low)
        print("\n".join(figures))
        print(f"lowest text contrast, shipped theme: {lowest[1]}")
        m = check_size(lib, snaps[-1], aaa=True)
        if m:
            check_clock("high-contrast 1920x1080", m)
            check_measured("high-contrast 1920x1080", m, high)
            print(f"lowest text contrast, high-contrast theme: {min(m.low)[1]}")
    finally:
        for sn in snaps:
            if sn.proc.poll() is None:
                sn.proc.kill()
                sn.proc.wait()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("screens")


if __name__ == "__main__":
    sys.exit(main())
