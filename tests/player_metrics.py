#!/usr/bin/env python3
"""The metrics file ([fleet] metrics_file) of the real player, headless,
against a real HTTP server on 127.0.0.1 (tests/http_server.py).

The file is parsed with prometheus_client's text parser (and `promtool
check metrics` when promtool is installed); the counters move as they
should: polls that succeed, a 500 counted as kind "http", a hanging server
as kind "timeout", pages shown. A reader that reads the file in a loop while
the player rewrites it never sees a partial file. A metrics folder that
cannot be written gives one log line, and the slides go on.

SIGNAGE_TEST_METRICS_MS (a test hook) makes the player write the file every
that many ms instead of each minute."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import check  # noqa: E402
from player_http import Server, play_log  # noqa: E402

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # Debian's python3-prometheus-client, when python3 is not Debian's.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        print("SKIP: no prometheus_client (apt-get install python3-prometheus-client)")
        sys.exit(77)

PLAYER = os.environ["SIGNAGE_PLAYER"]
WRITE_MS = 200
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SIGNAGE_TEST_METRICS_MS=str(WRITE_MS))
LAST_LINE = "signage_layout_seconds_count"  # the file's last sample


def samples(text):
    """{(sample name, sorted labels): value}; raises on a malformed file."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def fetches(m, result, kind=None):
    labels = [("result", result)] + ([("kind", kind)] if kind else [])
    return m.get(("signage_fetch_total", tuple(sorted(labels))), 0)


def wait_for(path, pred, timeout):
    """The file's samples once pred(samples) holds, else the last ones."""
    end = time.monotonic() + timeout
    m = {}
    while time.monotonic() < end:
        text = read(path)
        if text:
            m = samples(text)
            if pred(m):
                break
        time.sleep(0.1)
    return m


def start(tmp, name, feed, metrics_file):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    ini = os.path.join(d, "player.ini")
    with open(ini, "w") as f:
        f.write(f"[player]\nfeed = {feed}\ncache_dir = {d}/cache\n"
                "[fetch]\npoll_interval = 5\nbackoff_max = 5\nconnect_timeout = 1\n"
                "total_timeout = 2\n[timing]\npage_min = 1\npage_max = 1\n"
                f"[fleet]\nmetrics_file = {metrics_file}\n")
    log = os.path.join(d, "play.log")
    err = open(os.path.join(d, "stderr"), "w+")
    p = subprocess.Popen([PLAYER, "--config", ini, "--window", "640x360", "--play-log", log],
                         env=ENV, stdout=subprocess.DEVNULL, stderr=err)
    return p, log, err


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        return -1


def never_partial(path, seconds):
    """Reads the file in a loop while the player rewrites it: every read is
    whole and parses. Returns how many different contents were read."""
    seen, bad = set(), 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        text = read(path)
        whole = text.endswith("\n") and LAST_LINE in text.rsplit("\n", 2)[-2]
        try:
            samples(text)
        except Exception:  # noqa: BLE001 (any parse error is a failure)
            whole = False
        bad += not whole
        seen.add(text)
    check(bad == 0, f"{bad} partial or unparsable reads")
    return len(seen)


def promtool(path):
    tool = shutil.which("promtool")
    if not tool:
        print("promtool not installed: only prometheus_client's parser checks the file")
        return
    with open(path) as f:
        p = subprocess.run([tool, "check", "metrics"], stdin=f, capture_output=True,
                           text=True, timeout=30)
    check(p.returncode == 0, f"promtool check metrics: {p.stdout} {p.stderr}")


def polls(m):
    return sum(v for k, v in m.items() if k[0] == "signage_fetch_total")


def reload_keeps_counts(p, path, err):
    """A reload makes a new source, whose poll counters start at 0: the
    file's counters go on from where they were."""
    before = polls(samples(read(path)))
    ini = p.args[2]
    with open(ini) as f:
        text = f.read()
    with open(ini + ".new", "w") as f:
        f.write(text.replace("page_max = 1", "page_max = 2"))
    os.rename(ini + ".new", ini)
    end = time.monotonic() + 15
    while time.monotonic() < end:
        err.seek(0)
        if "config applied" in err.read():
            break
        time.sleep(0.1)
    check(time.monotonic() < end, "the config was reloaded")
    time.sleep(3 * WRITE_MS / 1000)
    after = polls(samples(read(path)))
    check(after >= before, f"polls counted before the reload kept: {before} then {after}")


def test_counts(srv, tmp):
    path = os.path.join(tmp, "textfile", "signage.prom")
    p, log, err = start(tmp, "counts", srv.base + "/feed.json", path)
    try:
        # (a write may come between the poll's end and the loop taking its feed)
        m = wait_for(path, lambda m: fetches(m, "ok") >= 1 and
                     m.get(("signage_items", (("state", "open"),))) == 3, 15)
        check(fetches(m, "ok") >= 1, f"a poll that succeeded is counted: {m}")
        info = [v for k, v in m.items() if k[0] == "signage_build_info"]
        check(info == [1], f"build info: {info}")
        check(m.get(("signage_items", (("state", "open"),))) == 3, "3 items open")
        check(("signage_feed_age_seconds", ()) in m, "the feed's age")
        check(os.stat(path).st_mode & 0o777 == 0o644, "mode 0644 for node_exporter")
        pages = m.get(("signage_pages_shown_total", ()), 0)
        versions = never_partial(path, 4)
        check(versions >= 3, f"the file was rewritten while read ({versions} versions)")
        left = [n for n in os.listdir(os.path.dirname(path)) if n != "signage.prom"]
        check(not left, f"temp files left in the folder: {left}")
        srv.control("mode=500")
        m = wait_for(path, lambda m: fetches(m, "failed", "http") >= 1, 15)
        check(fetches(m, "failed", "http") >= 1, "a 500 counted as kind http")
        srv.control("mode=stall")
        m = wait_for(path, lambda m: fetches(m, "failed", "timeout") >= 1, 20)
        check(fetches(m, "failed", "timeout") >= 1, "a hanging server counted as a timeout")
        check(fetches(m, "failed", "network") == 0, "no failure of another kind")
        check(m.get(("signage_pages_shown_total", ()), 0) > pages, "pages shown goes up")
        check(m.get(("signage_frame_seconds_count", ()), 0) > 0, "frames timed")
        check(m.get(("signage_layout_seconds_count", ()), 0) > 0, "layouts timed")
        promtool(path)
        reload_keeps_counts(p, path, err)
    finally:
        srv.control("mode=ok")
        check(stop(p) == 0, "the player stops cleanly")
    err.seek(0)
    lines = [line for line in err if "metrics file" in line]
    check(len(lines) == 1, f"one line names the metrics file: {lines}")


def test_unwritable(srv, tmp):
    blocker = os.path.join(tmp, "not-a-folder")
    with open(blocker, "w") as f:
        f.write("x")
    path = os.path.join(blocker, "signage.prom")
    p, log, err = start(tmp, "unwritable", srv.base + "/feed.json", path)
    end = time.monotonic() + 20
    while time.monotonic() < end and len(play_log(log)) < 3:
        time.sleep(0.1)
    time.sleep(2)  # 10 more writes tried
    check(p.poll() is None, "the player runs on")
    check(len(play_log(log)) >= 4, f"slides go on: {play_log(log)}")
    check(stop(p) == 0, "the player stops cleanly")
    err.seek(0)
    lines = [line for line in err if "cannot write the metrics file" in line]
    check(len(lines) == 1, f"one log line for 10 or more failed writes: {lines}")
    check(lines and path in lines[0] and "Not a directory" in lines[0],
          f"the line names the file and why: {lines}")


def main():
    srv = Server()
    tmp = tempfile.mkdtemp(prefix="player_metrics-")
    try:
        test_counts(srv, tmp)
        test_unwritable(srv, tmp)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("player_metrics")


if __name__ == "__main__":
    sys.exit(main())
