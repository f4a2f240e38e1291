"""tests/http_server.py as a child process, driven through its control
endpoint (the push test and benchmark use it)."""
import json
import os
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class FeedServer:
    def __init__(self, lifetime=300):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "http_server.py"), "--stdin-stop",
             "--lifetime", str(lifetime)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base = "http://127.0.0.1:%d" % int(self.proc.stdout.readline().split()[1])

    def control(self, query):
        urllib.request.urlopen(f"{self.base}/control?{query}", timeout=10).read()

    def stats(self):
        return json.loads(urllib.request.urlopen(self.base + "/control/stats",
                                                 timeout=10).read())

    def bump(self):
        """A new version of the feed; its number."""
        self.control("bump=1")
        return int(self.stats()["version"])

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
