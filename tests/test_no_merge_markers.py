"""No file in the repository holds an unresolved merge conflict (a template with markers
renders them as text without failing)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_conflict_markers() -> None:
    found = subprocess.run(
        ["git", "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>) ", "--", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode in (0, 1), found.stderr
    assert not found.stdout, f"merge conflict markers:\n{found.stdout}"
