"""``python -m benchmarks.derivations [--rounds N]``: a derivation against its directives.

Issue 11 asks that a five-step derivation cost no more than five directives of today.
Each case below is a derivation of five steps and the five directives that check the
same claims one by one (``.. derivative::`` or ``.. gradient::`` with each step as its
``:expect:``). Both are checked by the core directly (the cost of a check, without
Sphinx), uncached, alternating within each round; the figure is the median over the
rounds of the ratio within a round, so drift of the machine cancels out. It prints a
table and writes it to ``benchmarks/DERIVATIONS.md``.
"""

from __future__ import annotations

import datetime
import statistics
import time

from benchmarks.command import table_command
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

#: name -> (derivation options, its lines, the directive kind, its options, the body)
CASES = {
    "product rule, concrete": (
        {}, ["diff(x**2*sin(x), x)", "= diff(x**2, x)*sin(x) + x**2*diff(sin(x), x)",
             "= 2*x*sin(x) + x**2*cos(x)", "= x*(2*sin(x) + x*cos(x))",
             "= 2*x*sin(x) + x**2*cos(x)", "= x**2*cos(x) + 2*sin(x)*x"],
        "derivative", {"wrt": "x"}, "x**2*sin(x)"),
    "dot product by components": (
        {"vars": "w[n], x[n]", "index": "i, j"},
        ["diff(sum(w[i]*x[i], i), w[j])", "= sum(diff(w[i]*x[i], w[j]), i)",
         "= sum(delta(i, j)*x[i], i)", "= diff(w[j]*x[j], w[j])", "= x[j]", "= x[j]*1"],
        "derivative", {"wrt": "w[j]", "vars": "w[n], x[n]", "index": "i, j"},
        "sum(w[i]*x[i], i)"),
    "chain rule, abstract": (
        {"functions": "f, g"},
        ["diff(f(g(x)), x)", "= D(f)(g(x)) * diff(g(x), x)", "= D(f)(g(x)) * D(g)(x)",
         "= D(g)(x) * D(f)(g(x))", "= (D(f)(g(x)) + 0) * D(g)(x)",
         "= D(f)(g(x)) * D(g)(x)"],
        "derivative", {"wrt": "x", "functions": "f, g"}, "f(g(x))"),
}


def _strip(step: str) -> str:
    return step.lstrip("= ").strip()


def _derivation(options: dict, lines: list[str], key: str) -> float:
    start = time.perf_counter()
    outcome = compute("derivation", "", lines, dict(options), Settings(), key)
    elapsed = time.perf_counter() - start
    assert outcome.ok and outcome.claims == len(lines) - 1, outcome.message
    return elapsed


def _directives(kind: str, options: dict, body: str, lines: list[str], key: str) -> float:
    start = time.perf_counter()
    for step in lines[1:]:
        outcome = compute(kind, body, [], {**options, "expect": _strip(step)}, Settings(),
                          key + step)
        assert outcome.ok, outcome.message
    return time.perf_counter() - start


def measure(rounds: int) -> list[tuple[str, float, float, float]]:
    """(case, derivation seconds, five directives' seconds, ratio), medians."""
    rows = []
    for name, (options, lines, kind, directive, body) in CASES.items():
        # A warm-up of each side: the first checks of a process import and compile.
        _derivation(options, lines, f"warm-up {name}")
        _directives(kind, directive, body, lines, f"warm-up {name}")
        derivation, directives, ratios = [], [], []
        for k in range(rounds):
            key = f"{name}|{k}|{time.time_ns()}"  # distinct text: nothing memoised
            one = _derivation(options, lines, key)
            five = _directives(kind, directive, body, lines, key)
            derivation.append(one)
            directives.append(five)
            ratios.append(one / five)
        rows.append((name, statistics.median(derivation), statistics.median(directives),
                     statistics.median(ratios)))
    return rows


def report(rows: list[tuple[str, float, float, float]], rounds: int) -> str:
    lines = [f"## Derivations against directives ({datetime.date.today()}, {rounds} rounds)",
             "", "| case | derivation of 5 steps | 5 directives | ratio |",
             "|---|---|---|---|"]
    lines += [f"| {name} | {one:.3f} s | {five:.3f} s | {ratio:.2f}x |"
              for name, one, five, ratio in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    table_command(__doc__, measure, report, "DERIVATIONS.md", rounds=5)


if __name__ == "__main__":
    main()
