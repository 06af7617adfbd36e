"""The benchmark's peers (benchmarks/peers.py): their generated checks must pass and
fail as the directives do, their pages must build, and RESULTS.md must say when the
peers were not measured. Otherwise the benchmark would compare sphinx-vcr with checks
that are weaker (or broken) rather than equivalent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from benchmarks import peers, run
from sphinx_vcr.core.language.scan import Found
from sphinx_vcr.core.running import verify

HELPERS = Path(peers.__file__).parent


def _found(kind: str, argument: str = "", content: tuple[str, ...] = (),
           **options: str | None) -> Found:
    return Found(kind, argument, list(content), dict(options))


#: Directives, right and wrong, of every kind the benchmark's pages hold.
CASES = [
    _found("derivative", "x**3", wrt="x", expect="3*x**2"),
    _found("derivative", "x**3", wrt="x", expect="3*x**3"),
    _found("derivative", "log(x**2)", wrt="x", expect="2/x + 1/10**12"),  # a tiny constant
    _found("derivative", "x**3", wrt="x", expect="x**2", mistake=None),
    _found("derivative", "x**3", wrt="x", expect="3*x**2", mistake=None),
    _found("gradient", "3*x**2*y", wrt="x, y", expect="[[6*x*y, 3*x**2]]"),
    _found("gradient", "3*x**2*y", wrt="x, y", layout="denominator",
           expect="[6*x*y, 3*x**2]"),
    _found("gradient", "3*x**2*y", wrt="x, y", expect="[6*x*y, 3*x**2]", mistake=None),
    _found("jacobian", "w * x", wrt="w[n]", vars="x[n]", expect="diag(x)"),
    _found("jacobian", "w * x", wrt="w[n]", vars="x[n]", expect="diag(w)"),
    _found("jacobian", "w * x", wrt="w[n]", vars="x[n]", expect="diag(w)", mistake=None,
           correct="diag(x)"),
    _found("gradient", "mean((X @ w - y)**2)", wrt="w[n]", vars="X[N, n], y[N]",
           expect="2/N * (X @ w - y).T @ X"),
    _found("gradient", "mean((X @ w - y)**2)", wrt="w[n]", vars="X[N, n], y[N]",
           expect="2 * (X @ w - y).T @ X"),
    _found("chain-rule", "", ("z = w @ x + b", "a = max(0, z)"), wrt="w[n], b",
           vars="x[n]", where="w @ x + b > 0", expect="[[x.T, 1]]"),
    _found("chain-rule", "", ("z = w @ x + b", "a = max(0, z)"), wrt="w[n], b",
           vars="x[n]", where="w @ x + b < 0", expect="[[x.T, 1]]"),
    _found("derivative", "f(g(x))", wrt="x", functions="f, g",
           expect="D(f)(g(x)) * D(g)(x)"),
    _found("derivative", "f(g(x))", wrt="x", functions="f, g",
           expect="D(f)(x) * D(g)(x)"),
    _found("derivation", "", ("diff(x**2 * x, x)", "= 3*x**2")),
    _found("derivation", "", ("diff(x**2 * x, x)", "= 2*x**2")),
    _found("derivation", "", ("diff(sum(x[i]**2, i), x)", "= 2*x.T"), vars="x[n]",
           index="i"),
    _found("derivation", "", ("diff(w * x, w)", "= diag(w)"), vars="w[n], x[n]",
           mistake=None),
    # The chapter's mistake of shape: a column where numerator layout has a row.
    _found("derivation", "", ("diff(max(0, w @ x + b), w)", "= diff(w @ x + b, w)", "= x"),
           vars="w[n], x[n]", where="w @ x + b > 0", mistake=None),
]


def _run_peer(found: Found) -> bool:
    """The peer's check of ``found``, run as its page runs it."""
    check = peers.peer(found)
    namespace: dict = {}
    sys.path.insert(0, str(HELPERS))
    try:
        exec("from sympy import *\nfrom peer_checks import *", namespace)
        for line in check.code:
            exec(line, namespace)
        return eval(check.result, namespace)
    finally:
        sys.path.remove(str(HELPERS))


@pytest.mark.parametrize("found", CASES, ids=lambda f: f"{f.kind}:{f.argument or f.content}"
                         f":{f.options.get('expect', '')}:{'mistake' in f.options}")
def test_the_peer_passes_and_fails_as_the_directive_does(found: Found) -> None:
    assert _run_peer(found) is verify.check(*found).ok


def test_the_cases_hold_both_verdicts() -> None:
    # Agreement is only evidence if both verdicts occur, for claims and for steps.
    verdicts = {(f.kind == "derivation", verify.check(*f).ok) for f in CASES}
    assert verdicts == {(False, True), (False, False), (True, True), (True, False)}


def test_printed_values_are_the_values_themselves() -> None:
    x, lam = sympy.Symbol("x", real=True), sympy.Symbol("lambda", positive=True)
    value = sympy.Matrix([[sympy.Rational(1, 3) * x, sympy.Max(0, lam * x)],
                          [sympy.log(x**2), sympy.Float(0.25) + x]])
    code = peers._Code()
    code.declare([value])
    namespace: dict = {}
    exec("from sympy import *", namespace)
    for line in code.lines:
        exec(line, namespace)
    # "lambda" is a keyword: its variable is renamed, the symbol keeps its name.
    assert eval(code.text(value), namespace) == value


def _sphinx(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-q", *map(str, args)],
                          capture_output=True, text=True)


def test_doctest_pages_build_and_fail_on_a_wrong_claim(tmp_path: Path) -> None:
    right = ".. derivative:: sin(3*x)\n   :wrt: x\n   :expect: 3*cos(3*x)\n"
    wrong = right.replace("3*cos", "cos")
    for name, text, code in (("right", right, 0), ("wrong", wrong, 1)):
        target = tmp_path / name
        peers.generated_from(target, {"index": f"Page\n====\n\n{text}"}, "doctest")
        page = (target / "index.rst").read_text(encoding="utf8")
        assert ".. math::" in page and ".. doctest::" in page
        assert ".. derivative::" not in page
        result = _sphinx("-b", "doctest", target, tmp_path / f"{name}-out")
        assert result.returncode == code, result.stdout + result.stderr


def test_notebook_cells_run_the_checks(tmp_path: Path) -> None:
    right = ".. derivative:: sin(3*x)\n   :wrt: x\n   :expect: 3*cos(3*x)\n"
    text = f"Page\n====\n\n{right}\n{right.replace('3*cos', 'cos')}"
    book = json.loads(peers.notebook(text))
    kinds = [cell["cell_type"] for cell in book["cells"]]
    assert kinds == ["markdown", "code", "code", "code"]
    assert "```{eval-rst}" in book["cells"][0]["source"]
    namespace: dict = {}
    sys.path.insert(0, str(HELPERS))
    try:
        for cell in book["cells"][1:3]:
            exec(cell["source"], namespace)
        with pytest.raises(AssertionError):  # the second directive's claim is wrong
            exec(book["cells"][3]["source"], namespace)
    finally:
        sys.path.remove(str(HELPERS))


def _results(names: list[str]) -> dict:
    return {name: [(1.0, 1024, 1024)] for name in names}


def test_results_say_when_the_peers_were_not_measured(tmp_path: Path) -> None:
    names = [n for n in run.variants({k: tmp_path for k in (
        "chapter", "chapter-static", "project", "project-static")})]
    context = {"rounds": 1, "count": 10, "failed": {}, "load": ((0, 0, 0), (0, 0, 0)),
               "seconds": 1.0, "quick": True,
               "skipped": 'not measured: myst_nb not installed; install them with '
                          '`python -m pip install -e ".[bench]"`'}
    text = run.report(_results(names), {"derivative": [0.001] * 12}, "", context,
                      target=tmp_path / "RESULTS.md")
    assert 'The peers were not measured: myst_nb not installed' in text
    assert '".[bench]"' in (tmp_path / "RESULTS.md").read_text(encoding="utf8")
    assert "| chapter cold at most 1.5x the static floor | 1.00x | yes |" in text
