"""``python -m benchmarks.wiring [--rounds N]``: what the index-free form costs a page.

A directive without ``:expect:`` now derives its index-free form once and verifies it at
every size like a claim (:mod:`sphinx_vcr.core.running.derived`). For every such
directive of the worked chapter (``docs/chapter``), this times the whole computation of
its outcome (:func:`sphinx_vcr.core.running.pipeline.compute`, in this process, CPU
time) with the engine and without it (the engine switched off: SymPy's entries, as
before issue 14), alternating within each round, SymPy's cache cleared before each.
Medians over the rounds; it prints a table and writes ``benchmarks/WIRING.md``.
Timings belong in a report, not in assertions.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from pathlib import Path

from sympy.core.cache import clear_cache

from sphinx_vcr.core.language.scan import Found, directives
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import pipeline

HERE = Path(__file__).resolve().parent
CHAPTER = HERE.parent / "docs" / "chapter"
ENGINE = pipeline.index_free
#: The options of a claim.
CLAIM = ("expect", "mistake", "correct", "reason")


def chapter(without_claims: bool) -> list[tuple[str, Found]]:
    """The chapter's directives (not its derivations), with a short label; with
    ``without_claims``, each with its claim taken away (``:expect:`` and what goes with
    it), as an author who writes no claim would have it. The chapter itself claims
    every derivative, so that is where the engine's cost on its content shows."""
    found = []
    for page in sorted(CHAPTER.glob("*.rst")):
        for directive in directives(page.read_text(encoding="utf8")):
            if directive.kind == "derivation":
                continue
            if without_claims:
                options = {k: v for k, v in directive.options.items() if k not in CLAIM}
                directive = directive._replace(options=options)
            text = directive.argument or "; ".join(directive.content)
            found.append((f"{directive.kind}: {text[:48]}", directive))
    return found


def _time(directive: Found, engine: bool) -> tuple[float, str]:
    pipeline.index_free = ENGINE if engine else (lambda problem: None)
    clear_cache()  # neither side may reuse what SymPy memoised in an earlier round
    try:
        start = time.process_time()
        outcome = pipeline.compute(*directive, Settings(), repr(directive))
        return time.process_time() - start, outcome.badge
    finally:
        pipeline.index_free = ENGINE


def measure(rounds: int, without_claims: bool) -> list[tuple[str, float, float, bool]]:
    """(directive, seconds without the engine, with it, whether a form was shown)."""
    rows = []
    for label, directive in chapter(without_claims):
        _time(directive, True)  # warm-up: imports, caches of our own
        before, after, derived = [], [], False
        for _round in range(rounds):
            before.append(_time(directive, False)[0])
            seconds, badge = _time(directive, True)
            after.append(seconds)
            derived = badge.startswith("index-free form derived")
        rows.append((label, statistics.median(before), statistics.median(after), derived))
    return rows


def report(rows: list[tuple[str, float, float, bool]], rounds: int, title: str) -> str:
    lines = [f"## {title}, without and with the index-free engine "
             f"({datetime.date.today()}, {rounds} rounds, CPU time)", "",
             "| directive | engine off (before) | engine on (after) | added | index-free form "
             "shown |",
             "|---|---|---|---|---|"]
    lines += [f"| `{label}` | {b * 1000:.0f} ms | {a * 1000:.0f} ms | "
              f"{(a - b) * 1000:+.0f} ms | {'form' if shown else 'not'} |"
              for label, b, a, shown in rows]
    before = sum(r[1] for r in rows)
    after = sum(r[2] for r in rows)
    added = statistics.median(r[2] - r[1] for r in rows)
    lines += ["", f"{len(rows)} directives, {sum(r[3] for r in rows)} shown index-free: "
              f"{before * 1000:.0f} ms in all before, {after * 1000:.0f} ms after "
              f"({after / before:.2f}x); median added CPU per directive "
              f"{added * 1000:+.0f} ms."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    text = report(measure(args.rounds, True), args.rounds,
                  "The chapter's directives with their claims taken away") + "\n" + \
        report(measure(args.rounds, False), args.rounds,
               "The chapter's directives as written (every one claims its derivative)")
    print(text)
    (HERE / "WIRING.md").write_text(text, encoding="utf8")


if __name__ == "__main__":
    main()
