#!/usr/bin/env python3
"""Golden --layout-dump output for the demo feed.

Runs the built player on config/player.ini at a fixed --now and compares the
dump with tests/data/golden/demo-WxH.json; prints a diff when they differ.
With --update, writes the files instead (after a deliberate layout change:
look at the snapshots, then commit the new goldens with the change)."""
import difflib
import json
import os
import subprocess
import sys

SIZES = ["1920x1080", "1080x1920"]
NOW = "2024-07-02T10:00:00+08:00"


def dump(player, src, size):
    out = subprocess.run(
        [player, "--config", os.path.join(src, "config", "player.ini"),
         "--layout-dump", "--size", size, "--now", NOW],
        check=True, capture_output=True, env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
    return json.dumps(json.loads(out.stdout), ensure_ascii=False, indent=1) + "\n"


def main():
    player = os.environ["SIGNAGE_PLAYER"]
    src = os.environ["SIGNAGE_SOURCE_DIR"]
    update = "--update" in sys.argv
    failed = 0
    for size in SIZES:
        path = os.path.join(src, "tests", "data", "golden", f"demo-{size}.json")
        got = dump(player, src, size)
        if update:
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
            print(f"wrote {path}")
            continue
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if got != want:
            failed += 1
            diff = difflib.unified_diff(want.splitlines(), got.splitlines(),
                                        f"golden {size}", f"now {size}", lineterm="")
            print("\n".join(list(diff)[:80]))
    print(f"golden: {len(SIZES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
