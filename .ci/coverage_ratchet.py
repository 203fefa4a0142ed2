"""Coverage as a ratchet (STYLE.md): fail when the suite's line coverage falls below the floor in
``.ci/coverage-floor``; raise the floor when coverage rose. The floor never goes down here.

    .venv/bin/python .ci/coverage_ratchet.py [--update]

Reads the data file the suite's ``coverage run`` wrote (.coverage). Without ``--update`` it only
checks (CI); with it, a higher total becomes the new floor (rounded down to 0.1 %), to commit.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import coverage

FLOOR_FILE = Path(__file__).with_name("coverage-floor")
#: Run-to-run variation the check forgives (property-based tests draw other inputs each run).
TOLERANCE = 0.1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="raise the floor if coverage rose")
    args = parser.parse_args()
    cov = coverage.Coverage()
    cov.load()
    total = cov.report(file=open("/dev/null", "w"))  # noqa: SIM115 (only the total is needed)
    floor = float(FLOOR_FILE.read_text().strip()) if FLOOR_FILE.exists() else 0.0
    print(f"line coverage {total:.2f} %, floor {floor:.1f} %")
    if total + TOLERANCE < floor:
        print(
            f"coverage fell below the floor by {floor - total:.2f} points: add tests for the "
            "new or changed code",
            file=sys.stderr,
        )
        return 1
    new_floor = math.floor(total * 10) / 10
    if args.update and new_floor > floor:
        FLOOR_FILE.write_text(f"{new_floor:.1f}\n")
        print(f"floor raised to {new_floor:.1f} % ({FLOOR_FILE}): commit it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
