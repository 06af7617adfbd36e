"""The tree walker of core/checking/certified.py: plain values, and enclosures that hold.

An enclosure must contain the exact value (checked against SymPy's own evaluation at
exact rational points, to 80 digits), for every node type that claims and derivatives
are made of; where a value does not exist in the reals, there is none; where a
condition cannot be decided, the enclosure covers every branch it could take.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

from sphinx_vcr.core.calculus.evaluate import sigmoid
from sphinx_vcr.core.checking import certified

x, y, z = sympy.symbols("x y z", real=True)
POINTS = [{x: 0.5, y: -1.25, z: 1.75}, {x: -0.3, y: 0.7, z: -1.9},
          {x: 1.9, y: 0.25, z: 0.0}]

EXPRESSIONS = [
    x + y * z, x * y - z**3, x**-3, (x**2 + 1)**sympy.Rational(3, 2),
    (x**2 + 1)**sympy.Rational(-1, 2), (y**2 + 2)**sympy.Rational(1, 3),
    (x**2 + 1)**y, sympy.exp(x) * sympy.log(y**2 + 1), sympy.sin(x) + sympy.cos(y),
    sympy.tan(x), sympy.tanh(y), sympy.tanh(40 * x), sympy.Abs(y), sympy.sign(y),
    sympy.sign(z), sympy.Heaviside(y), sympy.Heaviside(z), sympy.Heaviside(z, 0),
    sympy.Max(x, y, z), sympy.Min(x, y, z), sympy.Max(0, y), sigmoid(x),
    sigmoid(x) * (1 - sigmoid(x)), sympy.E * x + sympy.pi,
    sympy.Piecewise((x, y > 0), (y, sympy.And(x > 0, sympy.Ne(y, 1))), (z, True)),
    sympy.Piecewise((1, sympy.Or(y >= 1, sympy.Eq(z, 0))), (2, sympy.Not(x < 0)),
                    (3, True)),
    sympy.Piecewise((x, sympy.LessThan(y, z)), (-x, True)),
    sympy.Float("0.1", 80) * x, sympy.Rational(1, 3) * x + sympy.Integer(10)**-200,
    sympy.DiracDelta(y + 2) * 5 + x,
]


def exact(point: dict[sympy.Symbol, float]) -> dict[sympy.Symbol, sympy.Rational]:
    return {s: sympy.Rational(v) for s, v in point.items()}


def reference(expr: sympy.Expr, point: dict[sympy.Symbol, float]) -> mpmath.mpf:
    value = sympy.N(expr.xreplace(exact(point)), 80)
    with mpmath.workdps(90):
        return mpmath.mpf(str(value))


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_enclosures_contain_the_exact_value(expr):
    for point in POINTS:
        true = reference(expr, point)
        with mpmath.workdps(90):
            ball = certified.enclosure(expr, point, 30)
            assert ball is not None, point
            low, high = (mpmath.mp.make_mpf(end) for end in ball._mpi_)
            assert low <= true <= high, (point, ball, true)
            assert high - low <= mpmath.mpf(10)**-25 * max(1, abs(true))  # and tight


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_plain_values_agree_with_sympy(expr):
    for point in POINTS:
        true = reference(expr, point)
        value = certified.evaluate([expr], point, 50)[0]
        with mpmath.workdps(60):
            assert abs(value - true) <= mpmath.mpf(10)**-45 * max(1, abs(true)), point


@pytest.mark.parametrize("expr", [
    sympy.log(y), sympy.sqrt(y), y**sympy.Rational(1, 3), y**x, 1 / z, z**-2,
    sympy.log(z), sympy.Piecewise((x, y > 0)), sympy.gamma(x), sympy.I * x,
    sympy.Symbol("w", real=True), sympy.zoo, sympy.nan, sympy.oo, sympy.DiracDelta(z),
    sympy.exp(sympy.exp(sympy.exp(sympy.exp(10 * x + 10)))), sympy.sin(sympy.exp(70000) * x),
], ids=str)
def test_no_value_outside_the_real_domain(expr):
    point = {x: 0.5, y: -1.25, z: 0.0}
    assert certified.evaluate([expr], point, 50) == [None]
    assert certified.enclosure(expr, point, 50) is None


def test_huge_and_tiny_magnitudes_are_computed():
    tiny = sympy.exp(-10**30 * x**2)
    assert certified.excludes_zero(certified.enclosure(tiny, {x: 0.5}, 50))
    assert certified.evaluate([tiny], {x: 0.5}, 50)[0] > 0
    huge = sympy.exp(sympy.exp(sympy.exp(5 * x)))
    assert certified.enclosure(huge, {x: 1.0}, 50) is not None


def test_a_certainly_non_zero_difference_however_small():
    at = {x: 0.5}
    assert certified.excludes_zero(certified.enclosure(
        sympy.sin(x) * sympy.exp(-10**9 * x**2), at, 50))
    assert certified.excludes_zero(certified.enclosure(2 * sympy.exp(-500) * sympy.cos(x),
                                                       at, 50))
    assert certified.excludes_zero(certified.enclosure(sympy.Integer(10)**-200, at, 50))
    # Rounding of exact cancellation proves nothing.
    noise = sympy.sin(x)**2 + sympy.cos(x)**2 - 1
    with sympy.evaluate(False):
        cancelled = (2 * x + sympy.exp(-10**9 * x**2)) - 2 * x - sympy.exp(-10**9 * x**2)
    for expr in (noise, cancelled):
        assert not certified.excludes_zero(certified.enclosure(expr, at, 50))
        assert not certified.excludes_zero(certified.enclosure(expr, at, 150))
    wide, narrow = (certified.bound(certified.enclosure(noise, at, d)) for d in (50, 150))
    assert narrow < wide * mpmath.mpf(10)**-90  # it shrinks with the digits


def test_undecided_conditions_cover_every_branch():
    noise = sympy.sin(x)**2 + sympy.cos(x)**2  # 1, but no enclosure decides "> 1"
    at = {x: 0.5}
    for expr, values in [
        (sympy.Piecewise((2, noise > 1), (3, True)), (2, 3)),
        (sympy.Heaviside(noise - 1), (0, 1)),
        (sympy.sign(noise - 1), (-1, 1)),
    ]:
        ball = certified.enclosure(expr, at, 50)
        for value in values:
            assert value in ball, (expr, ball)
    assert certified.enclosure(sympy.log(noise - 1), at, 50) is None


def test_steps_at_zero_follow_sympy():
    at = {z: 0.0}
    assert certified.evaluate([sympy.Heaviside(z), sympy.sign(z), sympy.Max(0, z),
                               sympy.Abs(z)], at, 30) == [0.5, 0, 0, 0]
    assert certified.bound(certified.enclosure(sympy.Heaviside(z, 0), at, 30)) == 0


def test_the_interval_precision_is_restored():
    before = mpmath.iv.prec
    certified.enclosure(x + 1, {x: 0.5}, 300)
    certified.enclosure(sympy.log(x), {x: -0.5}, 300)  # no value: raised inside
    assert mpmath.iv.prec == before


def test_symbols_are_looked_up_by_identity_not_by_name():
    e = sympy.Symbol("e", real=True)
    mpf = sympy.Symbol("mpf", real=True)
    values = certified.evaluate([e, e + sympy.E, mpf / 2], {e: 0.5, mpf: 3.0}, 30)
    assert values[0] == 0.5 and values[2] == 1.5
    assert abs(values[1] - (0.5 + mpmath.e)) < 1e-14


def test_a_point_evaluated_again_reuses_nothing_stale():
    """Values are reused from the previous call at an equal point only: a caller's dict
    changed in place, another precision or the other arithmetic gets its own values."""
    point = {x: 0.5, y: 2.0}
    assert certified.evaluate([x * y], point, 30) == [1]
    point[y] = 3.0  # the same dict, changed
    assert certified.evaluate([x * y, y], point, 30) == [1.5, 3]
    assert certified.evaluate([x * y], {x: 0.5, y: 3.0}, 30) == [1.5]
    third = certified.evaluate([x / 3], {x: 1.0}, 40)[0]
    coarser = certified.evaluate([x / 3], {x: 1.0}, 30)[0]  # not the 40-digit value
    with mpmath.workdps(40):
        assert third == mpmath.mpf(1) / 3 != coarser
    with mpmath.workdps(30):
        assert coarser == mpmath.mpf(1) / 3
    ball = certified.enclosure(x / 3, {x: 1.0}, 30)
    with mpmath.workdps(60):
        assert certified.excludes_zero(ball) and mpmath.mpf(1) / 3 in ball


def test_coordinates_below_double_precision_are_rounded():
    """A coordinate kept converted at many digits is not handed to a walk in fewer than
    a double's 53 bits, where the working precision rounds it."""
    certified.evaluate([x], {x: 0.1}, 50)
    with mpmath.workdps(5):
        rounded = mpmath.mpf(0.1)
    assert certified.evaluate([x], {x: 0.1}, 5)[0] == rounded != mpmath.mpf(0.1)
