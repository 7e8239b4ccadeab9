#!/usr/bin/env python3
"""mermaid-cli, counted: the ``mermaid_cmd`` that tools/bench.py gives its builds.

Each run of mermaid-cli starts one browser.  This wrapper appends one line to
the file named by ``BENCH_MMDC_COUNTER`` when mermaid-cli starts and one when
it ends (with how long it took), then exits with mermaid-cli's own status, so
the benchmark can say how many browsers a build started and how long they ran.
The real mermaid-cli is ``BENCH_MMDC_REAL``, or this checkout's
``node_modules/.bin/mmdc``.  Without ``BENCH_MMDC_COUNTER`` it only runs mermaid-cli.
It does not change what mermaid-cli renders: the arguments pass through unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _note(counter: str, line: str) -> None:
    # One write of one short line in append mode: whole lines, even from parallel builds.
    with open(counter, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def main(argv: list[str]) -> int:
    real = os.environ.get("BENCH_MMDC_REAL") or str(ROOT / "node_modules" / ".bin" / "mmdc")
    counter = os.environ.get("BENCH_MMDC_COUNTER")
    if not counter:
        os.execv(real, [real, *argv])
    fmt = argv[argv.index("--outputFormat") + 1] if "--outputFormat" in argv[:-1] else "?"
    started = time.monotonic()
    _note(counter, f"start pid={os.getpid()} format={fmt}")
    code = subprocess.run([real, *argv], check=False).returncode
    _note(counter, f"end pid={os.getpid()} format={fmt} seconds={time.monotonic() - started:.3f} status={code}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
