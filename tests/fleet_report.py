#!/usr/bin/env python3
"""Heartbeats, proof of play and screenshots: the real player, headless
(dummy driver), against a recording HTTP server on 127.0.0.1 started here.

Checks the heartbeat rate and fields, the bearer token, proof-of-play
records complete and in order across an outage (503) and a restart
(SIGTERM), what a SIGKILL may lose (at most the records not yet written:
POPQ_SYNC_RECORDS - 1 pages, plus the page on screen), a torn last line
skipped, the queue cap (the oldest dropped and counted), a screenshot
request answered with a PNG of screenshot_width showing the slide, a
401 logged once with the rotation undisturbed, a redirect never followed
(records kept), a 204 taking a batch, a server that never answers without
a slide delayed, and a token file others can read refused."""
import http.server
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")
TOKEN = "s3cret-t0ken"
BG, FG = (0x20, 0x40, 0x60), (0xf0, 0xf0, 0xf0)
SYNC_RECORDS = 10  # popq.h POPQ_SYNC_RECORDS


class Recorder:
    """What the player sent, and how to answer: mode ok, 204, 503, 401,
    redirect (302 to /elsewhere) or stall (the request is read and never
    answered)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.mode = "ok"
        self.answer = b"{}"  # the next 200's body, then {} again
        self.beats = []      # (time, Authorization, heartbeat, answered status)
        self.shots = []      # (time, path, Content-Type, bytes)
        self.elsewhere = 0   # requests that followed a redirect
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(n, 64 << 20))
                with rec.lock:
                    mode = rec.mode
                status = {"ok": 200, "204": 204, "503": 503, "401": 401,
                          "redirect": 302}.get(mode)
                if self.path == "/elsewhere":
                    with rec.lock:
                        rec.elsewhere += 1
                    return self.reply(200, b"{}")
                if self.path.endswith("/screenshot"):
                    with rec.lock:
                        rec.shots.append((time.time(), self.path,
                                          self.headers.get("Content-Type"), body))
                    return self.reply(200, b"")
                try:
                    beat = json.loads(body)
                except ValueError:
                    beat = None
                with rec.lock:
                    rec.beats.append((time.time(), self.headers.get("Authorization"),
                                      beat, status))
                    answer, rec.answer = (rec.answer, b"{}") if status == 200 else (b"", rec.answer)
                if status == 204:
                    answer = b""
                if mode == "stall":
                    rec.stopping.wait(60)
                    self.close_connection = True
                    return None
                return self.reply(status, answer if status == 204 else answer or b"{}")

            def reply(self, status, body):
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.srv.daemon_threads = True
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/report" % self.srv.server_address[1]

    def set(self, mode=None, answer=None):
        with self.lock:
            if mode:
                self.mode = mode
            if answer:
                self.answer = answer

    def delivered(self):
        """Records of the heartbeats answered 200, in order."""
        with self.lock:
            return [r for _, _, b, s in self.beats if s in (200, 204) and b for r in b["pop"]]

    def stop(self):
        self.stopping.set()
        self.srv.shutdown()


FEED = {"version": "https://jsonfeed.org/version/1.1", "title": "fleet test",
        "items": [{"id": "n%d" % i, "title": "通知%d" % i,
                   "content_text": "社区中心今天下午开放。"} for i in range(1, 4)]}


class Player:
    def __init__(self, tmp, name, url, extra=""):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.cache = os.path.join(self.dir, "cache")
        self.ini = os.path.join(self.dir, "player.ini")
        self.log = os.path.join(self.dir, "play.log")
        self.token = os.path.join(self.dir, "token")
        self.err = os.path.join(self.dir, "stderr.log")
        with open(os.path.join(self.dir, "feed.json"), "w") as f:
            json.dump(FEED, f, ensure_ascii=False)
        with open(self.token, "w") as f:
            f.write("  %s\n" % TOKEN)
        os.chmod(self.token, 0o600)
        with open(self.ini, "w") as f:
            f.write("[player]\nfeed = feed.json\ncache_dir = cache\n"
                    "[timing]\npage_min = 1\npage_max = 1\n"
                    "[fetch]\nconnect_timeout = 2\ntotal_timeout = 20\n"
                    "[theme]\nbackground = #204060\nforeground = #f0f0f0\n"
                    f"[fleet]\nscreen_id = lobby-1\nreport_url = {url}\n"
                    "report_allow_http = true\nreport_token_file = token\n"
                    f"screenshot_width = 320\n{extra}")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [PLAYER, "--config", self.ini, "--window", "640x360", "--play-log", self.log],
            env=ENV, stdout=subprocess.DEVNULL, stderr=open(self.err, "a"))
        self.started = time.time()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        t = time.time()
        rc = self.proc.wait(timeout=15)
        return rc, time.time() - t

    def played(self):
        """The play log's item pages: (id, page, wall, image)."""
        try:
            with open(self.log) as f:
                rows = [line.split() for line in f if line.strip()]
        except OSError:
            return []
        return [(r[2], int(r[3].split("/")[0]), int(r[0]), r[4] == "image")
                for r in rows if r[2] not in ("-", "off")]

    def queued(self):
        try:
            with open(os.path.join(self.cache, "pop.jsonl")) as f:
                return [json.loads(line) for line in f if line.endswith("\n")]
        except OSError:
            return []

    def stderr(self):
        with open(self.err) as f:
            return f.read()


def key(r):
    return (r["item"], r["page"], r["start"], r["image"])


def same_records(records, played, what):
    got = [key(r) for r in records]
    check(got == played, f"{what}: records {len(got)} != play log {len(played)}; "
          f"first difference at {next((i for i, (a, b) in enumerate(zip(got, played)) if a != b), min(len(got), len(played)))}")
    # Pages last 1 s; the one on screen at a stop is cut short.
    secs = [r["seconds"] for r in records]
    check(all(0 <= s <= 3 for s in secs), f"{what}: seconds on screen {secs}")
    whole = sum(0.8 <= s <= 1.5 for s in secs)
    check(whole >= 0.8 * len(secs), f"{what}: {whole} of {len(secs)} pages of about 1 s")


def png_pixels(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pred = [0, a, b, (a + b) // 2,
                    a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c)
                    else b if abs(p - b) <= abs(p - c) else c][f]
            line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def near(px, rgb, tol=24):
    return all(abs(a - b) <= tol for a, b in zip(px, rgb))


def check_heartbeat(b):
    check(b["screen_id"] == "lobby-1", f"screen_id {b.get('screen_id')}")
    check(isinstance(b.get("version"), str) and isinstance(b.get("uptime"), int),
          "version and uptime")
    check(b.get("item") in ("n1", "n2", "n3") and b.get("page") == 1,
          f"item and page {b.get('item')} {b.get('page')}")
    check(b.get("screen") == "on", "screen on")
    check(b["feed"]["status"] in ("ok", "unchanged") and b["feed"]["age"] is not None,
          f"feed {b.get('feed')}")
    check("temperature" in b and (b["temperature"] is None
                                  or isinstance(b["temperature"], (int, float))),
          "temperature a number or null")
    check(b.get("cache_free", 0) > 0, "free bytes of the cache directory")
    check(b.get("pop_dropped") == 0, "nothing dropped")


def test_rate_outage_restart_screenshot(tmp):
    rec = Recorder()
    pl = Player(tmp, "main", rec.url, "report_interval = 5\n")
    pl.start()
    time.sleep(3)
    rec.set(answer=b'{"screenshot": true}')  # the second heartbeat asks
    time.sleep(9.5)
    beats = [b for b in rec.beats]
    times = [t - pl.started for t, _, _, _ in beats]
    check(2 <= len(beats) <= 4, f"{len(beats)} heartbeats in 12.5 s at 5 s: {times}")
    check(times and times[0] < 3, f"first heartbeat at {times[:1]} s")
    gaps = [b - a for a, b in zip(times, times[1:])]
    check(all(4.0 <= g <= 6.5 for g in gaps), f"heartbeat gaps {gaps}")
    check(all(a == "Bearer " + TOKEN for _, a, _, _ in beats), "the bearer token, trimmed")
    for _, _, b, _ in beats[1:]:
        check_heartbeat(b)
    check(len(rec.shots) == 1, f"{len(rec.shots)} screenshots")
    if rec.shots:
        _, path, ctype, data = rec.shots[0]
        check(path == "/report/screenshot" and ctype == "image/png", f"{path} {ctype}")
        w, h, rows = png_pixels(data)
        check((w, h) == (320, 180), f"screenshot size {w}x{h}")
        px = [p for row in rows for p in row]
        bg = sum(near(p, BG) for p in px) / len(px)
        fg = sum(near(p, FG, 40) for p in px)
        check(bg > 0.3 and fg >= 50, f"theme colours: background {bg:.2f}, {fg} text pixels")
    # An outage: the server answers 503 for two heartbeats.
    rec.set(mode="503")
    time.sleep(8)
    rec.set(mode="ok")
    time.sleep(3)
    rc, _ = pl.stop()
    check(rc == 0, f"exit {rc} on SIGTERM")
    queued_at_stop = len(pl.queued())
    pl.start()  # the restart sends what the last run queued
    time.sleep(8)
    rc, _ = pl.stop()
    check(queued_at_stop > 0, "records queued at stop")
    check(any(s == 503 for _, _, _, s in rec.beats), "the outage happened")
    same_records(rec.delivered() + pl.queued(), pl.played(), "outage and restart")
    check(TOKEN not in pl.stderr(), "the token is never logged")
    rec.stop()


def test_kill(tmp):
    rec = Recorder()
    pl = Player(tmp, "kill", rec.url, "report_interval = 300\n")
    pl.start()
    time.sleep(15.5)
    rc, _ = pl.stop(signal.SIGKILL)
    played, sent, kept = pl.played(), rec.delivered(), pl.queued()
    lost = len(played) - len(sent) - len(kept)
    check([key(r) for r in sent + kept] == played[:len(sent) + len(kept)],
          "what SIGKILL left is the play log's start, in order")
    check(0 <= lost <= SYNC_RECORDS, f"{lost} records lost to SIGKILL (at most "
          f"{SYNC_RECORDS}: 9 unwritten and the page on screen), {len(played)} played")
    # A torn last line (a power cut mid-write) is skipped; the rest is sent.
    with open(os.path.join(pl.cache, "pop.jsonl"), "a") as f:
        f.write('{"item":"n1","pa')
    with open(pl.ini, "a") as f:
        f.write("report_interval = 5\n")
    rec.set(mode="204")  # any 2xx takes a batch
    pl.start()
    time.sleep(3)
    rc, _ = pl.stop()
    check(rc == 0, f"restart after a torn line: exit {rc}")
    after = rec.delivered()[len(sent):]
    check([key(r) for r in after[:len(kept)]] == [key(r) for r in kept],
          "the kept records are sent after the restart")
    left = [key(r) for r in pl.queued()]
    check(not any(key(r) in left for r in kept), "a 204 removed them from the queue")
    check("damaged line" in pl.stderr(), "the torn line is logged")
    rec.stop()


def test_cap(tmp):
    rec = Recorder()
    rec.set(mode="503")
    pl = Player(tmp, "cap", rec.url, "report_interval = 5\nreport_queue_max = 10\n")
    pl.start()
    time.sleep(14)
    rec.set(mode="ok")
    time.sleep(7)
    pl.stop()
    ok = [b for _, _, b, s in rec.beats if s == 200]
    check(ok, "a heartbeat after the outage")
    if ok:
        first, played = ok[0], pl.played()
        dropped, batch = first["pop_dropped"], [key(r) for r in first["pop"]]
        check(len(batch) == 10 and dropped >= 3, f"cap 10: {len(batch)} sent, {dropped} dropped")
        check(batch == played[dropped:dropped + len(batch)],
              "the newest records kept, the oldest dropped")
    rec.stop()


def test_401_and_stall(tmp):
    """Both at once (independent servers): a 401 logged once, records kept;
    a server that never answers delays no slide, and the player stops
    promptly all the same."""
    bad, stall, moved = Recorder(), Recorder(), Recorder()
    bad.set(mode="401")
    stall.set(mode="stall")
    moved.set(mode="redirect")
    p401 = Player(tmp, "401", bad.url, "report_interval = 5\n")
    pstall = Player(tmp, "stall", stall.url, "report_interval = 5\n")
    pmoved = Player(tmp, "moved", moved.url, "report_interval = 5\n")
    for pl in (p401, pstall, pmoved):
        pl.start()
    time.sleep(12)
    check(all(pl.proc.poll() is None for pl in (p401, pstall, pmoved)), "all still running")
    pmoved.stop()
    check(len(moved.beats) >= 2 and moved.elsewhere == 0,
          f"a redirect is not followed: {moved.elsewhere} requests went elsewhere")
    same_records(pmoved.queued(), pmoved.played(), "redirect: every record kept")
    moved.stop()
    rc, took = pstall.stop()
    check(rc == 0 and took < 4, f"stop during a stalled report: exit {rc} in {took:.1f} s")
    rc, _ = p401.stop()
    check(rc == 0, f"401: exit {rc}")
    check(len(bad.beats) >= 2, f"{len(bad.beats)} heartbeats answered 401")
    lines = [ln for ln in p401.stderr().splitlines() if "HTTP status 401" in ln]
    check(len(lines) == 1, f"401 logged once: {lines}")
    same_records(p401.queued(), p401.played(), "401: every record kept")
    for pl in (p401, pstall):
        walls = pl.played()
        check(len(walls) >= 9, f"{pl.dir}: {len(walls)} slides in 12 s")
    with open(pstall.log) as f:
        monos = [int(line.split()[1]) for line in f if line.strip()]
    gaps = [b - a for a, b in zip(monos, monos[1:])]
    check(gaps and max(gaps) < 1800, f"slides 1 s apart while the report stalls: {gaps}")
    check(TOKEN not in p401.stderr() + pmoved.stderr(), "the token is never logged")
    bad.stop()
    stall.stop()


def run(*args):
    """The player with args; a player still running after 15 s is stopped
    and reported as not refusing (returncode None)."""
    p = subprocess.Popen([PLAYER, *args], env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        p.returncode = None
    return subprocess.CompletedProcess(args, p.returncode, out, err)


def test_refused_configs(tmp):
    pl = Player(tmp, "refuse", "http://127.0.0.1:9/report")
    os.chmod(pl.token, 0o644)
    p = run("--config", pl.ini, "--window", "640x360")
    check(p.returncode not in (0, None), "a token file others can read: refused")
    check("report_token_file" in p.stderr and "chmod 600" in p.stderr,
          f"why: {p.stderr[-300:]}")
    os.chmod(pl.token, 0o600)
    p = run("--config", pl.ini, "--check-config")
    check(p.returncode == 0, f"mode 0600 accepted: {p.stdout[-300:]} {p.stderr[-300:]}")
    with open(pl.ini, "a") as f:
        f.write("report_allow_http = false\n")
    p = run("--config", pl.ini, "--check-config")
    check(p.returncode not in (0, None) and "plain http" in p.stdout + p.stderr,
          f"http without report_allow_http: {p.stdout[-300:]} {p.stderr[-300:]}")


def main():
    tmp = tempfile.mkdtemp(prefix="signage-fleet-")
    try:
        test_refused_configs(tmp)
        test_rate_outage_restart_screenshot(tmp)
        test_kill(tmp)
        test_cap(tmp)
        test_401_and_stall(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("fleet_report")


if __name__ == "__main__":
    sys.exit(main())
