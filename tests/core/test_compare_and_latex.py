"""Exact comparison where SymPy decides, 40-digit comparison where it cannot; LaTeX."""

from __future__ import annotations

import numpy as np
import sympy

from sphinx_vcr.core.checking.compare import compare, exactly_zero, resolve_steps
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.rendering.latex import Printer, name

x, z = sympy.symbols("x z", real=True)


def test_exact_decisions():
    assert exactly_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1) is True
    assert exactly_zero(sympy.Rational(1, 10**9)) is False      # tiny is still wrong
    assert exactly_zero(x * sympy.Heaviside(z, 0) - x) is None    # depends on the region


def test_region_dependent_claims_are_compared_at_points():
    claim = sympy.Matrix([[x]])
    actual = sympy.Matrix([[x * sympy.Heaviside(z, 0)]])
    inside = np.array([[0.5, 1.0], [-1.2, 0.3]])   # z > 0
    outside = np.array([[0.5, -1.0]])
    assert compare(claim, actual, [x, z], inside).equal
    result = compare(claim, actual, [x, z], outside)
    assert not result.equal and not result.exact
    assert list(result.difference.point) == [0.5, -1.0]


def test_a_tiny_offset_is_a_difference_at_the_first_point():
    result = compare(sympy.Matrix([[2 / x + sympy.Rational(1, 10**20)]]),
                     sympy.Matrix([[2 / x]]), [x], np.array([[1.0], [2.0]]))
    assert not result.equal and list(result.difference.point) == [1.0]


def test_agreement_is_proved_exactly_when_sympy_can():
    points = np.array([[0.7, 1.1], [-1.3, 0.4]])
    assert compare(sympy.Matrix([[sympy.sin(x) ** 2]]),
                   sympy.Matrix([[1 - sympy.cos(x) ** 2]]), [x, z], points).exact


def test_steps_are_resolved_only_where_the_conditions_fix_their_sign():
    step = sympy.Heaviside(x + z, 0)
    assert resolve_steps(step * x, [x + z > 0]) == x
    assert resolve_steps(step * x, [-x - z < 0]) == x
    assert resolve_steps(step * x, [x + z < 0]) == 0
    assert resolve_steps(step * x, [x > 0, z > 0]) == step * x  # implied, but not proven
    assert resolve_steps(sympy.sign(x), [x < 0]) == -1


def test_names_render_by_convention():
    assert name("x") == "x"
    assert name("g1") == "g_{1}"
    assert name("w_2") == "w_{2}"
    assert name("alpha") == r"\alpha"
    assert name("w", "vector") == r"\mathbf{w}"
    assert name("eta", "vector") == r"\boldsymbol{\eta}"
    assert name("x", "matrix") == r"\mathbf{X}"
    assert name("loss") == r"\mathit{loss}"


def test_expressions_render_as_math():
    printer = Printer({"w": "vector", "x": "vector", "X": "matrix"})
    assert printer(parse_expression("w * x")) == r"\mathbf{w} \odot \mathbf{x}"
    assert printer(parse_expression("w / x")) == r"\mathbf{w} \oslash \mathbf{x}"
    assert printer(parse_expression("w @ x")) == r"\mathbf{w} \cdot \mathbf{x}"
    assert printer(parse_expression("X @ w")) == r"\mathbf{X} \mathbf{w}"
    assert printer(parse_expression("x.T")) == r"\mathbf{x}^{\top}"
    assert printer(parse_expression("2/x")) == r"\frac{2}{\mathbf{x}}"
    assert printer(parse_expression("(a + b)**2")) == r"\left(a + b\right)^{2}"
    assert printer(parse_expression("[[a, b], [c, d]]")) == \
        r"\begin{bmatrix}a & b \\ c & d\end{bmatrix}"


def test_products_of_numbers_and_signs_stay_readable():
    printer = Printer({})
    assert printer(parse_expression("2*3**2*x")) == r"2 \cdot 3^{2} x"
    assert printer(parse_expression("x*(-y)")) == r"x \left(-y\right)"
    assert printer(parse_expression("3*x**2*y")) == r"3 x^{2} y"


def test_a_negative_fraction_has_its_sign_in_front():
    """-2/N is -\\frac{2}{N} (not \\frac{-2}{N}), bracketed where it follows an
    operator."""
    printer = Printer({"v": "vector"})
    assert printer(parse_expression("-2/N * v")) == r"-\frac{2}{N} \mathbf{v}"
    assert printer(parse_expression("-1/2")) == r"-\frac{1}{2}"
    assert printer(parse_expression("x*(-1/2)")) == r"x \left(-\frac{1}{2}\right)"
    assert printer(parse_expression("x - (-x/2)")) == r"x - \left(-\frac{x}{2}\right)"
    assert printer(parse_expression("x*(-2*x)")) == r"x \left(-2 x\right)"


def test_max_min_and_abs_are_resolved_on_their_side_of_the_region():
    a = sympy.Symbol("a", real=True)
    assert resolve_steps(sympy.Max(0, x + z) * a, [x + z > 0]) == (x + z) * a
    assert resolve_steps(sympy.Min(0, x + z), [x + z > 0]) == 0
    assert resolve_steps(sympy.Abs(x), [x < 0]) == -x
    assert resolve_steps(sympy.Max(0, x), [x > 1]) == sympy.Max(0, x)  # not proven


def test_exact_values_at_rational_points_are_sympys():
    """quick_verdict's values, computed once per distinct node in fractions, are SymPy's
    own substitution (and a pole is skipped, not a value)."""
    from fractions import Fraction

    from sphinx_vcr.core.checking.compare import _exact_value

    a, b = sympy.symbols("a b", real=True)
    exprs = [(a**2 - b) / (a - 2 * b) ** 3 + sympy.Rational(-5, 3) * a * b,
             1 / (a - sympy.Rational(1, 2)), (a + b) ** -2 * (a - b) ** 4]
    for expr in exprs:
        for point in ({a: Fraction(1, 2), b: Fraction(3, 7)}, {a: Fraction(-4), b: 2}):
            value = expr.xreplace({s: sympy.Rational(v) for s, v in point.items()})
            found = _exact_value(expr, point)
            if value.is_finite:
                assert found == Fraction(int(value.p), int(value.q))
            else:
                assert found is None
