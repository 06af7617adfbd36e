"""The Jacobian of core/calculus/differentiate.py: its memoised rules for sums,
products and powers give what ``real_diff`` gives entry by entry (the conventions of
the language included), for every kind of node, and an inverse's shared determinant
is differentiated once per symbol, not once per entry."""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus import differentiate
from sphinx_vcr.core.calculus.differentiate import jacobian, real_diff
from sphinx_vcr.core.calculus.matrices import adjugate, determinant

x, y, z = sympy.symbols("x y z", real=True)
f = sympy.Function("f")
EXPRESSIONS = [
    x**2 * y + 3 * z, (x * y + z) ** -1, sympy.sqrt(x**2 + y**2) * z, x**x * y,
    sympy.exp(x * y) * sympy.sin(z) / (1 + x**2), sympy.Abs(x - y) * z,
    sympy.Abs(sympy.sqrt(x) - 1), sympy.log(sympy.Abs(x * y - z)) * (x + z),
    sympy.Max(0, x * y - z) * x, sympy.Piecewise((x * y, z > 0), (x**3, True)) ** 2,
    f(x * y) * z, sympy.Heaviside(x) * y * x, sympy.Integer(4), (x + y) ** sympy.Rational(3, 2),
]
POINTS = [{x: sympy.Rational(3, 7), y: sympy.Rational(-5, 3), z: sympy.Rational(2, 9)},
          {x: sympy.Rational(11, 4), y: sympy.Rational(1, 5), z: sympy.Rational(-7, 2)}]


def _equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal at exact points, or (abstract functions, points off a domain) simplified."""
    if not a.atoms(sympy.core.function.AppliedUndef):
        values = [sympy.N((a - b).xreplace(point), 40) for point in POINTS]
        if all(v.is_number and v == 0 for v in values):
            return True
    return sympy.simplify(a - b) == 0


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_each_entry_is_real_diff(expr):
    found = jacobian([expr, expr * x], [x, y, z])
    for i, output in enumerate([expr, expr * x]):
        for j, symbol in enumerate([x, y, z]):
            expected = differentiate.fix_relu_convention(real_diff(output, symbol))
            assert _equal(found[i, j], expected), (output, symbol)


def test_the_derivative_of_a_step_is_zero_not_a_dirac_delta():
    found = jacobian([sympy.Max(0, x) * sympy.Heaviside(y) * x], [x, y])
    assert not found.has(sympy.DiracDelta) and found[0, 1] == 0


def test_an_inverse_is_differentiated_exactly_and_its_determinant_once(monkeypatch):
    n = 3
    X = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"X{i}{j}", real=True))
    A = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"A{i}{j}", real=True))
    d = determinant(X)
    trace = (A * adjugate(X).applyfunc(lambda e: e * d**-1)).trace()
    seen: list[sympy.Expr] = []
    original = differentiate._Shared._diff

    def counting(self, expr, symbol, memo):
        if expr == d and expr not in memo:
            seen.append(symbol)
        return original(self, expr, symbol, memo)

    monkeypatch.setattr(differentiate._Shared, "_diff", counting)
    found = jacobian([trace], list(X))
    assert sorted(map(str, seen)) == sorted(map(str, X))  # once per symbol
    # d tr(A inv(X)) / dX = -(inv(X) A inv(X)).T, entry by entry, exactly
    inverse = X.inv()
    expected = -(inverse * A * inverse).T
    point = {s: sympy.Rational(k * k + 2, 3 * k + 1) for k, s in enumerate([*X, *A])}
    for k in range(n * n):  # X is listed row by row
        i, j = divmod(k, n)
        assert sympy.cancel((found[0, k] - expected[i, j]).xreplace(point)) == 0
