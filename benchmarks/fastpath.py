"""``python -m benchmarks.fastpath [--rounds N] [--write FILE]``: SymPy against symengine.

Issue 15 asks for a fast symbolic path chosen on measurements. This measures, on the
expressions the benchmarks' directives produce (the worked chapter, the Cookbook cases
of :mod:`benchmarks.matrix`, the templates of :mod:`benchmarks.projects`), each stage of
a check in both backends of :mod:`sphinx_vcr.core.symbolic`, at the default sizes 1-3:

- **evaluate**: the directive's tree to values (a derivation's forms, with their
  ``diff()``), by :func:`~sphinx_vcr.core.symbolic.instances.evaluate_on`;
- **diff**: the Jacobian of the output by the ``:wrt:`` symbols;
- **zero**: the exact test, expansion to zero: of each form minus the next for a
  derivation, of each Jacobian entry for the other directives (those without an
  inverse: see :func:`_expandable`);
- **subs**: each Jacobian entry (a derivation's forms) at a rational point, exactly;
- **compile**: one numeric function of all those entries: SymPy's ``lambdify``
  (NumPy, as :mod:`sphinx_vcr.core.checking.numeric`) against symengine's ``Lambdify``
  with its ``lambda`` and its ``llvm`` backend; **call**: that function at 5 points;
- **import**: ``import sympy`` / ``import symengine`` in a fresh interpreter.

Every case starts without SymPy's cache (a build's directives are distinct). Within a
round the two backends alternate case by case; each ratio is the median over rounds
of the ratio within a round. CPU time, since the machine is shared. It prints a table
and, with ``--write``, writes it below the marker line of that file, keeping what
precedes it (``benchmarks/FASTPATH.md``: the reading of a run, then the run).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import symengine
import sympy

from benchmarks.matrix import CASES
from benchmarks.projects import DOCS, TEMPLATES, directive_text
from sphinx_vcr.core.calculus.instance import cases, vec_entries
from sphinx_vcr.core.errors import VcrError
from sphinx_vcr.core.language.problem import Problem, build_problem
from sphinx_vcr.core.language.scan import directives
from sphinx_vcr.core.symbolic import Backend, Unsupported, backend
from sphinx_vcr.core.symbolic.instances import Evaluated, evaluate_on

SIZES = (1, 2, 3)
POINTS = 5
STAGES = ("evaluate", "diff", "zero", "subs", "compile", "call")
#: The compilers of the compile stage: SymPy's, symengine's lambda and llvm backends.
COMPILERS = ("sympy lambdify", "symengine lambda", "symengine llvm")


def corpus() -> dict[str, list[tuple[str, Problem]]]:
    """The problems of each corpus (those that parse; claims kept, though unused)."""
    chapter = (DOCS / "chapter" / "vector-chain-rule.zh.rst").read_text(encoding="utf8")
    found = {"chapter": [(f.kind, f.argument, f.content, f.options)
                         for f in directives(chapter)]}
    found["matrix"] = [(kind, "" if kind == "derivation" else body,
                        [body, options["steps"]] if kind == "derivation" else [],
                        {k: v for k, v in options.items() if k != "steps"})
                       for kind, body, options in CASES.values()]
    project = "".join(directive_text(t, 3 + k, 5 + k) for k, t in enumerate(TEMPLATES))
    found["projects"] = [(f.kind, f.argument, f.content, f.options)
                         for f in directives(project)]
    problems: dict[str, list[tuple[str, Problem]]] = {}
    for name, items in found.items():
        problems[name] = []
        for kind, argument, content, options in items:
            # A page's deliberate errors (the chapter shows some) are left out.
            with contextlib.suppress(VcrError):
                problems[name].append((kind, build_problem(kind, argument, content,
                                                           dict(options))))
    return problems


def _cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def _point(symbols: list[Any], side: Backend) -> dict[Any, Any]:
    return {s: side.rational(k + 2, 7) for k, s in enumerate(symbols)}


def stages(side: Backend, problem: Problem) -> dict[str, float]:
    """CPU seconds of each stage for one problem at every size (raises Unsupported)."""
    times: dict[str, float] = defaultdict(float)
    if side.name == "sympy":
        sympy.core.cache.clear_cache()
    for case in cases(problem, SIZES, seed=0):
        seconds, evaluated = _cpu(lambda case=case: evaluate_on(side, problem, case))
        times["evaluate"] += seconds
        seconds, matrix = _cpu(lambda e=evaluated: e.jacobian())
        times["diff"] += seconds
        entries = [entry for row in matrix for entry in row]
        times["zero"] += _cpu(lambda e=evaluated, n=entries: _zero(side, e, n))[0]
        # A derivation has no Jacobian: its forms are what the numbers check.
        numeric = entries or [e for step in evaluated.steps for e in vec_entries(step)]
        symbols = _symbols(numeric)
        point = _point(symbols, side)
        times["subs"] += _cpu(lambda n=numeric, p=point: [side.subs(e, p) for e in n])[0]
        if not symbols:
            continue  # constants: nothing to compile
        values = [[0.3 + 0.1 * k + 0.01 * i for i in range(len(symbols))]
                  for k in range(POINTS)]
        for label, compiler in _compilers(side):
            seconds, fn = _cpu(lambda c=compiler, n=numeric, s=symbols: c(n, s))
            times[f"compile, {label}"] += seconds
            times[f"call, {label}"] += _cpu(lambda f=fn, v=values: [f(p) for p in v])[0]
    return times


def _zero(side: Backend, evaluated: Evaluated, entries: list[Any]) -> list[bool]:
    if len(evaluated.steps) > 1:
        return [side.is_zero(a - b) for first, second in zip(evaluated.steps,
                                                              evaluated.steps[1:])
                for a, b in zip(vec_entries(first), vec_entries(second))
                if _expandable(side, a - b)]
    return [side.is_zero(e) for e in entries if _expandable(side, e)]


def _expandable(side: Backend, expr: Any) -> bool:
    """Whether ``expr`` has no negative power of a sum (a determinant's, as in every
    inverse): the entries an exact comparison expands. SymPy's ``expand`` of an
    inverse's derivative at size 3 takes minutes, and the pipeline decides those
    otherwise (numerically, or by the polynomial route of issue 13)."""
    lib = sympy if side.name == "sympy" else symengine
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, lib.Pow) and isinstance(node.args[0], lib.Add) \
                and node.args[1].is_Number and node.args[1] < 0:
            return False
        pending.extend(node.args)
    return True


def _symbols(entries: list[Any]) -> list[Any]:
    """Every symbol of the entries, in a fixed order."""
    found: dict[str, Any] = {}
    for entry in entries:
        for symbol in entry.free_symbols:
            found.setdefault(str(symbol), symbol)
    return [found[name] for name in sorted(found)]


def _compilers(side: Backend) -> list[tuple[str, Callable[[list, list], Any]]]:
    """(label, compile(exprs, symbols)) of each compiler for ``side``."""
    if side.name == "sympy":
        return [("sympy lambdify", lambda exprs, symbols: sympy.lambdify(
            [symbols], exprs, modules="numpy"))]
    return [(f"symengine {name}", lambda exprs, symbols, name=name: symengine.Lambdify(
        symbols, exprs, backend=name)) for name in ("lambda", "llvm")]


def measure(rounds: int) -> tuple[dict[str, dict[str, list[float]]], dict[str, int]]:
    """Per corpus, per "stage|backend": the total CPU seconds of each round; and per
    corpus how many problems the fast path took (the others need SymPy)."""
    sides = [backend("sympy"), backend("symengine")]
    problems = corpus()
    totals: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in problems}
    taken: dict[str, int] = {}
    for _round in range(rounds):
        for name, items in problems.items():
            sums: dict[str, float] = defaultdict(float)
            count = 0
            for _kind, problem in items:
                try:
                    fast = stages(sides[1], problem)
                except Unsupported:
                    continue
                count += 1
                for stage, seconds in fast.items():
                    sums[f"{stage}|symengine"] += seconds
                for stage, seconds in stages(sides[0], problem).items():
                    sums[f"{stage}|sympy"] += seconds
            taken[name] = count
            for key, seconds in sums.items():
                totals[name][key].append(seconds)
    return totals, {**taken, **{f"{n} (all)": len(p) for n, p in problems.items()}}


def import_seconds(module: str, runs: int = 5) -> float:
    """Median wall seconds of a fresh interpreter importing ``module``, less a bare
    interpreter's start."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start
    times = []
    for _run in range(runs):
        bare = run("pass")
        times.append(run(f"import {module}") - bare)
    return statistics.median(times)


def import_time_self(module: str) -> float:
    """The cumulative import time ``python -X importtime`` reports for ``module``."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                            capture_output=True, text=True, check=True)
    for line in result.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    return float("nan")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _ratio(sympy_rounds: list[float], fast_rounds: list[float]) -> str:
    ratios = [a / b for a, b in zip(sympy_rounds, fast_rounds) if b > 0]
    return f"{statistics.median(ratios):.1f}x" if ratios else "-"


def table(totals: dict[str, dict[str, list[float]]], taken: dict[str, int]) -> str:
    rows = ["| corpus | stage | SymPy ms | symengine ms | SymPy / symengine |",
            "|---|---|---:|---:|---:|"]
    for name, keys in totals.items():
        for stage in ("evaluate", "diff", "zero", "subs"):
            a, b = keys[f"{stage}|sympy"], keys[f"{stage}|symengine"]
            rows.append(f"| {name} | {stage} | {_ms(statistics.median(a))} | "
                        f"{_ms(statistics.median(b))} | {_ratio(a, b)} |")
        for kind in ("compile", "call"):
            a = keys[f"{kind}, sympy lambdify|sympy"]
            for label in ("symengine lambda", "symengine llvm"):
                b = keys[f"{kind}, {label}|symengine"]
                rows.append(f"| {name} | {kind}: lambdify vs {label} | "
                            f"{_ms(statistics.median(a))} | {_ms(statistics.median(b))} | "
                            f"{_ratio(a, b)} |")
        rows.append(f"| {name} | on the fast path | {taken[f'{name} (all)']} problems | "
                    f"{taken[name]} | |")
    return "\n".join(rows)


def imports() -> str:
    rows = ["| module | import, wall s (fresh interpreter, median of 5) | "
            "-X importtime cumulative s |", "|---|---:|---:|"]
    for module in ("sympy", "symengine", "mpmath", "numpy"):
        rows.append(f"| {module} | {import_seconds(module):.3f} | "
                    f"{import_time_self(module):.3f} |")
    # symengine imports NumPy, which the numeric checks import anyway.
    beyond = import_seconds("numpy, symengine") - import_seconds("numpy")
    rows.append(f"| symengine once NumPy is loaded | {beyond:.3f} | |")
    return "\n".join(rows)


def pipeline(rounds: int) -> str:
    """The whole check of each chapter directive (``pipeline.compute``) with the
    fast path's compilation (``numeric.FAST``) and without, alternating directive by
    directive: CPU seconds in all and the median directive, medians over rounds."""
    from sphinx_vcr.core.checking import numeric
    from sphinx_vcr.core.records import Settings
    from sphinx_vcr.core.running.pipeline import compute

    found = directives((DOCS / "chapter" / "vector-chain-rule.zh.rst").read_text(
        encoding="utf8"))
    per: dict[bool, list[list[float]]] = {True: [], False: []}
    for k in range(rounds + 1):  # round 0 warms up (imports, first compilations)
        times: dict[bool, list[float]] = {True: [], False: []}
        for kind, argument, content, options in found:
            for fast in ((True, False) if k % 2 else (False, True)):
                numeric.FAST = fast
                sympy.core.cache.clear_cache()
                seconds, _ = _cpu(functools.partial(
                    compute, kind, argument, content, options, Settings(),
                    f"{argument}{content}|{k}"))
                times[fast].append(seconds)
        if k:
            for fast in (True, False):
                per[fast].append(times[fast])
    numeric.FAST = True
    rows = ["| chapter, whole checks | SymPy lambdify | symengine Lambdify | ratio |",
            "|---|---:|---:|---:|"]
    for label, reduce in (("total CPU s", sum), ("median directive ms",
                                                 lambda t: 1000 * statistics.median(t))):
        slow = [reduce(t) for t in per[False]]
        quick = [reduce(t) for t in per[True]]
        ratio = statistics.median(a / b for a, b in zip(slow, quick))
        rows.append(f"| {label} | {statistics.median(slow):.2f} | "
                    f"{statistics.median(quick):.2f} | {ratio:.2f}x |")
    return f"{len(found)} directives, {rounds} rounds\n\n" + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", type=Path, help="also write the report to this file")
    parser.add_argument("--pipeline", action="store_true",
                        help="only the chapter's whole checks, with and without the fast "
                             "path's compilation (printed, not written)")
    args = parser.parse_args()
    if args.pipeline:
        print(pipeline(args.rounds))
        return
    totals, taken = measure(args.rounds)
    report = "\n\n".join([
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{platform.machine()}, Python {platform.python_version()}, SymPy "
        f"{sympy.__version__}, symengine {symengine.__version__}; {args.rounds} rounds, "
        "CPU milliseconds summed over each corpus's problems at sizes 1-3 (those the "
        "fast path takes; the others use abstract functions).",
        table(totals, taken), imports()])
    print(report)
    if args.write:
        _write(args.write, report)


#: In the written file, what precedes this line (the reading of the figures) is kept.
MARKER = "<!-- measured by python -m benchmarks.fastpath; below is rewritten -->"


def _write(path: Path, report: str) -> None:
    text = path.read_text(encoding="utf8") if path.exists() else ""
    kept = text.split(MARKER)[0] if MARKER in text else ""
    path.write_text(f"{kept}{MARKER}\n\n{report}\n", encoding="utf8")


if __name__ == "__main__":
    main()
