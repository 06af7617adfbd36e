"""``python -m benchmarks.indexfree [--rounds N]``: index-free derivation against SymPy.

Issue 14 asks that deriving an index-free form take milliseconds, far below SymPy's
per-entry derivative at size 3. For each identity of the corpus
(``tests/core/indexfree_corpus.py``) with a vector or matrix variable, this times
:func:`sphinx_vcr.core.calculus.indexfree.derive` (the form at every size at once,
simplified) against the per-entry route that verification takes today: evaluate the
expression at sizes 1, 2 and 3 and differentiate every entry with SymPy. Medians over
the rounds, alternating within each round; it prints a table and writes
``benchmarks/INDEXFREE.md``. Timings belong in a report, not in assertions.
"""

from __future__ import annotations

import datetime
import statistics
import time

from sympy.core.cache import clear_cache

from benchmarks.command import table_command
from sphinx_vcr.core.calculus.evaluate import Scope
from sphinx_vcr.core.calculus.indexfree import derive
from sphinx_vcr.core.calculus.instance import variable
from tests.core.indexfree_check import declarations, parse, reference
from tests.core.indexfree_corpus import CORPUS

SIZES = (1, 2, 3)


def _engine(expr: str, wrt: str, params: str, layout: str) -> float:
    tree, decls, others = parse(expr), declarations(wrt, "wrt"), declarations(params, "vars")
    clear_cache()  # neither side may reuse what SymPy memoised in an earlier round
    start = time.perf_counter()
    derive(tree, decls, others, layout)
    return time.perf_counter() - start


def _sympy(expr: str, wrt: str, params: str, layout: str) -> float:
    tree, decls, others = parse(expr), declarations(wrt, "wrt"), declarations(params, "vars")
    names = sorted({d for decl in (*decls, *others) for d in decl.dims if isinstance(d, str)})
    clear_cache()
    start = time.perf_counter()
    for size in SIZES:
        sizes = {name: size for name in names}
        values = {d.name: variable(d, sizes) for d in (*decls, *others)}
        reference(tree, decls, Scope(values, sizes), layout)
    return time.perf_counter() - start


def measure(rounds: int) -> list[tuple[str, float, float]]:
    """(identity, engine seconds, SymPy seconds at sizes 1-3), medians."""
    rows = []
    for name, expr, wrt, params, layout, kind in CORPUS:
        if kind == "scalar":
            continue
        _engine(expr, wrt, params, layout)  # warm-up: imports, caches of SymPy
        engine, sympy_route = [], []
        for _round in range(rounds):
            engine.append(_engine(expr, wrt, params, layout))
            sympy_route.append(_sympy(expr, wrt, params, layout))
        rows.append((name, statistics.median(engine), statistics.median(sympy_route)))
    return rows


def report(rows: list[tuple[str, float, float]], rounds: int) -> str:
    lines = [f"## Index-free derivation against SymPy per entry ({datetime.date.today()}, "
             f"{rounds} rounds)", "",
             "| identity | index-free form | SymPy per entry, sizes 1-3 | ratio |",
             "|---|---|---|---|"]
    lines += [f"| {name} | {one * 1000:.1f} ms | {many * 1000:.1f} ms | "
              f"{many / one:.0f}x |" for name, one, many in rows]
    engine = statistics.median(r[1] for r in rows)
    sympy_route = statistics.median(r[2] for r in rows)
    lines += ["", f"Median over the {len(rows)} identities: {engine * 1000:.1f} ms against "
              f"{sympy_route * 1000:.1f} ms; slowest form "
              f"{max(r[1] for r in rows) * 1000:.1f} ms."]
    return "\n".join(lines) + "\n"


def main() -> None:
    table_command(__doc__, measure, report, "INDEXFREE.md", rounds=3)


if __name__ == "__main__":
    main()
