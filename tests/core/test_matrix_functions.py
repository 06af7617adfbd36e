"""The matrix functions (issue 13 item 2) and Greek names that are Python keywords
(item 7), through the whole core.

Each function has correct claims that must verify and wrong twins that must fail: a
missing transpose, ``inv(X)`` for ``inv(X).T``, ``2*inv(A)`` for ``inv(A) + inv(A).T``,
a factor 2, a missing term. Many of them hold at size 1 or for symmetric matrices, so
every claim is checked at the sizes 1, 2, 3 with unstructured values; derivatives by a
matrix go through ``diff()`` in derivations, and the others by a scalar ``t`` along a
direction ``B`` (``X + t*B``) or by a vector.
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus.evaluate import Scope, evaluate
from sphinx_vcr.core.calculus.instance import Declaration, variable
from sphinx_vcr.core.calculus.matrices import adjugate, determinant
from sphinx_vcr.core.checking.numeric import guard_expressions
from sphinx_vcr.core.errors import ParseError
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.rendering.latex import Printer
from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error, failed_step, verified

D, G, J = "derivative", "gradient", "jacobian"
SQUARE = "A[n, n], B[n, n], X[n, n]"
M = "(X + t*B)"  # a generic matrix moving along the direction B

RIGHT = [
    # trace
    (D, f"trace(A @ {M})", {"wrt": "t", "vars": SQUARE, "expect": "trace(A @ B)"}),
    (D, f"tr({M}.T @ A)", {"wrt": "t", "vars": SQUARE, "expect": "tr(B.T @ A)"}),
    (G, "trace(x.T @ A @ x)", {"wrt": "x[n]", "vars": "A[n, n]", "layout": "denominator",
                               "expect": "(A + A.T) @ x"}),
    # det: Jacobi's formula
    (D, f"det({M})", {"wrt": "t", "vars": SQUARE,
                      "expect": f"det({M}) * trace(inv({M}) @ B)"}),
    # logdet: log|det|, so a negative determinant is fine
    (D, f"logdet({M})", {"wrt": "t", "vars": SQUARE, "expect": f"trace(inv({M}) @ B)"}),
    (D, "logdet(x*A)", {"wrt": "x", "vars": "A[n, n]", "expect": "n/x"}),
    # inv
    (G, "x.T @ inv(A) @ x", {"wrt": "x[n]", "vars": "A[n, n]", "layout": "denominator",
                             "expect": "(inv(A) + inv(A).T) @ x"}),
    (D, f"trace(inv({M}) @ A)", {"wrt": "t", "vars": SQUARE,
                                 "expect": f"-trace(inv({M}) @ B @ inv({M}) @ A)"}),
    (D, "inv(t - 2)", {"wrt": "t", "expect": "-1/(t - 2)**2"}),
    # vec and kron: vec(x y^T) = y (x) x, so its Jacobian by x is y (x) I
    (J, "vec(outer(x, y))", {"wrt": "x[n]", "vars": "y[m]", "expect": "kron(y, eye(n))"}),
    (J, "vec(kron(A + t*B, X))", {"wrt": "t", "vars": SQUARE, "expect": "vec(kron(B, X))"}),
    # outer
    (G, "a.T @ outer(x, y) @ b", {"wrt": "x[n]", "vars": "a[n], y[m], b[m]",
                                  "layout": "denominator", "expect": "(y @ b) * a"}),
    # softmax and logsumexp
    (J, "softmax(z)", {"wrt": "z[n]",
                       "expect": "diag(softmax(z)) - outer(softmax(z), softmax(z))"}),
    (G, "logsumexp(z)", {"wrt": "z[n]", "layout": "denominator", "expect": "softmax(z)"}),
    (G, "logsumexp(z)", {"wrt": "z[n]", "layout": "denominator", "expect": "softmax(z)",
                         "where": "z > 100"}),   # large magnitudes: still finite
    (G, "y @ log(softmax(z))", {"wrt": "z[n]", "vars": "y[n]", "layout": "denominator",
                                "expect": "y - sum(y) * softmax(z)"}),
    # norm: Frobenius for a matrix, the 2-norm for a vector as before
    (D, f"norm({M})**2", {"wrt": "t", "vars": "X[n, m], B[n, m]",
                          "expect": f"2*sum({M} * B)"}),
    (G, "norm(x)", {"wrt": "x[n]", "layout": "denominator", "expect": "x / norm(x)"}),
]

WRONG = [
    (D, f"trace(A @ {M})", {"wrt": "t", "vars": SQUARE, "expect": "trace(A.T @ B)"}),
    (D, f"trace(A @ {M})", {"wrt": "t", "vars": SQUARE, "expect": "2*trace(A @ B)"}),
    (G, "trace(x.T @ A @ x)", {"wrt": "x[n]", "vars": "A[n, n]", "layout": "denominator",
                               "expect": "2*A @ x"}),   # holds at n = 1 and for symmetric A
    (D, f"det({M})", {"wrt": "t", "vars": SQUARE,
                      "expect": f"det({M}) * trace(inv({M}).T @ B)"}),
    (D, f"det({M})", {"wrt": "t", "vars": SQUARE, "expect": f"trace(inv({M}) @ B)"}),
    (D, f"logdet({M})", {"wrt": "t", "vars": SQUARE, "expect": f"trace(inv({M}).T @ B)"}),
    (D, f"logdet({M})", {"wrt": "t", "vars": SQUARE, "expect": f"trace({M} @ B)"}),
    (D, "logdet(x*A)", {"wrt": "x", "vars": "A[n, n]", "expect": "1/x"}),  # holds at n = 1
    (G, "x.T @ inv(A) @ x", {"wrt": "x[n]", "vars": "A[n, n]", "layout": "denominator",
                             "expect": "2*inv(A) @ x"}),
    (G, "x.T @ inv(A) @ x", {"wrt": "x[n]", "vars": "A[n, n]", "layout": "denominator",
                             "expect": "(inv(A) + inv(A).T) @ x / 2"}),
    (D, f"trace(inv({M}) @ A)", {"wrt": "t", "vars": SQUARE,
                                 "expect": f"trace(inv({M}) @ B @ inv({M}) @ A)"}),
    (D, f"trace(inv({M}) @ A)", {"wrt": "t", "vars": SQUARE,
                                 "expect": f"-trace(inv({M}) @ inv({M}) @ B @ A)"}),
    (J, "vec(outer(x, y))", {"wrt": "x[n]", "vars": "y[m]", "expect": "kron(eye(n), y)"}),
    (J, "vec(kron(A + t*B, X))", {"wrt": "t", "vars": SQUARE, "expect": "vec(kron(X, B))"}),
    (G, "a.T @ outer(x, y) @ b", {"wrt": "x[n]", "vars": "a[n], y[m], b[m]",
                                  "layout": "denominator", "expect": "(y @ b) * x"}),
    (J, "softmax(z)", {"wrt": "z[n]",
                       "expect": "diag(softmax(z)) + outer(softmax(z), softmax(z))"}),
    (J, "softmax(z)", {"wrt": "z[n]", "expect": "diag(softmax(z))"}),
    (J, "softmax(z)", {"wrt": "z[n]", "expect": "eye(n) - outer(softmax(z), softmax(z))"}),
    (G, "logsumexp(z)", {"wrt": "z[n]", "layout": "denominator", "expect": "exp(z)"}),
    (G, "y @ log(softmax(z))", {"wrt": "z[n]", "vars": "y[n]", "layout": "denominator",
                                "expect": "y - softmax(z)"}),  # needs sum(y) = 1
    (D, f"norm({M})**2", {"wrt": "t", "vars": "X[n, m], B[n, m]",
                          "expect": f"sum({M} * B)"}),
]


def _id(case: tuple) -> str:
    kind, body, options = case
    return f"{kind}:{body}:{options.get('expect')}"


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_a_correct_claim_verifies(case):
    kind, body, options = case
    outcome = check(kind, body, [], dict(options))
    assert outcome.status == "verified", (outcome.subtype, outcome.message)


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_a_wrong_claim_fails(case):
    kind, body, options = case
    outcome = check(kind, body, [], dict(options))
    assert (outcome.status, outcome.subtype) == ("failed", "mismatch"), (
        outcome.status, outcome.message)


# Derivatives by a matrix, written with diff() (denominator layout: X's shape).
BY_MATRIX = [
    ("diff(trace(A @ X), X)", "A.T", "A"),
    ("diff(trace(X.T @ A), X)", "A", "A.T"),
    ("diff(trace(X @ A @ X.T), X)", "X @ (A + A.T)", "2*X @ A"),
    ("diff(det(X), X)", "det(X) * inv(X).T", "det(X) * inv(X)"),
    ("diff(logdet(X), X)", "inv(X).T", "inv(X)"),
    ("diff(trace(inv(X) @ A), X)", "-(inv(X) @ A @ inv(X)).T", "-inv(X) @ A @ inv(X)"),
    ("diff(norm(X)**2, X)", "2*X", "X"),
    ("diff(logsumexp(X), X)", "exp(X) / sum(exp(X))", "exp(X)"),
]


@pytest.mark.parametrize("first, right, wrong", BY_MATRIX, ids=[c[0] for c in BY_MATRIX])
def test_derivatives_by_a_matrix_in_a_derivation(first, right, wrong):
    options = {"vars": "A[n, n], X[n, n]", "layout": "denominator"}
    verified(derivation(first, f"= {right}", **options))
    failed_step(derivation(first, f"= {wrong}", **options), 1, 1)


@pytest.mark.parametrize("body, options, subtype, words", [
    ("trace(X)", {"vars": "X[m, n]"}, "shape",
     ("trace() takes a square matrix", "a m x n matrix")),
    ("det(x)", {"vars": "x[n]"}, "shape", ("det() takes a square matrix", "length n")),
    ("inv(X)", {"vars": "X[2, 3]"}, "shape", ("inv() takes a square matrix", "2 x 3")),
    ("logdet(X.T)", {"vars": "X[n, m]"}, "shape", ("logdet() takes a square", "m x n")),
    ("vec(t)", {}, "shape", ("vec() takes a matrix or a vector, not a scalar",)),
    ("softmax(X)", {"vars": "X[n, n]"}, "shape", ("softmax() takes a vector", "n x n")),
    ("softmax(z)", {}, "shape", ("softmax() takes a vector", "undeclared names")),
    ("outer(X, x)", {"vars": "X[n, n], x[n]"}, "shape", ("outer() takes a vector",)),
    # kron's shape is a product of the size names
    ("kron(X, Y) + Y", {"vars": "X[m, n], Y[p, q]"}, "shape",
     ("element-wise +", "a m*p x n*q matrix", "a p x q matrix")),
    ("trace(inv(outer(x, x)))", {"vars": "x[n]"}, "domain",  # singular from n = 2
     ("inv() of a matrix that is singular everywhere",)),
    ("logdet(X - X.T + X.T - X)", {"vars": "X[n, n]"}, "domain",
     ("logdet() of a matrix that is singular everywhere",)),
    ("inv(zeros(n, n) * t)", {"vars": "X[n, n]"}, "domain", ("singular everywhere",)),
])
def test_bad_arguments_are_located_errors(body, options, subtype, words):
    outcome = check(J, "", [f"f = {body}"], {"wrt": "t", **options})
    error(outcome, subtype, *words, line=0)


def test_a_singular_inverse_in_a_claim_is_an_error_of_the_claim():
    outcome = check(D, "t / (x @ x)", [], {"wrt": "t", "vars": "x[n]",
                                           "expect": "trace(inv(outer(x, x)))"})
    error(outcome, "domain", "singular everywhere", option="expect")


def test_det_of_every_inverse_is_a_guard_of_the_sampler():
    """Points near det = 0 are never used: the determinant is a guard expression, so a
    finite-difference stencil never straddles a singular matrix."""
    scope = Scope({"X": variable(Declaration("X", (3, 3)), {})}, {})
    det = determinant(scope.values["X"].data)
    for text in ("inv(X)", "logdet(X)"):
        value = evaluate(parse_expression(text), scope)
        entries = [value.data] if value.is_scalar else list(value.data)
        assert det in guard_expressions(entries), text


def test_a_correct_derivative_near_singular_matrices_is_never_flagged():
    """det(X + t*B) changes sign along t at many sample lines: the points beside it are
    skipped, never judged by finite differences across the pole."""
    for seed in range(2):
        outcome = check(D, f"logdet({M}) + trace(inv({M}))", [],
                        {"wrt": "t", "vars": SQUARE, "where": f"t > {seed - 2}",
                         "expect": f"trace(inv({M}) @ B) - trace(inv({M}) @ B @ inv({M}))"})
        assert outcome.status == "verified", outcome.message


def test_determinants_and_inverses_stay_small():
    """The cofactor expansion is left unexpanded, and an inverse shares one determinant:
    SymPy's derivative of a 3 x 3 inverse stays a small rational function."""
    x = variable(Declaration("X", (3, 3)), {}).data
    det = determinant(x)
    assert sympy.expand(det - x.det(method="berkowitz")) == 0
    assert sympy.count_ops(det) < 40
    inverse = adjugate(x).applyfunc(lambda e: e / det)
    assert sympy.simplify(inverse * x - sympy.eye(3)) == sympy.zeros(3)
    assert sympy.count_ops(sympy.diff(inverse[0, 0], x[1, 2])) < 200


def test_a_scalar_is_a_one_by_one_matrix_for_trace_and_det():
    """1 x 1 products are scalars in the language: the trace trick must still read."""
    verified(check(D, "trace(t) + det(2*t) + logdet(t) + inv(t)", [],
                   {"wrt": "t", "expect": "3 + 1/t - 1/t**2"}))


def test_function_names_stay_free_as_names():
    """tr, det, vec... were fine names before they were functions."""
    verified(check(D, "tr*x + det*x**2 + vec", [], {"wrt": "x", "expect": "tr + 2*det*x"}))


# --- rendering -------------------------------------------------------------------

STYLES = {"A": "matrix", "B": "matrix", "X": "matrix", "a": "vector", "b": "vector",
          "z": "vector", "x": "vector"}


@pytest.mark.parametrize("text, latex", [
    ("trace(A @ X)", r"\operatorname{tr}\left(\mathbf{A} \mathbf{X}\right)"),
    ("tr(A)", r"\operatorname{tr}\left(\mathbf{A}\right)"),
    ("det(X)", r"\det\left(\mathbf{X}\right)"),
    ("det(A + B)", r"\det\left(\mathbf{A} + \mathbf{B}\right)"),
    ("logdet(X)", r"\log\left|\det\left(\mathbf{X}\right)\right|"),
    ("inv(X)", r"\mathbf{X}^{-1}"),
    ("inv(A + B)", r"\left(\mathbf{A} + \mathbf{B}\right)^{-1}"),
    ("inv(X).T", r"\mathbf{X}^{-\top}"),
    ("inv(X)**2", r"{\mathbf{X}^{-1}}^{\circ 2}"),
    ("inv(X.T)", r"{\mathbf{X}^{\top}}^{-1}"),
    ("vec(X)", r"\operatorname{vec}\left(\mathbf{X}\right)"),
    ("kron(A, B + X)", r"\mathbf{A} \otimes \left(\mathbf{B} + \mathbf{X}\right)"),
    ("outer(a, b)", r"\mathbf{a} \mathbf{b}^{\top}"),
    ("outer(a, b.T)", r"\mathbf{a} {\mathbf{b}^{\top}}^{\top}"),
    ("softmax(z)", r"\operatorname{softmax}\left(\mathbf{z}\right)"),
    ("logsumexp(z)", r"\operatorname{logsumexp}\left(\mathbf{z}\right)"),
    ("norm(X)", r"\left\lVert \mathbf{X} \right\rVert_{F}"),
    ("norm(A - B)", r"\left\lVert \mathbf{A} - \mathbf{B} \right\rVert_{F}"),
    ("norm(x)", r"\left\lVert \mathbf{x} \right\rVert"),
    ("norm(A @ x)", r"\left\lVert \mathbf{A} \mathbf{x} \right\rVert"),
    ("lambda * x", r"\lambda \mathbf{x}"),
])
def test_latex_of_the_matrix_functions(text, latex):
    assert Printer(STYLES)(parse_expression(text)) == latex


def test_rendered_results_and_failure_boxes():
    right = verified(check(D, f"logdet({M})", [], {"wrt": "t", "vars": SQUARE,
                                                   "expect": f"trace(inv({M}) @ B)"}))
    assert (r"\log\left|\det\left(\mathbf{X} + t \mathbf{B}\right)\right|\right) = "
            r"\operatorname{tr}\left(\left(\mathbf{X} + t \mathbf{B}\right)^{-1} "
            r"\mathbf{B}\right)") in right.math[0]
    wrong = check(G, "x.T @ inv(A) @ x", [], {"wrt": "x[n]", "vars": "A[n, n]",
                                              "expect": "2*(inv(A) @ x).T"})
    assert wrong.status == "failed"
    claimed, shown = wrong.math
    assert r"\neq 2 \left(\mathbf{A}^{-1} \mathbf{x}\right)^{\top}" in claimed
    # the derivative index-free (verified), not SymPy's entries over det(A) at n = 2
    assert shown.endswith(r"= \mathbf{x}^{\top} \left(\mathbf{A}^{-1} + "
                          r"\mathbf{A}^{-\top}\right)")
    assert wrong.message.startswith("claimed 2*(inv(A) @ x).T but the derivative is "
                                    "x.T @ (inv(A) + inv(A).T);")


# --- lambda ----------------------------------------------------------------------


def test_lambda_is_a_name_everywhere_a_name_is():
    outcome = verified(check(D, "lambda * x**2", [], {"wrt": "lambda", "expect": "x**2",
                                                      "where": "lambda > 0"}))
    assert r"\frac{\mathrm{d}}{\mathrm{d} \lambda}\left(\lambda x^{2}\right)" in outcome.math[0]
    verified(check(G, "lambda @ x", [], {"wrt": "x[n]", "vars": "lambda[n]",
                                         "layout": "denominator", "expect": "lambda"}))
    verified(check(J, "", ["lambda = x**2", "mu = lambda * x"], {"wrt": "x",
                                                                 "expect": "[2*x, 3*x**2]"}))
    verified(derivation("diff(lambda * x**2, x)", "= 2*lambda*x"))
    failed_step(derivation("diff(lambda * x**2, x)", "= 2*lambda"), 1, 1)
    verified(derivation("sum(lambda[i] * x[i], i)", "= lambda @ x", vars="lambda[n], x[n]",
                        index="i"))


def test_names_like_lambda_do_not_collide():
    """lambda_, lam, Lambda, lambda1 are other names: a wrong claim that swaps them fails
    and each renders distinctly."""
    body = "lambda*x**2 + lambda_*x + lam + Lambda + lambda1"
    wrt = "lambda, lambda_, lam, Lambda, lambda1, x"
    right = "[x**2, x, 1, 1, 1, 2*lambda*x + lambda_]"
    outcome = verified(check(G, body, [], {"wrt": wrt, "layout": "denominator",
                                           "expect": right}))
    for latex in (r"\lambda", r"\mathit{lambda\_}", r"\mathit{lam}", r"\Lambda",
                  r"\lambda_{1}"):
        assert latex in outcome.math[0], latex
    swapped = "[x**2, x, 1, 1, 1, 2*lambda_*x + lambda]"
    assert check(G, body, [], {"wrt": wrt, "layout": "denominator",
                               "expect": swapped}).status == "failed"


def test_the_stand_in_of_lambda_cannot_be_written():
    with pytest.raises(ParseError, match="write Greek letters by name"):
        parse_expression("\u03bbambda * x")
    with pytest.raises(ParseError, match="write Greek letters by name"):
        parse_expression("\u03bb")
    # mathematical italic lambda, which Python's parser reads as the letter itself
    with pytest.raises(ParseError, match="write Greek letters by name"):
        parse_expression("\U0001d706ambda + x")


@pytest.mark.parametrize("text, words", [
    ("lambda(x)", "unknown function 'lambda'"),
    ("lambda.real", "'lambda.real'"),
    ("lambda: 1", "lambdas are not part of the language"),
    ("lambda x, y: x", "lambdas are not part of the language"),
])
def test_messages_about_lambda_quote_it_as_written(text, words):
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    assert words in info.value.message
    assert "\u03bb" not in info.value.message
