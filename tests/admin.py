#!/usr/bin/env python3
"""The admin commands through the built binary: --check-feed (local and
HTTP feeds, good, refused and scheduled, with --now, text and --json), the
status file of a running player and --status (running and stale), and live
reload of a good and of a bad config while the player runs headless with
--play-log (no gap in the log, the new setting in effect)."""
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check, png  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")
NOW = "2026-12-01T10:00:00+08:00"  # a Tuesday
NOW_UNIX = int(datetime.datetime.fromisoformat(NOW).timestamp())




def write(path, text):
    """Replaces path as editors do: a new file renamed over the old one."""
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".new", path)


def feed(items, **extra):
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                       "items": items, **extra}, ensure_ascii=False)


def run(*args, timeout=60):
    return subprocess.run([PLAYER, *args], capture_output=True, text=True, env=ENV,
                          timeout=timeout)


def check_feed(ini, target, *extra):
    p = run("--config", ini, "--check-feed", target, "--now", NOW, "--size", "1280x720",
            "--wait", "8", "--json", *extra)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        check(False, f"--check-feed --json printed no JSON: {p.stdout[:300]} {p.stderr[-300:]}")
        return p.returncode, {"items": []}, p.stderr


def by_id(report):
    return {i["id"]: i for i in report.get("items", [])}


def test_check_feed_local(tmp, ini):
    with open(os.path.join(tmp, "pic.png"), "wb") as f:
        f.write(png(40, 30, (200, 80, 40)))
    with open(os.path.join(tmp, "bad.png"), "wb") as f:
        f.write(b"<svg>not a png</svg>")
    good = os.path.join(tmp, "good.json")
    write(good, feed([
        {"id": "plain", "title": "通知", "content_text": "正文" * 400, "image": "pic.png"},
        {"id": "badimg", "title": "坏图", "content_text": "a\u0007b\u0008c", "image": "bad.png",
         "_signage": {"colour": "red", "duration": 20}},
        {"id": "noimg", "title": "缺图", "content_text": "x", "image": "missing.png"},
        {"id": "glyph", "title": "字", "content_text": "今晚 \U00013000 停电"},
    ], _signage={"flavour": 1}))
    rc, rep, err = check_feed(ini, good)
    items = by_id(rep)
    check(rc == 0 and rep.get("refused") is False, f"good feed: exit {rc}: {err[-300:]}")
    check(list(items) == ["plain", "badimg", "noimg", "glyph"], f"good feed ids {list(items)}")
    plain = items.get("plain", {})
    check(plain.get("now") == "open" and len(plain.get("pages", [])) >= 2,
          f"a long item is open and has several pages: {plain}")
    check(sum(plain.get("pages", [0])) == plain.get("seconds") and plain.get("seconds", 0) > 0,
          f"the page seconds add up: {plain}")
    check(plain.get("warnings") == [], f"a clean item has no warnings: {plain.get('warnings')}")
    check(items.get("badimg", {}).get("pages") == [20], f"_signage.duration: {items.get('badimg')}")
    w = " | ".join(items.get("badimg", {}).get("warnings", []))
    check("bad.png: refused" in w, f"a refused image is named: {w}")
    check("_signage.colour: unknown field" in w, f"an unknown _signage field is named: {w}")
    check("2 character(s) dropped by cleaning" in w, f"text dropped by cleaning: {w}")
    w = " | ".join(items.get("noimg", {}).get("warnings", []))
    check("missing.png: missing" in w, f"a missing image is named: {w}")
    w = " | ".join(items.get("glyph", {}).get("warnings", []))
    check("no font has" in w and "U+13000" in w, f"a character no font has: {w}")
    check(any("_signage.flavour" in x for x in rep.get("warnings", [])),
          f"a feed-level unknown field: {rep.get('warnings')}")
    # The text form: one row per item, the same warnings, exit 0.
    p = run("--config", ini, "--check-feed", good, "--now", NOW, "--size", "1280x720")
    rows = [ln for ln in p.stdout.splitlines() if ln and not ln.startswith(" ")]
    check(p.returncode == 0 and any(r.startswith("plain ") for r in rows) and
          "warning: image bad.png: refused" in p.stdout, f"text form:\n{p.stdout}")


def test_check_feed_refused(tmp, ini):
    bad = os.path.join(tmp, "bad.json")
    write(bad, '{"version": "https://jsonfeed.org/version/1.1", "items": [,]}')
    rc, rep, _ = check_feed(ini, bad)
    check(rc == 1 and rep.get("refused") is True and rep.get("error"),
          f"bad JSON is refused with exit 1: {rc} {rep}")
    notfeed = os.path.join(tmp, "notfeed.json")
    write(notfeed, '{"hello": "world"}')
    rc, rep, _ = check_feed(ini, notfeed)
    check(rc == 1 and rep.get("refused") is True, f"not a feed is refused: {rc} {rep}")
    p = run("--config", ini, "--check-feed", os.path.join(tmp, "nowhere.json"))
    check(p.returncode == 1 and "REFUSED" in p.stdout, f"a missing file: {p.returncode} {p.stdout}")


def test_check_feed_scheduled(tmp, ini):
    sched = os.path.join(tmp, "sched.json")
    write(sched, feed([
        {"id": "always", "title": "a", "content_text": "a"},
        {"id": "tomorrow", "title": "b", "content_text": "b",
         "_signage": {"start": "2026-12-02T09:00:00+08:00", "end": "2026-12-02T12:00:00+08:00"}},
        {"id": "ended", "title": "c", "content_text": "c",
         "_signage": {"end": "2026-11-30T00:00:00+08:00"}},
        {"id": "off", "title": "d", "content_text": "d", "_signage": {"enabled": False}},
        {"id": "mornings", "title": "e", "content_text": "e",
         "_signage": {"hours": ["08:00-09:00"], "days": [1, 2, 3, 4, 5]}},
    ]))
    rc, rep, err = check_feed(ini, sched)
    items = by_id(rep)
    check(rc == 0, f"scheduled feed exit {rc}: {err[-300:]}")
    a = items.get("always", {})
    check(a.get("now") == "open" and len(a.get("shows", [])) == 1 and
          a["shows"][0]["from"] == NOW_UNIX and a["shows"][0]["to"] == NOW_UNIX + 7 * 86400,
          f"an unscheduled item shows all 7 days: {a}")
    t = items.get("tomorrow", {})
    check(t.get("now") == "waiting" and
          [(s["from"], s["to"]) for s in t.get("shows", [])] ==
          [(NOW_UNIX + 23 * 3600, NOW_UNIX + 26 * 3600)],
          f"a later item shows 09:00-12:00 tomorrow: {t}")
    check(t.get("shows", [{}])[0].get("local") == "Wed 12-02 09:00-12:00",
          f"local time of a span: {t.get('shows')}")
    e = items.get("ended", {})
    check(e.get("now") == "skipped" and "ended" in e.get("why", "") and e.get("shows") == [],
          f"an ended item: {e}")
    check(items.get("off", {}).get("now") == "skipped" and
          "disabled" in items.get("off", {}).get("why", ""), f"a disabled item: {items.get('off')}")
    m = items.get("mornings", {})
    # Tue 10:00 -> next Tue 10:00: Wed, Thu, Fri, Mon, Tue mornings.
    check(m.get("now") == "waiting" and len(m.get("shows", [])) == 5 and
          all(s["to"] - s["from"] == 3600 for s in m.get("shows", [])),
          f"weekday mornings over 7 days: {m}")
    # Another --now: the same feed seen on Wed 09:30 has "tomorrow" open.
    p = run("--config", ini, "--check-feed", sched, "--json", "--now",
            "2026-12-02T09:30:00+08:00")
    later = by_id(json.loads(p.stdout or "{}"))
    check(later.get("tomorrow", {}).get("now") == "open", f"--now moves the check: {later}")


class Server:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "http_server.py"), "--stdin-stop"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{int(self.proc.stdout.readline().split()[1])}"

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def test_check_feed_http(ini, cache):
    srv = Server()
    try:
        rc, rep, err = check_feed(ini, srv.base + "/feed.json")
        check(rc == 0 and rep.get("items"), f"an HTTP feed checks: {rc} {err[-300:]}")
        rc, rep, _ = check_feed(ini, srv.base + "/mode/invalid.json")
        check(rc == 1 and rep.get("refused") is True, f"an HTTP feed that is not JSON: {rc}")
        rc, rep, _ = check_feed(ini, srv.base + "/mode/500.json")
        check(rc == 1 and "500" in rep.get("error", ""), f"HTTP 500 refused: {rep}")
    finally:
        srv.stop()
    check(not os.path.exists(cache), "--check-feed leaves the player's cache alone")


def read_status(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def wait_for(pred, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def play_lines(path):
    try:
        with open(path) as f:
            return [ln.split() for ln in f if ln.strip()]
    except OSError:
        return []


def config_text(tmp, feed_file, page, centre="甲", extra=""):
    return (f"[player]\nfeed = {feed_file}\ncache_dir = {tmp}/cache-run\n"
            f"centre_name = {centre}\nstatus_file = {tmp}/run/status.json\n"
            f"[timing]\npage_min = {page}\npage_max = {page}\n{extra}")


def gaps(lines):
    ms = [int(ln[1]) for ln in lines]
    return [b - a for a, b in zip(ms, ms[1:])]


def test_running(tmp):
    feed1, feed2 = os.path.join(tmp, "run1.json"), os.path.join(tmp, "run2.json")
    write(feed1, feed([{"id": "one", "title": "一", "content_text": "一"},
                       {"id": "two", "title": "二", "content_text": "二"}]))
    write(feed2, feed([{"id": "other", "title": "三", "content_text": "三"}]))
    ini = os.path.join(tmp, "run.ini")
    status = os.path.join(tmp, "run", "status.json")
    log = os.path.join(tmp, "play.log")
    write(ini, config_text(tmp, feed1, 2))
    err = open(os.path.join(tmp, "run.err"), "w")
    p = subprocess.Popen([PLAYER, "--config", ini, "--window", "640x360", "--play-log", log],
                         stderr=err, env=ENV)
    try:
        check(wait_for(lambda: read_status(status).get("current", {}).get("item"), 15),
              "the status file appears with the current item")
        st = read_status(status)
        check(st.get("pid") == p.pid and st.get("version") and st.get("uptime", -1) >= 0,
              f"status: pid, version, uptime: {st}")
        scr = st.get("screen", {})
        check(scr.get("width") == 640 and scr.get("height") == 360 and
              scr.get("driver") == "dummy" and scr.get("renderer") and scr.get("on") is True,
              f"status: screen {scr}")
        fd = st.get("feed", {})
        check(fd.get("source") == feed1 and fd.get("result") in ("ok", "unchanged") and
              fd.get("last_success", 0) > 0, f"status: feed {fd}")
        check(st.get("current", {}).get("item") in ("one", "two") and
              st.get("shown", {}).get("count") == 2 and st.get("skipped", {}).get("count") == 0,
              f"status: current and lists {st}")
        s = run("--status", status)
        check(s.returncode == 0 and "STALE" not in s.stdout and "page 1 of 1" in s.stdout,
              f"--status of a running player: {s.returncode}\n{s.stdout}")
        before = len(play_lines(log))
        time.sleep(2.5)
        # A good config: 3 s pages, applied at the next page boundary.
        write(ini, config_text(tmp, feed1, 3, centre="乙"))
        check(wait_for(lambda: "config applied" in open(err.name).read(), 10),
              "the good config is applied")
        t_applied = len(play_lines(log))
        time.sleep(7)
        # A bad config: refused, the running one stays (3 s pages).
        write(ini, config_text(tmp, feed1, 5, extra="[fetch]\nfeed_ulr = x\n"))
        time.sleep(7)
        check("config not reloaded, the running one is kept" in open(err.name).read() and
              "feed_ulr" in open(err.name).read(), "the bad config is refused with its error")
        # SIGHUP with a new feed: fetched at once, shown from the next boundary.
        with open(ini, "w", encoding="utf-8") as f:
            f.write(config_text(tmp, feed2, 3))
        os.kill(p.pid, signal.SIGHUP)
        check(wait_for(lambda: read_status(status).get("current", {}).get("item") == "other", 10),
              f"SIGHUP: the new feed is shown: {read_status(status)}")
        check(read_status(status).get("feed", {}).get("source") == feed2,
              "the status file names the new feed")
        check(p.poll() is None, "the player runs on")
    finally:
        p.terminate()
        p.wait(timeout=10)
        err.close()
    lines = play_lines(log)
    check(all(ln[2] != "-" for ln in lines[1:]) and len(lines) > before + 6,
          f"no waiting slide after the first: {lines}")
    g = gaps(lines[1:])
    check(g and max(g) <= 3600, f"no gap in the play log (ms between slides): {g}")
    after = gaps(lines[t_applied:])
    check(len(after) >= 4 and all(2800 <= x <= 3600 for x in after),
          f"3 s pages after the reload, kept through the bad config: {after}")
    check(any(1800 <= x <= 2600 for x in gaps(lines[1:before + 1])), "2 s pages before")
    s = run("--status", status)
    check(s.returncode == 1 and "STALE" in s.stdout and "not running" in s.stdout,
          f"--status on a stale file: {s.returncode}\n{s.stdout}")
    # A running pid whose write is long overdue (a hung player) is stale too.
    st = read_status(status)
    st.update(pid=os.getpid(), expect_before=int(time.time()) - 600)
    os.makedirs(os.path.dirname(status), exist_ok=True)
    write(status, json.dumps(st))
    s = run("--status", status)
    check(s.returncode == 1 and "STALE" in s.stdout, f"an overdue status: {s.stdout}")


def inodes_seen(path, seconds):
    """Distinct inodes of path while polling: each atomic replace is one."""
    seen, end = set(), time.time() + seconds
    while time.time() < end:
        try:
            seen.add(os.stat(path).st_ino)
        except OSError:
            pass
        time.sleep(0.02)
    return seen


def test_status_writes(tmp):
    """Written when something changes, at most once a second, never when
    nothing does (an SD card wears)."""
    feed1 = os.path.join(tmp, "run1.json")
    status = os.path.join(tmp, "run", "status.json")
    ini = os.path.join(tmp, "writes.ini")
    for page, seconds, most, least in ((60, 4, 1, 1), (1, 5, 6, 3)):
        if os.path.exists(status):
            os.unlink(status)
        write(ini, config_text(tmp, feed1, page))
        p = subprocess.Popen([PLAYER, "--config", ini, "--window", "320x240"],
                             stderr=subprocess.DEVNULL, env=ENV)
        try:
            check(wait_for(lambda: read_status(status).get("current", {}).get("item"), 15),
                  "the status file appears")
            time.sleep(3)  # the first local check turns "new feed" into "unchanged"
            n = len(inodes_seen(status, seconds))
            check(least <= n <= most,
                  f"{page} s pages: {n} writes in {seconds} s (expected {least}..{most})")
        finally:
            p.terminate()
            p.wait(timeout=10)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ini = os.path.join(tmp, "player.ini")
        cache = os.path.join(tmp, "player-cache")
        write(ini, f"[player]\nfeed = {tmp}/none.json\ncache_dir = {cache}\n"
                   "time_zone = Asia/Shanghai\n")
        test_check_feed_local(tmp, ini)
        test_check_feed_refused(tmp, ini)
        test_check_feed_scheduled(tmp, ini)
        test_check_feed_http(ini, cache)
        test_running(tmp)
        test_status_writes(tmp)
    return testlib.done("admin")


if __name__ == "__main__":
    sys.exit(main())
