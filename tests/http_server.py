#!/usr/bin/env python3
"""A feed server for tests that misbehaves on demand.

Listens on 127.0.0.1 (port 0 = a free one unless --port) and prints
"PORT <n>" as its first line on stdout. Stops after --lifetime seconds
(default 300) or when its stdin closes (--stdin-stop), so it never outlives
a test that crashed.

/feed.json behaves as the current mode says (default "ok"); the control
endpoint changes the mode and the feed's version:
  /control?mode=<mode>     set the mode of /feed.json
  /control?bump=1          new version: new body, new ETag and Last-Modified
  /control?images=<a,b>    images of the feed's first items (default good.png):
                           a name under /img/, or raw:<string> used as is;
                           the feed has 3 items, or one per image if more
  /control?urgent=1        the feed's first item is urgent (0: none is)
  /control/stats           JSON: requests per path, 304s and gzipped bodies
                           sent, version, mode, the last User-Agent and Host,
                           requests that carried an X-Injected header, and
                           when (Unix time, float) each version of /feed.json
                           was first served with a 200 ("served", by version)
A request in proxy form (GET http://any.host/path) is served as /path, so
the server doubles as an HTTP proxy for tests of http_proxy.

With --tls DIR it also serves HTTPS on a second port with a self-signed
certificate for 127.0.0.1 made by openssl in DIR, and prints
"TLS <port> <cert file>" as its second line ("TLS 0 -" without openssl).
/mode/<mode>.json serves one mode whatever the current one is.

Modes:
  ok         200 + ETag + Last-Modified, 304 when If-None-Match or
             If-Modified-Since matches; gzip when the client accepts it
  novalid    200 without validators (identical bytes each time)
  500, 404   that status with an HTML body
  stall      headers and half the body, then nothing for 20 s
  truncated  Content-Length says more than is sent, then the close
  huge       100 MiB body with Content-Length (streamed, never held)
  hugestream 100 MiB body without Content-Length (close-delimited)
  gzipbomb   100 KiB of gzip that inflates to 100 MiB of spaces
  invalid    200 with a body that is not JSON
  notfeed    200 with valid JSON that is not a JSON Feed
  redirect   302 to file:///etc/passwd
  tohttp     302 to /mode/ok.json on the plain http port (a downgrade when
             asked over https)
  tohttps    302 to /mode/ok.json on the https port
  crlfetag   the good feed with 'ETag: "abc"<CR>X-Injected: 1' (a CR inside
             the value), never 304
  guid       a valid JSON Feed whose items have "guid" instead of "id"
  empty      a valid JSON Feed with "items": []
  html       the good feed served as text/html
  slowok     the good feed, after a 3 s delay before the headers

Images (under /img/):
  good.png         a real 64x48 PNG
  good2.png        a real 32x32 PNG
  notimage.png     HTML served as image/png
  bomb.png         a valid-looking 30000x30000 PNG of a few hundred bytes
  htmltype.png     the good PNG served as text/html
  missing.png      404
  flaky.png        503 for the first two requests, then a real PNG
  hang*.png        200 and headers, then nothing for 60 s (any name
                   starting with "hang", so each is a URL of its own)
  slow*.png        the good PNG after a 1 s delay
  tohttp.png       302 to /img/good.png on the plain http port
"""

import argparse
import gzip
import json
import os
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = {
    "mode": "ok",
    "version": 1,
    "images": ["good.png"],
    "counts": {},
    "not_modified": 0,
    "gzipped": 0,
    "flaky": 0,
    "user_agent": "",
    "last_host": "",
    "urgent": False,
    "injected": 0,
    "served": {},
    "port": 0,
    "tls_port": 0,
    "lock": threading.Lock(),
    "stopping": threading.Event(),
}


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def make_png(w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) +
            png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def make_bomb_png(w, h):
    # The header claims w x h; the IDAT holds only a few rows' worth.
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


GOOD_PNG = make_png(64, 48, (200, 40, 40))
GOOD2_PNG = make_png(32, 32, (40, 200, 40))
BOMB_PNG = make_bomb_png(30000, 30000)


_BOMB = []


_BOMB_LOCK = threading.Lock()


def gzip_bomb():
    """100 MiB of spaces, gzipped in pieces so it is never held whole. Made
    once, under a lock of its own so that other requests are not held up."""
    with _BOMB_LOCK:
        if not _BOMB:
            z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip wrapper
            chunk = b" " * (1 << 20)
            parts = [z.compress(chunk) for _ in range(100)]
            parts.append(z.flush())
            _BOMB.append(b"".join(parts))
        return _BOMB[0]


def feed_body(version, base, images, urgent=False):
    items = []
    for i in range(max(3, len(images))):
        item = {
            "id": "v%d-item%d" % (version, i + 1),
            "title": "第%d版 消息%d" % (version, i + 1),
            "content_text": "社区中心通知：第%d版第%d条。" % (version, i + 1),
        }
        if i < len(images) and images[i].startswith("raw:"):
            item["image"] = images[i][4:]
        elif i < len(images) and images[i]:
            item["image"] = base + "/img/" + images[i]
        if urgent and i == 0:
            item["_signage"] = {"priority": "urgent"}
        items.append(item)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Test feed v%d" % version,
        "items": items,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def last_modified(version):
    # One fixed second per version, so If-Modified-Since can match exactly.
    return formatdate(1700000000 + version * 3600, usegmt=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "test-feed-server"

    def log_message(self, fmt, *args):
        if os.environ.get("HTTP_SERVER_VERBOSE"):
            sys.stderr.write("http_server: " + fmt % args + "\n")

    def count(self, path):
        with STATE["lock"]:
            STATE["counts"][path] = STATE["counts"].get(path, 0) + 1

    def send(self, status, body, ctype="application/feed+json", headers=None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        self.count(url.path)
        if not url.path.startswith("/control"):
            with STATE["lock"]:
                STATE["user_agent"] = self.headers.get("User-Agent") or ""
                STATE["last_host"] = self.headers.get("Host") or ""
                STATE["injected"] += self.headers.get("X-Injected") is not None
        try:
            if url.path == "/control":
                return self.control(parse_qs(url.query))
            if url.path == "/control/stats":
                with STATE["lock"]:
                    stats = {k: STATE[k] for k in
                             ("counts", "not_modified", "gzipped", "version", "mode",
                              "user_agent", "last_host", "injected", "served")}
                return self.send(200, json.dumps(stats).encode(), "application/json")
            if url.path == "/feed.json":
                return self.serve_mode(STATE["mode"])
            if url.path.startswith("/mode/") and url.path.endswith(".json"):
                return self.serve_mode(url.path[6:-5])
            if url.path.startswith("/img/"):
                return self.serve_image(url.path[5:])
            self.send(404, b"<html>not found</html>", "text/html")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def control(self, q):
        with STATE["lock"]:
            if "mode" in q:
                STATE["mode"] = q["mode"][0]
            if "bump" in q:
                STATE["version"] += 1
            if "images" in q:
                STATE["images"] = q["images"][0].split(",")
            if "urgent" in q:
                STATE["urgent"] = q["urgent"][0] == "1"
        self.send(200, b"ok\n", "text/plain")

    def base(self):
        return "http://%s:%d" % self.server.server_address[:2]

    def serve_ok(self, validators=True):
        with STATE["lock"]:
            version, images = STATE["version"], list(STATE["images"])
            urgent = STATE["urgent"]
        body = feed_body(version, self.base(), images, urgent)
        etag = '"v%d"' % version
        lm = last_modified(version)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if validators and (inm == etag or (inm is None and ims == lm)):
            with STATE["lock"]:
                STATE["not_modified"] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        with STATE["lock"]:
            STATE["served"].setdefault(str(version), time.time())
        headers = {"ETag": etag, "Last-Modified": lm} if validators else {}
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            with STATE["lock"]:
                STATE["gzipped"] += 1
        self.send(200, body, headers=headers)

    def serve_mode(self, mode):
        if mode == "ok":
            return self.serve_ok()
        if mode == "novalid":
            return self.serve_ok(validators=False)
        if mode in ("500", "404"):
            return self.send(int(mode), b"<html><body>error</body></html>", "text/html")
        if mode == "invalid":
            return self.send(200, b'{"version": "https://jsonfeed.org/version/1.1", "ti')
        if mode == "notfeed":
            return self.send(200, b'{"hello": "world", "items": 3}', "application/json")
        if mode == "redirect":
            return self.redirect("file:///etc/passwd")
        if mode == "tohttp":
            return self.redirect("http://127.0.0.1:%d/mode/ok.json" % STATE["port"])
        if mode == "tohttps":
            return self.redirect("https://127.0.0.1:%d/mode/ok.json" % STATE["tls_port"])
        if mode == "crlfetag":
            body = feed_body(STATE["version"], self.base(), STATE["images"])
            return self.send(200, body, headers={"ETag": '"abc"\rX-Injected: 1'})
        if mode in ("guid", "empty"):
            doc = json.loads(feed_body(STATE["version"], self.base(), STATE["images"]))
            for item in doc["items"]:
                item["guid"] = item.pop("id")
            if mode == "empty":
                doc["items"] = []
            return self.send(200, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        if mode == "html":
            body = feed_body(STATE["version"], self.base(), STATE["images"])
            return self.send(200, body, "text/html; charset=utf-8")
        if mode == "slowok":
            time.sleep(3)
            return self.serve_ok()
        if mode in ("stall", "truncated"):
            return self.serve_partial(mode == "stall")
        if mode == "gzipbomb":
            return self.send(200, gzip_bomb(), "application/json",
                             {"Content-Encoding": "gzip"})
        if mode in ("huge", "hugestream"):
            return self.serve_huge(mode == "huge")
        return self.send(404, b"<html>no such mode</html>", "text/html")

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def serve_partial(self, stall):
        body = feed_body(STATE["version"], self.base(), STATE["images"])
        self.send_response(200)
        self.send_header("Content-Type", "application/feed+json")
        self.send_header("Content-Length", str(len(body) + (0 if stall else 1000)))
        self.send_header("ETag", '"partial"')
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if stall else body)
        self.wfile.flush()
        if stall:
            STATE["stopping"].wait(20)
        self.close_connection = True

    def serve_huge(self, with_length):
        total = 100 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b" " * 65536
        sent = 0
        while sent < total and not STATE["stopping"].is_set():
            self.wfile.write(chunk)
            sent += len(chunk)
        self.close_connection = True

    def serve_image(self, name):
        if name == "good.png":
            return self.send(200, GOOD_PNG, "image/png")
        if name == "good2.png":
            return self.send(200, GOOD2_PNG, "image/png")
        if name == "notimage.png":
            return self.send(200, b"<html><body>not an image</body></html>", "image/png")
        if name == "flaky.png":
            with STATE["lock"]:
                STATE["flaky"] += 1
                fail = STATE["flaky"] <= 2
            if fail:
                return self.send(503, b"<html>busy</html>", "text/html")
            return self.send(200, GOOD2_PNG, "image/png")
        if name == "bomb.png":
            return self.send(200, BOMB_PNG, "image/png")
        if name == "htmltype.png":
            return self.send(200, GOOD_PNG, "text/html")
        if name.startswith("hang"):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.flush()
            STATE["stopping"].wait(60)
            self.close_connection = True
            return None
        if name.startswith("slow"):
            time.sleep(1)
            return self.send(200, GOOD_PNG, "image/png")
        if name == "tohttp.png":
            return self.redirect("http://127.0.0.1:%d/img/good.png" % STATE["port"])
        return self.send(404, b"<html>no image</html>", "text/html")


def start_tls(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                     daemon=True).start()
    return srv, cert


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--stdin-stop", action="store_true",
                    help="exit when standard input reaches end of file")
    ap.add_argument("--tls", metavar="DIR",
                    help="also serve HTTPS with a self-signed certificate made in DIR")
    ap.add_argument("--write-bomb", metavar="FILE",
                    help="write the 30000x30000 PNG to FILE and exit")
    args = ap.parse_args()
    if args.write_bomb:
        with open(args.write_bomb, "wb") as f:
            f.write(BOMB_PNG)
        return
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    STATE["port"] = server.server_address[1]
    # The gzip bomb takes a while to make: not inside a request's deadline.
    threading.Thread(target=gzip_bomb, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    servers = [server]
    if args.tls:
        tls = start_tls(args.tls)
        if tls:
            STATE["tls_port"] = tls[0].server_address[1]
            servers.append(tls[0])
            print("TLS %d %s" % (tls[0].server_address[1], tls[1]), flush=True)
        else:
            print("TLS 0 -", flush=True)

    def stop():
        STATE["stopping"].set()
        for srv in servers:
            srv.shutdown()

    threading.Timer(args.lifetime, stop).start()
    if args.stdin_stop:
        def watch():
            sys.stdin.read()
            stop()
        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever(poll_interval=0.1)
    os._exit(0)


if __name__ == "__main__":
    main()
