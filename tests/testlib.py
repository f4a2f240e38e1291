"""What every Python test here shares: checks that count, and the closing
line CTest logs ("NAME: N passed, M failed")."""
import sys

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
