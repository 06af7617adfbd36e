"""The command line every table-writing benchmark shares: ``--rounds``, print, write.

A benchmark module gives its ``measure(rounds)`` and ``report(rows, rounds)``; this runs
them and writes the Markdown table next to the benchmarks, so that each command behaves
the same way and the written file is always the printed one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def table_command(doc: str, measure: Callable[[int], Any],
                  report: Callable[[Any, int], str], filename: str,
                  rounds: int) -> None:
    """Parse ``--rounds`` (default ``rounds``), measure, print and write ``filename``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=rounds)
    args = parser.parse_args()
    text = report(measure(args.rounds), args.rounds)
    print(text)
    (HERE / filename).write_text(text, encoding="utf8")
