"""Both analysis benchmarks, each in its own process (so neither model's thread settings or
imports skew the other): `.venv/bin/python -m bench.analysis`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    status = 0
    for part in ("text", "vision"):
        print(f"==> bench.analysis.{part}", flush=True)
        status |= subprocess.call([sys.executable, "-m", f"bench.analysis.{part}"], cwd=ROOT)
    return status


if __name__ == "__main__":
    sys.exit(main())
