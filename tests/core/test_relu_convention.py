"""relu'(0) = 0 on both symbolic paths: the step of a kink's derivative is 0 at 0.

SymPy 1.9 and later build ``Heaviside(u)`` as ``Heaviside(u, 1/2)``, so SymPy's own
derivative of ``max(0, x)`` is 1/2 at 0; the language documents 0 (docs: language),
and the fast path's step (``symengine_rules.step``) is 0 there. Both must say 0, and
off the kink both must keep the branch's slope.
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus.differentiate import jacobian
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.symbolic import backend
from sphinx_vcr.core.symbolic.instances import evaluate_on

FAST = backend("symengine")

#: (expression, variable, point, derivative there), on the kink and beside it.
CASES = [
    ("relu(x)", "x", {"x": 0}, 0),
    ("max(0, x)", "x", {"x": 0}, 0),
    ("max(x, 0)", "x", {"x": 0}, 0),
    ("relu(x)", "x", {"x": sympy.Rational(1, 10**9)}, 1),
    ("relu(x)", "x", {"x": -sympy.Rational(1, 10**9)}, 0),
    ("min(x, 0)", "x", {"x": 0}, 0),
    ("min(x, 0)", "x", {"x": -1}, 1),
    ("max(x, y)", "x", {"x": 2, "y": 2}, 0),   # a tie: neither argument's slope
    ("max(x, y)", "y", {"x": 2, "y": 2}, 0),
    ("3*relu(2*x - 4)", "x", {"x": 2}, 0),
    ("3*relu(2*x - 4)", "x", {"x": 3}, 6),
    ("relu(x)**2 + relu(x)", "x", {"x": 0}, 0),
]


def _sympy_value(expr: str, wrt: str, point: dict) -> sympy.Expr:
    problem = build_problem("derivative", expr, [], {"wrt": wrt})
    fast = evaluate_on(backend("sympy"), problem, {})
    (entry,) = [row[0] for row in jacobian([fast.output.data], fast.wrt).tolist()]
    return entry.xreplace({s: point[s.name] for s in entry.free_symbols})


def _fast_value(expr: str, wrt: str, point: dict) -> sympy.Expr:
    problem = build_problem("derivative", expr, [], {"wrt": wrt})
    evaluated = evaluate_on(FAST, problem, {})
    entry = FAST.to_sympy(evaluated.jacobian()[0][0])
    return entry.xreplace({s: point[s.name] for s in entry.free_symbols})


@pytest.mark.parametrize(("expr", "wrt", "point", "value"), CASES)
def test_sympy_path_keeps_the_convention(expr, wrt, point, value):
    assert _sympy_value(expr, wrt, point) == value


@pytest.mark.parametrize(("expr", "wrt", "point", "value"), CASES)
def test_fast_path_keeps_the_convention(expr, wrt, point, value):
    assert _fast_value(expr, wrt, point) == value


def test_no_half_step_is_left():
    """No derivative the pipeline computes holds SymPy's Heaviside(u, 1/2)."""
    x = sympy.Symbol("x", real=True)
    result = jacobian([sympy.Max(0, x) + sympy.Min(x, 1) * x], [x])
    steps = result.atoms(sympy.Heaviside)
    assert steps and all(step.args[1] == 0 for step in steps)
