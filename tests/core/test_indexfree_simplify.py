"""Simplification and printing of the index-free engine's trees.

The rules are the ones a person applies (collect ``A + A.T``, move transposes inward,
drop identities, fold ``diag(v) @ ones(n)``, combine like terms); simplifying twice
changes nothing; and every printed form re-parses to the very same tree, so a message
can offer it as a claim to paste.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.calculus.indexfree import derive, to_text
from sphinx_vcr.core.calculus.indexfree.algebra import Algebra
from sphinx_vcr.core.calculus.indexfree.shape import Shapes
from sphinx_vcr.core.calculus.indexfree.simplify import simplify
from sphinx_vcr.core.language.parse import parse_declarations
from sphinx_vcr.core.language.syntax import Declaration

from .indexfree_check import parse
from .test_indexfree_rules import RULES

DECLS = "x[n], y[n], v[n], w[n], A[n, n], B[n, n], X[N, n], Y[N, n], r[N], M[m, n]"


def algebra() -> Algebra:
    return Algebra(Shapes(parse_declarations(DECLS, "vars")))


def simplified(text: str) -> str:
    return to_text(simplify(parse(text), algebra()))


@pytest.mark.parametrize(("before", "after"), [
    ("A @ x + A.T @ x", "(A + A.T) @ x"),            # collect on the right
    ("x.T @ A + x.T @ A.T", "x.T @ (A + A.T)"),        # ... and on the left
    ("A.T + A", "A + A.T"),                            # A before A.T
    ("(A @ B).T", "B.T @ A.T"),                        # transposes inward
    ("(A.T).T", "A"),
    ("(A.T @ x).T", "x.T @ A"),
    ("(X @ w - r).T", "(X @ w - r).T"),                 # the author's residual stays whole
    ("(A + B.T).T", "A.T + B"),
    ("eye(n) @ A @ eye(n)", "A"),                      # identities dropped
    ("diag(v) @ ones(n)", "v"),                        # diag(v) @ ones(n) is v
    ("ones(n).T @ diag(v)", "v.T"),
    ("ones(n) * v", "v"),
    ("v.T * ones(n).T", "v.T"),                        # ... and of a row
    ("2 * x + 3 * x", "5 * x"),                        # like terms
    ("2 * x.T @ A - x.T @ A", "x.T @ A"),
    ("x - x", "zeros(n, 1)"),
    ("2 * (3 * (A @ x))", "6 * A @ x"),                # numbers folded
    ("1/2 * x + 1/2 * x", "x"),
    ("-(-x)", "x"),
    ("-(A @ x)", "-A @ x"),
    ("c * c / c**3", "1/c"),                           # powers merged
    ("x / c + y / c", "(x + y) / c"),                  # a shared divisor taken out
    ("2/N * r.T @ X", "2/N * r.T @ X"),
    ("c**2 * d + c * d", "c**2 * d + c * d"),         # monomials of a scalar stay apart
    ("c * x + c * y", "c * (x + y)"),                  # ... a vector's common scalar not
    # a scalar of arrays that the monomials share is taken out: (v · v)(2c + 1)
    ("2 * c * (v @ v) + v @ v", "v @ v * (2 * c + 1)"),
    ("c**2 * (v @ w) + c * (v @ w)", "v @ w * (c**2 + c)"),
    ("2 * c * (v @ w)", "2 * c * (v @ w)"),           # a dot product is not unfolded
    ("2 * c * x.T @ y", "2 * c * x.T @ y"),           # ... a row times a column is
    ("(x @ A).T", "x.T @ A"),                          # NumPy's x @ A, transposed: a row
    ("(A @ x + x @ A).T", "x.T @ (A + A.T)"),          # ... inside a sum too
    ("inv(inv(A))", "A"),                              # an inverse's inverse
    ("inv(A).T @ A.T @ B", "B"),                       # inv(A) @ A and transposed
    ("B @ A @ inv(A)", "B"),
    ("inv(A) @ A", "eye(n)"),                          # ... alone, the identity
    ("diag(v) @ diag(w)", "diag(v * w)"),              # diagonals multiply entry-wise
    ("diag(v) - 2 * diag(w)", "diag(v - 2 * w)"),      # ... and add inside one diag
    # entry-by-entry parts are simplified as the scalar algebra they are
    ("v * (1 - v) * (-y / v) - v * (1 - v) * ((-1 + y) / (1 - v))", "v - y"),
    ("(1 / (1 + v) - v / (1 + v)**2) * v", "v / (1 + v)**2"),
    ("v * (1 - v)", "v * (1 - v)"),                    # kept where no smaller
    ("x * y.T / x", "x * y.T / x"),                    # broadcasting: left alone
])
def test_rule(before, after):
    assert simplified(before) == after


@pytest.mark.parametrize(("wrt", "params", "form"), [(r[1], r[2], r[4]) for r in RULES])
def test_simplifying_a_derived_form_again_changes_nothing(wrt, params, form):
    decls = parse_declarations(", ".join(p for p in (wrt, params) if p), "vars")
    alg = Algebra(Shapes(decls))
    once = simplify(parse(form), alg)
    assert to_text(once) == form
    assert simplify(once, alg) == once


@pytest.mark.parametrize("text", [
    "-x**2", "(-x)**2", "2**-x", "a - (b - c)", "a - b - c", "a / (b * c)", "a / b * c",
    "(a + b).T", "x.T @ (A + A.T)", "2/N * (X @ w - y).T @ X", "where(x > 0, 1, -1)",
    "0.5 * x", "1e-3 + x", "-(a + b) @ x", "a ** b ** c", "(a ** b) ** c", "-2/N * x",
    "[[x.T, 1]]", "[x, y]", "diag(sigmoid(z) * (1 - sigmoid(z)))", "x @ x.T / n**3",
    "where(w @ x + b > 0, 1, 0) * x.T", "--x", "pi * x", "(x + 1).T",
])
def test_printed_text_reparses_to_the_same_tree(text):
    tree = parse(text)
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize(("function", "derivative"), [
    # old: x**2 * (x**6 * (9 * sin(x) + x * cos(x)) + 3), nested down
    ("x**9 * sin(x) + x**3", "9 * x**8 * sin(x) + x**9 * cos(x) + 3 * x**2"),
    # old: x * (3 * x + 4) + 1
    ("x**3 + 2*x**2 + x", "3 * x**2 + 4 * x + 1"),
    ("x**2 / c + x / c", "(2 * x + 1) / c"),           # a shared divisor still taken out
])
def test_a_scalar_polynomials_derivative_is_a_sum_of_monomials(function, derivative):
    form = derive(parse(function), [Declaration("x", ())], [Declaration("c", ())])
    assert form is not None and to_text(form) == derivative
    assert simplify(form, Algebra(Shapes([Declaration("x", ()), Declaration("c", ())]))) \
        == form


@pytest.mark.parametrize(("kind", "body", "wrt", "params", "form"), [
    # a matrix declared symmetric is its own transpose: 2 * A @ x, not (A + A.T) @ x
    ("gradient", "x.T @ A @ x", "x[n]", "A[n, n] symmetric", "2 * A @ x"),
    # ... and so is the inverse of a sum of such (Cookbook (127), as the book writes it)
    ("gradient", "trace(inv(A + X.T @ C @ X) @ (X.T @ B @ X))", "X[m, n]",
     "A[n, n] spd, C[m, m] spd, B[m, m] symmetric",
     "(-2 * C @ X @ inv(A + X.T @ C @ X) @ X.T @ B + 2 * B) @ X @ inv(A + X.T @ C @ X)"),
    # diag(-v) is -diag(v): no double minus in a logistic loss's Hessian
    ("hessian", "sum(log(1 + exp(-y * (X @ w))))", "w[n]", "X[N, n], y[N]",
     "X.T @ diag(exp(-(y * (X @ w))) * y**2 / (1 + exp(-(y * (X @ w))))**2) @ X"),
])
def test_a_derived_form_as_a_person_writes_it(kind, body, wrt, params, form):
    from sphinx_vcr.core.language.problem import build_problem
    from sphinx_vcr.core.running.derived import index_free

    options = {"wrt": wrt, "vars": params, "layout": "denominator"}
    problem = build_problem(kind, body, [], options, "denominator")
    derived = index_free(problem)
    assert derived is not None and derived.text == form
