"""What every Python test here shares: checks that count, and the closing
line CTest logs ("NAME: N passed, M failed")."""
import functools
import http.server
import struct
import sys
import threading
import zlib

checks = failures = 0


def check(cond, what):
    """Counts a check; a failed one is reported on stderr, and the test goes on."""
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print(f"check failed: {what}", file=sys.stderr)


def done(name):
    """Prints the closing line; returns the exit status for main()."""
    print(f"{name}: {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


def png(w, h, rgb):
    """A w x h PNG of one colour, made here (no image library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without a log line per request."""

    def log_message(self, *args):
        pass


def serve(directory, handler=QuietHandler):
    """An HTTP server for directory on a free port of 127.0.0.1, on a thread."""
    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=directory))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv
