"""Zeros of guards along a line: never one left out, however close to another.

Each answer is checked against a dense grid: every sign change between neighbouring
grid points must lie in (or touch) an interval of the answer. A grid cannot see a band
narrower than its spacing, so the narrow bands are checked against their known zeros.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.checking import boundaries, intervals

x = sympy.Symbol("x", real=True)
R = sympy.Rational


def line(lo: float = -1000.0, hi: float = 1000.0, budget: int = 10000) -> boundaries.Line:
    return boundaries.Line(x, lo, hi, intervals.Budget(budget))


def covers(zeros: boundaries.Zeros, a: float, b: float) -> bool:
    return any(hi >= a and lo <= b for lo, hi in zeros)


def sign_changes(expr: sympy.Expr, lo: float, hi: float, count: int = 200001
                 ) -> list[tuple[float, float]]:
    grid = np.linspace(lo, hi, count)
    with np.errstate(all="ignore"):
        values = sympy.lambdify(x, expr, "numpy")(grid) * np.ones_like(grid)
    signs = np.sign(np.where(np.isfinite(values), values, np.nan))
    # a sign change, or a change between defined and undefined (a domain edge)
    changed = (signs[1:] != signs[:-1]) & ~(np.isnan(signs[1:]) & np.isnan(signs[:-1]))
    return [(grid[i], grid[i + 1]) for i in np.flatnonzero(changed)]


GUARDS = [
    sympy.Abs(x) - R(1, 1000),
    sympy.sin(x) - R(99999, 100000),
    sympy.cos(3 * x + 1) + R(1, 3),
    sympy.tan(x / 7) - 2,
    sympy.Max(x, 1 - x) - R(3, 4),
    sympy.Piecewise((x, x > 1), (-x, True)) - R(1, 2),
    x**3 - 2 * x + R(1, 10),
    sympy.sqrt(x) - 2,
    sympy.log(x**2) - 1,
    1 / (1 + sympy.exp(-x)) - R(1, 3),
    sympy.tanh(3 * x + 1) - R(1, 2),
    sympy.exp(x) - x - 2,                    # no closed form: isolated
    sympy.sin(x) + x / 10 - R(1, 2),          # no closed form: isolated
    x * sympy.exp(x) - 1,                     # no closed form: isolated
    1 / (x - R(1, 3)) - 5,                    # a pole and a zero
    sympy.Abs(sympy.sin(x)) - R(1, 2),
    sympy.Abs(x) - x + sympy.Max(x - 3, 0) - R(1, 2),  # zero on a whole piece: folded
]


@pytest.mark.parametrize("guard", GUARDS, ids=str)
def test_every_sign_change_on_a_dense_grid_is_found(guard):
    lo, hi = -50.0, 50.0
    zeros = boundaries.zeros(guard, line(lo, hi))
    for a, b in sign_changes(guard, lo, hi):
        assert covers(zeros, a, b), (guard, a, b)


@pytest.mark.parametrize("guard, band", [
    (sympy.Abs(x - R(1, 2)) - R(1, 10**12), (0.5 - 1e-12, 0.5 + 1e-12)),
    ((x - R(1, 2))**2 - R(1, 10**30), (0.5 - 1e-15, 0.5 + 1e-15)),  # a tangent pair
    (sympy.sin(x) - R(99999999, 10**8), (np.pi / 2 - 1.5e-4, np.pi / 2 + 1.5e-4)),
    (sympy.sin(x) + x / 10 - R(1162, 1000), (1.6, 1.75)),            # isolated
])
def test_both_ends_of_a_narrow_band_are_found(guard, band):
    zeros = boundaries.zeros(guard, line())
    inside = [z for z in zeros if band[0] <= z[0] and z[1] <= band[1]]
    assert len(inside) == 2, (zeros[:6], band)
    assert inside[0][1] < inside[1][0]  # two zeros, with an interval between them


def test_zeros_are_exact_where_solved():
    assert boundaries.zeros(sympy.Abs(x) - R(1, 1000), line()) == [(-0.001, -0.001),
                                                                    (0.001, 0.001)]
    zeros = boundaries.zeros(sympy.sin(x) - 1, line(0, 10))
    assert zeros == [(np.pi / 2, np.pi / 2), (np.pi / 2 + 2 * np.pi, np.pi / 2 + 2 * np.pi)]


def test_isolated_zeros_are_enclosed_tightly():
    zeros = boundaries.zeros(sympy.exp(x) - x - 2, line())
    assert len(zeros) == 2
    for lo, hi in zeros:
        assert hi - lo <= 1e-11 * max(1, abs(lo))
        assert float(sympy.exp(lo) - lo - 2) * float(sympy.exp(hi) - hi - 2) <= 0


def test_zeros_crowding_together_are_not_found():
    with pytest.raises(boundaries.Unsolved):
        boundaries.zeros(sympy.sin(1 / x), line(budget=2000))


def test_unsupported_functions_are_not_found():
    f = sympy.Function("f")
    with pytest.raises(boundaries.Unsolved):
        boundaries.zeros(f(x) + x, line())


def test_too_many_zeros_are_refused():
    with pytest.raises(boundaries.TooMany):
        boundaries.zeros(sympy.cos(x**2) - R(1, 2), line())
    assert len(boundaries.zeros(sympy.cos(x**2) - R(1, 2), line(-10, 10))) == 64


def test_a_shared_budget_runs_out():
    budget = intervals.Budget(50)
    with pytest.raises(boundaries.Unsolved):
        boundaries.zeros(sympy.sin(x) + x / 10 - R(1, 2), boundaries.Line(x, -50, 50, budget))


@pytest.mark.parametrize("expr, inside, excluded", [
    (sympy.sqrt(x), (1, 4), None),
    (sympy.log(x), (-2, -1), "empty"),
    (sympy.log(x), (-1, 1), "unbounded"),
    (1 / x, (-1, 1), "unbounded"),
    (sympy.Piecewise((x, x > 0), (x - 5, True)), (-1, 1), None),
    (sympy.Max(x, 2 - x) + sympy.sign(x - 3), (0, 4), None),
])
def test_enclosures_contain_every_value(expr, inside, excluded):
    enclosed = intervals.enclosure(expr, x)(intervals.interval(*inside))
    if excluded == "empty":
        assert enclosed is None
        return
    if excluded == "unbounded":
        assert not np.isfinite(float(intervals.upper(enclosed)))
        return
    grid = np.linspace(*inside, 10001)
    values = sympy.lambdify(x, expr, "numpy")(grid)
    assert float(intervals.lower(enclosed)) <= values.min()
    assert values.max() <= float(intervals.upper(enclosed))


def test_a_guard_zero_on_a_whole_interval_has_both_ends_found():
    # sum of |x - k| for k = 1..20 is exactly 100 on [10, 11]: neither solved in closed
    # form (too many kinks to fold) nor isolable without the mean value form
    guard = sum(sympy.Abs(x - k) for k in range(1, 21)) - 100
    zeros = boundaries.zeros(guard, line())
    assert len(zeros) == 2
    assert zeros[0][0] <= 10 <= zeros[0][1] and zeros[1][0] <= 11 <= zeros[1][1]


def test_periods_within_periods_are_counted_together():
    # 32 values of 100*sin(x), each with some 600 zeros of sin(x) over the window
    with pytest.raises(boundaries.TooMany):
        boundaries.zeros(sympy.sin(100 * sympy.sin(x)) - R(1, 2), line())


@pytest.mark.parametrize("expr", [
    3 * x + 1, x, -x, x / 7 - R(2, 3), sympy.pi * x + 1, sympy.sqrt(2) * x,
    R(1, 10**30) * x - R(1, 10**31), 2 * x**2 + x, x * (x + 1), (x - 1) * (x + 1)])
def test_linear_guards_give_the_zeros_a_poly_would(expr):
    """The shortcut for ``a*x + b`` (no ``Poly``) finds the same zeros as the general
    route, and leaves every other polynomial to it."""
    found = boundaries.zeros(expr, line())
    coefficients = [boundaries._exact(c) for c in sympy.Poly(expr, x).all_coeffs()]
    linear = boundaries._linear(expr, x)
    assert linear == (coefficients if len(coefficients) == 2 else None)
    roots = sorted(float(r) for r in sympy.real_roots(sympy.Poly(coefficients, x,
                                                                 domain="QQ")))
    assert len(found) == len(roots)
    for (lo, hi), root in zip(found, roots):
        assert lo - 1e-12 * abs(root) <= root <= hi + 1e-12 * abs(root)


W, V, B = sympy.symbols("w v b", real=True)
LINEAR_GUARDS = [W * x + B, 3 * W * x - V * x + B**2 / 7, x / W + B, x + R(1, 3),
                 W * V * x - B * V + 1]


@pytest.mark.parametrize("guard", LINEAR_GUARDS)
def test_a_linear_guard_has_the_zero_the_general_route_finds(guard):
    """:class:`boundaries.Linear` (exact fractions, no SymPy per line) gives on each
    line the zero of the guard with the line's coordinates substituted."""
    from fractions import Fraction

    form = boundaries.Linear.of(guard, x)
    assert form is not None
    rng = np.random.default_rng(5)
    for base in [*rng.uniform(-3, 3, (20, 3)), (0.0, 0.5, 0.0), (1e-300, 3.0, 1e300)]:
        values = dict(zip((W, V, B), map(float, base)))
        found = form.zeros({s: Fraction(v) for s, v in values.items()})
        if found is None:  # no value of a coefficient here (w = 0 in x/w): the
            assert values[W] == 0 and guard.has(1 / W)  # general route decides
            continue
        fixed = {s: R(v) for s, v in values.items()}
        assert found[0] == boundaries.zeros(guard.xreplace(fixed), line())


def test_a_zero_too_far_out_is_left_out_and_said_so():
    form = boundaries.Linear.of(W * x + B, x)
    assert form.zeros({W: 1e-300, B: 1e300}) == ([], True)
    assert form.zeros({W: 0.0, B: 1.0}) == ([], False)  # constant on this line


@pytest.mark.parametrize("guard", [sympy.pi * x + 1, sympy.sqrt(W) * x + B, 0.5 * x + B,
                                   W * (x + B), x**2 + W * x, sympy.sin(x) + W,
                                   sympy.exp(W) * x, B + W])
def test_other_forms_are_left_to_the_general_route(guard):
    assert boundaries.Linear.of(guard, x) is None


def test_close_roots_of_curved_guards_are_isolated_apart_and_equal_ones_once():
    from fractions import Fraction

    from sphinx_vcr.core.checking.boundaries import _T, gaps_between, separated

    tiny = sympy.Rational(1, 10**30)
    p, q = sympy.Poly(_T**2 - 2, _T), sympy.Poly(_T**2 - 2 - tiny, _T)
    found = separated([], [p, q])
    assert len(found) == 4 and all(a[1] < b[0] for a, b in itertools.pairwise(found))
    # a point strictly between sqrt(2) and sqrt(2 + 1e-30), and between their negatives
    def exact(v):
        if isinstance(v, float):
            return Fraction(v)
        sign, man, exp, _ = v._mpf_  # an mpmath number that is a dyadic rational
        return (-1 if sign else 1) * Fraction(man) * Fraction(2) ** exp

    inside = [exact(v) for v in gaps_between(found)]
    assert any(2 < g * g < 2 + Fraction(1, 10**30) and g > 0 for g in inside)
    assert any(2 < g * g < 2 + Fraction(1, 10**30) and g < 0 for g in inside)
    # a common root (of x**2 - 2 and x**3 - 2x), and a linear guard's root on a curve's
    twice = separated([Fraction(0)], [p, sympy.Poly(_T**3 - 2 * _T, _T)])
    assert len(twice) == 3
