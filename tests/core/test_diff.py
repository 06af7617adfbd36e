"""``diff(expr, v)`` inside any expression: the derivative by a scalar, a vector, a
matrix or a component, in the directive's layout, checked like any derivative.

Correct and wrong examples in derivation steps, bodies and claims; the finite
differences that check SymPy's ``diff()`` values; its rendering as d/dx (one scalar)
or a partial; and every misuse as a located error. Pure core, no Sphinx.
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus import evaluate
from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error, failed_step, verified

# (first form, the correct next form, a wrong one, options)
CASES = [
    ("diff(x**3, x)", "3*x**2", "3*x**3", {}),
    ("diff(x**2*y, y)", "x**2", "2*x*y", {}),                      # a partial
    ("diff(x**2*y, x)", "2*x*y", "2*x", {}),
    ("diff(a*x**2, a)", "x**2", "2*a*x", {}),                      # by a scalar parameter
    ("diff(diff(x**3, x), x)", "6*x", "3*x**2", {}),               # nested
    ("diff(exp(2*x)*sin(x), x)", "exp(2*x)*(2*sin(x) + cos(x))",
     "exp(2*x)*(sin(x) + 2*cos(x))", {}),
    ("diff(log(1 + exp(x)), x)", "sigmoid(x)", "sigmoid(-x)", {}),
    ("diff(x**2, y)", "0", "2*x", {}),                             # not in it at all
    ("diff(relu(x), x)", "1", "0", {"where": "x > 0"}),
    ("diff(abs(x), x)", "where(x > 0, 1, -1)", "where(x > 0, 1, 1)", {}),
    # vectors: a scalar by a vector is a row (numerator layout) or a column
    ("diff(w @ x, w)", "x.T", "w.T", {"vars": "w[n], x[n]"}),
    ("diff(w @ x, w)", "x", "w", {"vars": "w[n], x[n]", "layout": "denominator"}),
    ("diff(w @ w, w)", "2*w.T", "w.T", {"vars": "w[n]"}),
    ("diff(sum(exp(w)), w)", "exp(w).T", "ones(n).T", {"vars": "w[n]"}),
    # a vector by a vector: the Jacobian
    ("diff(A @ x, x)", "A", "A.T", {"vars": "A[n, n], x[n]"}),
    ("diff(A @ x, x)", "A.T", "A", {"vars": "A[n, n], x[n]", "layout": "denominator"}),
    ("diff(x * w, w)", "diag(x)", "x @ ones(n).T", {"vars": "w[n], x[n]"}),
    ("diff(tanh(x), x)", "diag(1 - tanh(x)**2)", "diag(1 - tanh(x))", {"vars": "x[n]"}),
    # a vector by a scalar: entry by entry
    ("diff(x * t, t)", "x", "x * t", {"vars": "x[n]"}),
    # a scalar by a matrix: X's shape in denominator layout, transposed in numerator
    ("diff(a @ X @ b, X)", "b @ a.T", "a @ b.T", {"vars": "a[n], X[n, n], b[n]"}),
    ("diff(a @ X @ b, X)", "a @ b.T", "b @ a.T",
     {"vars": "a[n], X[n, n], b[n]", "layout": "denominator"}),
    # by a component, with a free index
    ("diff(w @ x, w[j])", "x[j]", "w[j]", {"vars": "w[n], x[n]", "index": "j"}),
    ("diff(w @ w, w[j])", "2*w[j]", "w[j]", {"vars": "w[n]", "index": "j"}),
    ("diff(X @ w, w[j])", "vector(X[i, j], i)", "vector(X[j, i], i)",
     {"vars": "X[n, n], w[n]", "index": "i, j"}),
]


def _id(case: tuple) -> str:
    return f"{case[0]}={case[1]}:{case[3]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_diff_gives_the_derivative(case):
    first, right, _wrong, options = case
    verified(derivation(first, f"= {right}", **options))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_a_wrong_value_of_diff_fails(case):
    first, _right, wrong, options = case
    failed_step(derivation(first, f"= {wrong}", **options), 1, 1)


def test_diff_in_the_body_of_a_directive_is_a_second_derivative():
    right = check("derivative", "diff(x**3, x)", [], {"wrt": "x", "expect": "6*x"})
    wrong = check("derivative", "diff(x**3, x)", [], {"wrt": "x", "expect": "3*x"})
    assert right.status == "verified" and right.claims == 1
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch")


def test_diff_in_a_claim_follows_the_directive_layout():
    for layout, ok in (("numerator", True), ("denominator", True)):
        outcome = check("gradient", "w @ x", [], {"wrt": "w[n]", "vars": "x[n]",
                                                 "layout": layout,
                                                 "expect": "diff(x @ w, w)"})
        assert outcome.ok is ok, outcome.message
    wrong = check("gradient", "w @ x", [], {"wrt": "w[n]", "vars": "x[n]",
                                            "expect": "diff(x @ w, x)"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch")


def test_diff_of_a_vector_in_a_body_is_differentiated_again():
    right = check("gradient", "diff(w @ w, w) @ x", [], {"wrt": "x[n]", "vars": "w[n]",
                                                         "expect": "2*w.T"})
    wrong = check("gradient", "diff(w @ w, w) @ x", [], {"wrt": "x[n]", "vars": "w[n]",
                                                         "expect": "w.T"})
    assert right.ok and not wrong.ok
    assert "it is 1/2 times the derivative" in wrong.message


def test_diff_in_a_jacobian_line_uses_the_composed_definitions():
    outcome = check("jacobian", "", ["u = x**2", "y = diff(u, x)"], {"wrt": "x",
                                                                    "expect": "[2*x, 2]"})
    assert outcome.ok, outcome.message


def test_sympys_diff_values_are_checked_by_finite_differences(monkeypatch):
    """The finite differences check what ``diff()`` computed, as they check a
    directive's own derivative: a wrong rule in the differentiation fails the build."""
    from sphinx_vcr.core.calculus.differentiate import jacobian
    from sphinx_vcr.core.running import verify

    def doubled(outputs, symbols):
        return 2 * jacobian(outputs, symbols)

    monkeypatch.setattr(evaluate, "jacobian", doubled)
    monkeypatch.setattr(verify, "_memo", verify.OrderedDict())
    outcome = derivation("diff(x**3, x)", "= 6*x**2")  # consistent with the broken rule
    assert (outcome.status, outcome.subtype) == ("failed", "numeric"), outcome.message
    assert "finite differences" in outcome.message


def test_diff_renders_as_d_for_one_scalar_and_as_a_partial_otherwise():
    ordinary = verified(derivation("diff(x**2, x)", "= 2*x")).math[0]
    assert r"\frac{\mathrm{d}}{\mathrm{d} x}\left(x^{2}\right)" in ordinary
    partial = verified(derivation("diff(x**2*y, x)", "= 2*x*y")).math[0]
    assert r"\frac{\partial}{\partial x}\left(x^{2} y\right)" in partial
    vector = verified(derivation("diff(w @ x, w)", "= x.T", vars="w[n], x[n]")).math[0]
    assert r"\frac{\partial}{\partial \mathbf{w}}" in vector
    component = verified(derivation("diff(w @ x, w[j])", "= x[j]", vars="w[n], x[n]",
                                    index="j")).math[0]
    assert r"\frac{\partial}{\partial w_{j}}" in component


@pytest.mark.parametrize(("first", "options", "subtype", "words"), [
    ("diff(x**2, 2*x)", {}, "shape", ["differentiates by a variable"]),
    ("diff(x**2, x + y)", {}, "shape", ["differentiates by a variable"]),
    ("diff(x**2, [x, y])", {}, "shape", ["differentiates by a variable"]),
    ("diff(x**2, 3)", {}, "shape", ["differentiates by a variable"]),
    ("diff(x**2, pi)", {}, "shape", ["differentiates by a variable"]),
    ("diff(x**2, x, x)", {}, "parse", ["diff takes 2 argument(s), not 3"]),
    ("diff(x**2)", {}, "parse", ["diff takes 2 argument(s), not 1"]),
    ("diff(A, x)", {"vars": "A[n, n], x[n]"}, "shape", ["a matrix by a vector is a tensor"]),
    ("diff(x, A)", {"vars": "A[n, n], x[n]"}, "shape", ["by a matrix is a tensor"]),
    ("diff(x**2, w[j])", {"vars": "w", "index": "j"}, "shape",
     ["w[j] subscripts w, which is not declared as a vector or matrix"]),
])
def test_misused_diff_is_an_error_at_its_line(first, options, subtype, words):
    error(derivation("x", f"= {first}", **options), subtype, *words, line=1)


def test_diff_is_still_a_name_where_it_is_not_called():
    # names added with derivations stay free for a document that used them
    verified(derivation("diff * x", "= x * diff"))
    outcome = check("derivative", "diff * x**2", [], {"wrt": "x", "expect": "2*diff*x"})
    assert outcome.ok, outcome.message


def test_diff_by_an_abstract_functions_argument_is_its_derivative():
    outcome = verified(derivation("diff(f(x)**2, x)", "= 2*f(x)*D(f)(x)", functions="f"))
    assert outcome.exact


def test_the_derivative_is_the_same_sympy_value_the_directive_computes():
    """``diff()`` and ``.. gradient::`` agree entry by entry (one source of truth)."""
    from sphinx_vcr.core.calculus.evaluate import Scope, Value
    from sphinx_vcr.core.language.parse import parse_expression

    w = sympy.Matrix(2, 1, sympy.symbols("w_1 w_2", real=True))
    value = evaluate.evaluate(parse_expression("diff(sum(w**3), w)"),
                              Scope({"w": Value((2, 1), w)}, {}))
    assert value.shape == (1, 2)
    assert list(value.data) == [3 * w[0] ** 2, 3 * w[1] ** 2]
