#!/usr/bin/env python3
"""Push through MQTT: the real player against a real mosquitto broker and
tests/http_server.py, both on 127.0.0.1.

The players poll once an hour (poll_interval = 3600), so a feed change that
shows within seconds came through the broker. Checked: an urgent item on
screen within 2 s of the publish; a burst of messages makes few fetches; a
huge binary body only wakes the player (never logged); the broker killed
and restarted: the rotation goes on, the player reconnects and a later
publish works; a config reloaded with another broker: the player moves
to it; a broker that accepts the connection and never answers: the
player keeps rotating and polling and stops at once; mqtts with the right
CA works, with a wrong CA or a host name the certificate does not name it is
refused. Skipped (77) without mosquitto."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqtt_broker  # noqa: E402
from feed_server import FeedServer  # noqa: E402
import testlib  # noqa: E402
from testlib import check  # noqa: E402

PLAYER = os.environ["SIGNAGE_PLAYER"]
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")
TOPIC = "signage/feed"


class Player:
    """The player in its loop (dummy video driver) with a play log."""

    def __init__(self, tmp, name, feed, fleet, fetch=""):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.ini = os.path.join(self.dir, "player.ini")
        self.log = os.path.join(self.dir, "play.log")
        self.err = os.path.join(self.dir, "stderr.log")
        with open(self.ini, "w") as f:
            f.write(f"[player]\nfeed = {feed}\ncache_dir = {self.dir}/cache\n"
                    f"[fetch]\npoll_interval = 3600\n{fetch}"
                    "[timing]\npage_min = 1\npage_max = 1\n"
                    f"[fleet]\nscreen_id = {name}\n{fleet}")
        with open(self.err, "w") as err:
            self.proc = subprocess.Popen([PLAYER, "--config", self.ini, "--window", "640x360",
                                          "--play-log", self.log, "--verbose"],
                                         env=ENV, stdout=subprocess.DEVNULL, stderr=err)

    def lines(self):
        try:
            with open(self.log) as f:
                return [ln.split() for ln in f if ln.strip()]
        except OSError:
            return []

    def stderr(self):
        with open(self.err, errors="replace") as f:
            return f.read()

    def wait_line(self, pred, timeout):
        """The time a play-log line matching pred appeared, or None."""
        end = time.time() + timeout
        while time.time() < end:
            if any(pred(r) for r in self.lines()):
                return time.time()
            time.sleep(0.01)
        return None

    def wait_log(self, text, count=1, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            if self.stderr().count(text) >= count:
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        """SIGTERM; the seconds it took to exit (None: killed after 10 s)."""
        t = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        check(rc == 0, f"exit status {rc}")
        return time.time() - t


def urgent_after_publish(srv, pl, port, body=b"update"):
    """Makes the feed's first item urgent in a new version, publishes, and
    returns the seconds from the publish to its slide (None: not seen)."""
    srv.control("urgent=1")
    v = srv.bump()
    t = time.time()
    mqtt_broker.publish(port, TOPIC, body)
    seen = pl.wait_line(lambda r: r[2] == f"v{v}-item1", 10)
    return seen and seen - t


def test_push(srv, broker, tmp):
    pl = Player(tmp, "push", srv.base + "/feed.json",
                f"mqtt_url = mqtt://127.0.0.1:{broker.port}\n")
    try:
        first = srv.stats()["version"]
        check(pl.wait_line(lambda r: r[2].startswith(f"v{first}-"), 15), "first feed shown")
        check(pl.wait_log("push: connected to"), "connected to the broker")
        time.sleep(0.5)  # the SUBACK follows the CONNACK
        took = urgent_after_publish(srv, pl, broker.port)
        check(took is not None and took < 2, f"urgent slide {took} s after the publish")

        # A burst of 50 messages: two fetches (at once, and one for those
        # that came in the next 0.5 s), not 50.
        before = srv.stats()["counts"].get("/feed.json", 0)
        mqtt_broker.publish(broker.port, TOPIC, b"burst", count=50)
        time.sleep(2)
        fetches = srv.stats()["counts"].get("/feed.json", 0) - before
        check(1 <= fetches <= 2, f"a burst of 50 messages made {fetches} fetches")

        # A 1 MiB binary body is a wake-up like any other, never logged.
        marker = b"NEVER-LOGGED-MARKER"
        body = (marker + bytes(range(256))) * ((1 << 20) // 275)
        took = urgent_after_publish(srv, pl, broker.port, body)
        check(took is not None and took < 2, f"huge body: urgent slide {took} s later")
        check(marker.decode() not in pl.stderr(), "the message body was logged")

        # The broker killed: the rotation goes on; back: reconnect, push works.
        broker.kill()
        n = len(pl.lines())
        time.sleep(4)
        check(len(pl.lines()) >= n + 3, f"{len(pl.lines()) - n} slides in 4 s without broker")
        check(pl.proc.poll() is None, "player alive without its broker")
        broker.start()
        check(pl.wait_log("push: connected to", 2, timeout=20), "reconnected after restart")
        check("lost the connection" in pl.stderr(), "the lost connection was logged")
        time.sleep(0.5)
        took = urgent_after_publish(srv, pl, broker.port)
        check(took is not None and took < 2, f"after the restart: urgent slide {took} s later")
    finally:
        t = pl.stop()
    check(t is not None and t < 3, f"exit took {t} s")
    srv.control("urgent=0")


def test_reload(srv, broker, tmp):
    """A config reloaded with another mqtt_url: the player moves to the new
    broker, and a publish there wakes it."""
    other = mqtt_broker.Broker(os.path.join(tmp))
    pl = Player(tmp, "reload", srv.base + "/feed.json",
                f"mqtt_url = mqtt://127.0.0.1:{broker.port}\n")
    try:
        check(pl.wait_log(f"push: connected to mqtt://127.0.0.1:{broker.port}"), "first broker")
        # The config's watch starts after the content: a slide shown means
        # the loop runs, so the watch is on.
        check(pl.wait_line(lambda r: True, 15), "first slide shown")
        with open(pl.ini) as f:
            text = f.read()
        with open(pl.ini + ".new", "w") as f:
            f.write(text.replace(f":{broker.port}", f":{other.port}"))
        os.rename(pl.ini + ".new", pl.ini)
        check(pl.wait_log(f"push: connected to mqtt://127.0.0.1:{other.port}"),
              f"not moved to the new broker: {pl.stderr()[-400:]}")
        time.sleep(0.5)
        took = urgent_after_publish(srv, pl, other.port)
        check(took is not None and took < 2,
              f"after the reload: urgent slide {took} s later: {pl.stderr()[-1500:]}")
    finally:
        pl.stop()
        other.stop()
    srv.control("urgent=0")


def silent_broker():
    """A TCP server that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []

    def run():
        while True:
            try:
                held.append(sock.accept()[0])
            except OSError:
                return
    threading.Thread(target=run, daemon=True).start()
    return sock, held


def test_silent_broker(srv, tmp):
    """The player keeps rotating and polling (every 5 s here) and exits at once."""
    sock, held = silent_broker()
    port = sock.getsockname()[1]
    feed = srv.base + "/mode/ok.json"
    pl = Player(tmp, "silent", feed, f"mqtt_url = mqtt://127.0.0.1:{port}\n",
                "poll_interval = 5\n")
    try:
        check(pl.wait_line(lambda r: True, 15), "first slide shown")
        before = srv.stats()["counts"].get("/mode/ok.json", 0)
        n = len(pl.lines())
        time.sleep(11)
        polls = srv.stats()["counts"].get("/mode/ok.json", 0) - before
        check(polls >= 2, f"{polls} polls in 11 s with a silent broker")
        check(len(pl.lines()) >= n + 8, f"{len(pl.lines()) - n} slides in 11 s")
        check(len(held) >= 1, "the player never connected to the silent broker")
        check("push: connected" not in pl.stderr(), "connected to a broker that never answered")
    finally:
        t = pl.stop()
        sock.close()
    check(t is not None and t < 3, f"exit with a silent broker took {t} s")


def make_certs(d):
    """A CA and a server certificate for DNS name localhost (not the IP),
    and a second CA that signed nothing here."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    for ca in ("ca", "wrong"):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
            "-out", f"{ca}.crt", "-days", "2", "-subj", f"/CN={ca} test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
        "-subj", "/CN=localhost")
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "srv.crt", "-days", "2", "-extfile", "ext")
    return tuple(os.path.join(d, n) for n in ("ca.crt", "srv.crt", "srv.key", "wrong.crt"))


def test_tls(srv, tmp):
    if not shutil.which("openssl"):
        print("TLS part skipped: no openssl")
        return
    d = os.path.join(tmp, "tls")
    os.makedirs(d)
    ca, crt, key, wrong = make_certs(d)
    broker = mqtt_broker.Broker(d, tls=(ca, crt, key))
    cases = [("tls-good", "localhost", ca), ("tls-wrongca", "localhost", wrong),
             ("tls-wronghost", "127.0.0.1", ca)]
    players = {name: Player(tmp, name, srv.base + "/feed.json",
                            f"mqtt_url = mqtts://{host}:{broker.tls_port}\n",
                            f"ca_file = {ca_file}\n")
               for name, host, ca_file in cases}
    try:
        good = players["tls-good"]
        check(good.wait_log("push: connected to mqtts://localhost"), "mqtts with ca_file")
        for name in ("tls-wrongca", "tls-wronghost"):
            check(players[name].wait_log("certificate verify failed"),
                  f"{name}: no verify failure logged: {players[name].stderr()[-300:]}")
        time.sleep(0.5)
        took = urgent_after_publish(srv, good, broker.port)
        check(took is not None and took < 2, f"mqtts: urgent slide {took} s later")
        for name in ("tls-wrongca", "tls-wronghost"):
            check("push: connected" not in players[name].stderr(), f"{name} connected")
    finally:
        for pl in players.values():
            pl.stop()
        broker.stop()
    srv.control("urgent=0")


def main():
    if not mqtt_broker.MOSQUITTO:
        print("skipped: no mosquitto broker (apt-get install mosquitto)")
        return 77
    tmp = tempfile.mkdtemp(prefix="signage-push-")
    srv = FeedServer()
    broker = mqtt_broker.Broker(tmp)
    try:
        test_push(srv, broker, tmp)
        test_reload(srv, broker, tmp)
        test_silent_broker(srv, tmp)
        test_tls(srv, tmp)
    finally:
        broker.stop()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return testlib.done("player_push")


if __name__ == "__main__":
    sys.exit(main())
