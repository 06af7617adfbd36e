"""Values and shapes: NumPy-like arithmetic over SymPy, checked in the author's sizes."""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus import shapes
from sphinx_vcr.core.calculus.evaluate import Scope, evaluate
from sphinx_vcr.core.calculus.instance import variable
from sphinx_vcr.core.errors import LimitError, ShapeError
from sphinx_vcr.core.language.parse import parse_declarations, parse_expression

n, N = shapes.size_symbol("n"), shapes.size_symbol("N")


def scope(decls: str, **sizes: int) -> Scope:
    values = {d.name: variable(d, sizes) for d in parse_declarations(decls, "vars")}
    return Scope(values, sizes)


def ev(text: str, decls: str = "x[n], w[n], X[N, n], S[n, n]", **sizes: int):
    return evaluate(parse_expression(text), scope(decls, **({"n": 3, "N": 2} | sizes)))


def test_declared_shapes():
    assert ev("x").shape == (n, 1)
    assert ev("x.T").shape == (1, n)
    assert ev("X").shape == (N, n)
    assert ev("X").data.shape == (2, 3)


def test_elementwise_broadcast_and_products():
    assert ev("w * x").data == sympy.Matrix([
        sympy.Symbol(f"w_{i}", real=True) * sympy.Symbol(f"x_{i}", real=True)
        for i in (1, 2, 3)])
    assert ev("1 / x").shape == (n, 1)
    assert ev("X @ w + 1").shape == (N, 1)
    assert ev("w @ x").shape == ()          # dot product of two vectors is a scalar
    assert ev("x.T @ S @ x").shape == ()    # a 1 x 1 product is a scalar
    assert ev("x @ x.T").shape == (n, n)    # outer product
    assert ev("w @ X.T").shape == (N, 1)    # vector @ matrix, as in NumPy


def test_block_matrices_and_sizes_as_numbers():
    value = ev("[[x.T, 1]]")
    assert shapes.same_shape(value.shape, (1, n + 1))
    assert value.data.shape == (1, 4)
    assert ev("2 / N").data == sympy.Rational(1)
    assert ev("eye(n)").data == sympy.eye(3)
    assert ev("zeros(1, n + 1)").data.shape == (1, 4)


def test_components_of_fixed_vectors():
    value = evaluate(parse_expression("v2 + v3"), scope("v[3]"))
    assert value.data == sympy.Symbol("v_2", real=True) + sympy.Symbol("v_3", real=True)
    with pytest.raises(ShapeError, match="entry 4 of v"):
        evaluate(parse_expression("v4"), scope("v[3]"))


def test_undeclared_names_are_scalar_parameters():
    assert ev("alpha * x").shape == (n, 1)


@pytest.mark.parametrize("text, message", [
    ("w * X", "element-wise \\* needs operands of one shape"),
    ("x + x.T", "one of them may need .T"),
    ("X @ X", "inner sizes n and N differ"),
    ("2 @ x", "@ is the matrix product"),
    ("[[1, 2], [3]]", "ragged matrix"),
    ("[[1, 2], 3]", "ragged array"),
    ("diag(X)", "diag\\(\\) takes a vector"),
    ("dot(x, X @ w)", "dot\\(\\) takes two vectors of one length"),
    ("eye(q)", "takes sizes"),
])
def test_shape_errors_use_the_authors_sizes(text, message):
    with pytest.raises(ShapeError, match=message):
        ev(text)


def test_huge_powers_are_refused_before_they_start():
    with pytest.raises(LimitError, match="exponent"):
        ev("x1 ** 10**10", "x1")
    with pytest.raises(LimitError, match="too many digits"):
        ev("(10**19)**999", "x1")
    with pytest.raises(LimitError):
        ev("2**2**2**2**2**2", "x1")
