"""A real mosquitto broker on 127.0.0.1 for tests and benchmarks, and a
small MQTT 3.1.1 publisher (so that the tests need only the broker package,
not mosquitto-clients or a Python MQTT library)."""
import getpass
import os
import shutil
import signal
import socket
import struct
import subprocess
import time

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Broker:
    """mosquitto with a config file written here: a plain listener on a free
    port, and a TLS one when tls = (cafile, certfile, keyfile)."""

    def __init__(self, tmp, tls=None, port=None):
        self.dir = tmp
        self.port = port or free_port()
        self.tls_port = free_port() if tls else None
        self.conf = os.path.join(tmp, f"mosquitto-{self.port}.conf")
        self.log = os.path.join(tmp, f"mosquitto-{self.port}.log")
        with open(self.conf, "w") as f:
            # As root, mosquitto drops to the user named here (default
            # "mosquitto", who could not read the test's key file).
            f.write(f"user {getpass.getuser()}\n"
                    f"per_listener_settings false\nallow_anonymous true\n"
                    f"persistence false\nmax_connections -1\n"
                    f"listener {self.port} 127.0.0.1\n")
            if tls:
                f.write(f"listener {self.tls_port} 127.0.0.1\ncafile {tls[0]}\n"
                        f"certfile {tls[1]}\nkeyfile {tls[2]}\n")
        self.proc = None
        self.start()

    def start(self):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf], stdout=log,
                                         stderr=subprocess.STDOUT)
        if not wait_port(self.port):
            raise RuntimeError(f"mosquitto did not listen on {self.port}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def _varint(n):
    out = b""
    while True:
        b, n = n % 128, n // 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def _packet(kind, body):
    return bytes([kind]) + _varint(len(body)) + body


def _string(s):
    return struct.pack(">H", len(s)) + s


def _read(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        data += chunk
    return data


def publish(port, topic, payload, count=1):
    """Publishes payload (bytes) count times on topic at QoS 1 and returns
    once the broker has acknowledged each (PUBACK): the time (time.time())
    the first PUBLISH was sent, after the connection was made."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        cid = f"test-pub-{os.getpid()}-{time.monotonic_ns()}".encode()
        s.sendall(_packet(0x10, _string(b"MQTT") + bytes([4, 0x02]) + struct.pack(">H", 30)
                          + _string(cid)))
        ack = _read(s, 4)
        if ack[0] != 0x20 or ack[3] != 0:
            raise ConnectionError(f"CONNACK {ack.hex()}")
        sent = time.time()
        for i in range(count):
            s.sendall(_packet(0x32, _string(topic.encode()) + struct.pack(">H", i + 1)
                              + payload))
        for _ in range(count):
            if _read(s, 4)[0] != 0x40:
                raise ConnectionError("no PUBACK")
        s.sendall(b"\xe0\x00")
    return sent
