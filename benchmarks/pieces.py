"""``python -m benchmarks.pieces [--only NAME] [--rounds N]``: region proofs, paired.

Every case of :mod:`benchmarks.matrix`, checked in one process alternately with the
region proofs of :mod:`sphinx_vcr.core.checking.pieces` off (every probe evaluated in
150 digits) and on, so that both figures of a row share the machine's load. Prints a
Markdown table of median CPU seconds and whether the outcomes agree.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np

from sphinx_vcr.core.checking import pieces

from .matrix import CASES, check


def _everything(self: pieces.Proofs, cells: object, points: np.ndarray) -> np.ndarray:
    return np.ones(len(points), dtype=bool)  # no probe proven: all evaluated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="cases whose name contains this")
    args = parser.parse_args()
    names = [name for name in CASES if args.only in name]
    proving = pieces.Proofs.unproven
    for name in names[:2]:
        check(name, "warm-up")
    print("| identity | off CPU s | on CPU s | ratio on/off | outcome |")
    print("| --- | ---: | ---: | ---: | --- |")
    totals = [0.0, 0.0]
    try:
        for name in names:
            seconds: dict[bool, list[float]] = {False: [], True: []}
            seen = {}
            for k in range(args.rounds):
                for on in (False, True):
                    pieces.Proofs.unproven = proving if on else _everything
                    cpu, _, outcome = check(name, f"round {k}")
                    seconds[on].append(cpu)
                    seen[on] = (outcome.status, outcome.exact, outcome.mistake)
            off, on = (statistics.median(seconds[b]) for b in (False, True))
            totals[0] += off
            totals[1] += on
            same = "same" if seen[False] == seen[True] else f"DIFFERENT: {seen}"
            print(f"| {name} | {off:.2f} | {on:.2f} | {on / off:.2f} | {same} |", flush=True)
    finally:
        pieces.Proofs.unproven = proving
    print(f"| all {len(names)} | {totals[0]:.2f} | {totals[1]:.2f} | "
          f"{totals[1] / totals[0]:.2f} | |")


if __name__ == "__main__":
    main()
