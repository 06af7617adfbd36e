"""symengine's compilation of the numeric checks computes what lambdify's does.

:mod:`sphinx_vcr.core.symbolic.compiled` must give the same doubles (nan where a value
is not real) or refuse (lambdify then compiles): never a different value.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.checking import numeric
from sphinx_vcr.core.symbolic import Unsupported
from sphinx_vcr.core.symbolic.compiled import compile_points

x, y = sympy.symbols("x y", real=True)
POINTS = np.array([[-1.5, 2.0], [0.0, 1.0], [2.0, -3.0], [1e-300, 1e300]])
EXPRS = [sympy.sqrt(x), sympy.log(x), x**sympy.Rational(1, 3), x**y,
         sympy.Heaviside(x, 0), sympy.Heaviside(x), sympy.Abs(x), 1 / x, sympy.exp(1000 * x),
         sympy.tanh(x),
         sympy.Piecewise((x, sympy.And(x > 0, y < 2)), (y, True)), sympy.Integer(3),
         sympy.tan(x), sympy.pi * x, sympy.E**y]


def _both(exprs, symbols):
    saved = numeric.FAST
    try:
        numeric.FAST = True
        fast = numeric.compile_function(exprs, symbols)(POINTS)
        numeric.FAST = False
        slow = numeric.compile_function(exprs, symbols)(POINTS)
    finally:
        numeric.FAST = saved
    return fast, slow


def test_same_values_as_lambdify():
    compile_points(EXPRS, [x, y])  # all of them take the fast path
    fast, slow = _both(EXPRS, [x, y])
    np.testing.assert_allclose(fast, slow, rtol=1e-15, atol=0, equal_nan=True)


def test_huge_exact_numbers_are_left_to_lambdify():
    """3**2000 / 7**1130 as two doubles is inf / inf: a correct claim became an error."""
    coefficient = sympy.Integer(3)**2000 / sympy.Integer(7)**1130
    with pytest.raises(Unsupported):
        compile_points([coefficient * x], [x])
    fast, slow = _both([coefficient * x], [x, y])
    assert np.isfinite(fast).all() and np.array_equal(fast, slow)


def test_symbols_are_found_by_identity_not_name():
    other = sympy.Symbol("x")  # same name, not the argument
    with pytest.raises(Unsupported):
        compile_points([other + x], [x])


def test_an_unknown_function_is_refused():
    with pytest.raises(Unsupported):
        compile_points([sympy.Function("f")(x)], [x])


@pytest.mark.parametrize("expr", [sympy.Max(0, x, y, x + y), sympy.Min(x, y, 2, x - y),
                                  sympy.sign(x), sympy.Piecewise((x, x > 0))])
def test_what_would_lose_a_nan_or_crash_is_left_to_lambdify(expr):
    # symengine's compiled max/min/sign drop a nan (max and min of up to three
    # arguments are compiled as comparisons instead, below); a Piecewise without a
    # default crashed the process where no condition held (tests/hostile/test_attack_fast*)
    with pytest.raises(Unsupported):
        compile_points([expr], [x, y])
    fast, slow = _both([expr], [x, y])
    np.testing.assert_array_equal(fast, slow)


def test_max_and_min_are_compiled_as_numpy_computes_them():
    """Max and Min of two or three arguments (relu is Max(0, z)) are compiled as the
    Piecewise of their comparisons: the doubles of numpy.amax/amin in lambdify's code
    bit for bit, nan propagated, and of equal arguments the later (-0.0 for
    max(0.0, -0.0), as NumPy gives)."""
    import itertools

    z = sympy.Symbol("z", real=True)
    values = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 5e-324, 1e308, -2.5]
    points = np.array(list(itertools.product(values, repeat=3)))
    for expr in [sympy.Max(0, x), sympy.Max(x, y), sympy.Min(x, y), sympy.Max(x, y, z),
                 sympy.Min(0, x, y), sympy.Max(0, sympy.log(x)), sympy.Min(x, 1 / y),
                 sympy.Max(0, x + y) * y - sympy.Min(x, z) ** 2]:
        bitwise = isinstance(expr, sympy.Max | sympy.Min)
        compile_points([expr], [x, y, z])  # the fast path
        saved = numeric.FAST
        try:
            numeric.FAST = True
            fast = numeric.compile_function([expr], [x, y, z])(points)
            numeric.FAST = False
            slow = numeric.compile_function([expr], [x, y, z])(points)
        finally:
            numeric.FAST = saved
        assert np.array_equal(np.isnan(fast), np.isnan(slow)), expr
        fast, slow = fast[~np.isnan(fast)], slow[~np.isnan(slow)]
        # (the arithmetic around them is symengine's: -0.0 may come out as 0.0)
        assert np.array_equal(fast.view(np.int64), slow.view(np.int64)) if bitwise \
            else np.array_equal(fast, slow), expr


def test_a_shared_determinant_is_computed_once_with_the_same_values():
    """An inverse's entries share one determinant: its tree is many times its graph,
    so it is compiled with common sub-expressions (a tree walk took 30 s at (125))."""
    from sphinx_vcr.core.symbolic.compiled import shared

    entries = sympy.symbols("a:9", real=True)
    matrix = sympy.Matrix(3, 3, entries)
    inverse = list((matrix.T * matrix).inv())
    assert shared(inverse) and not shared(EXPRS)
    rng = np.random.default_rng(3)
    points = rng.uniform(-2, 2, (20, 9))
    fast = compile_points(inverse, entries)(points)
    slow = sympy.lambdify(entries, inverse, "numpy")
    expected = np.array([np.broadcast_to(v, 20) for v in slow(*points.T)], dtype=float)
    assert np.allclose(fast, expected, rtol=1e-9, atol=0)
