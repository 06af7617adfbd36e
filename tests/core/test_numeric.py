"""Finite differences: accurate on smooth functions, never across kinks or poles."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.checking.numeric import Sampler, _extrapolate, guard_expressions
from sphinx_vcr.core.errors import DomainError

x, y = sympy.symbols("x y", real=True)


def sampler(expr, wrt=(x,), conditions=(), seed=1):
    jac = sympy.Matrix([[sympy.diff(expr, s) for s in wrt]])
    return Sampler([expr], jac, list(wrt), [], list(conditions), [], seed)


def test_ridders_is_accurate_with_a_sound_error_estimate():
    s = sampler(sympy.exp(x) * sympy.sin(3 * x))
    point = np.array([0.7])
    fd, err, _ = s.ridders(point)
    exact = float((sympy.exp(x) * (sympy.sin(3 * x) + 3 * sympy.cos(3 * x))).subs(x, 0.7))
    assert abs(fd[0, 0] - exact) < 1e-10
    assert abs(fd[0, 0] - exact) <= 10 * err[0, 0] + 1e-12


def test_extrapolation_removes_the_step_error():
    # central differences of x**3 at 1 are 3 + h**2: the tableau extrapolates h -> 0
    h = 0.1 / 1.4 ** np.arange(10)
    best, error = _extrapolate((3 + h**2)[None, :, None])
    assert abs(best[0, 0] - 3) < 1e-12 and error[0, 0] < 1e-10


@pytest.mark.parametrize("expr, kink", [
    (sympy.Abs(x - 1), x - 1),
    (sympy.Max(0, x + y), x + y),
    (1 / (x - 0.5), x - 0.5),
    (sympy.log(x), x),
])
def test_guards_mark_kinks_and_poles(expr, kink):
    assert any(sympy.simplify(g - kink) == 0 or sympy.simplify(g + kink) == 0
               for g in guard_expressions([expr]))


def test_points_stay_inside_where_and_stencils_off_kinks():
    s = sampler(sympy.Abs(x - 1) + sympy.Max(0, x), conditions=[x < 1.5])
    sample = s.draw(20, 1e-6, 1e-9)
    assert np.all(sample.points[:, 0] < 1.5)
    assert sample.mismatch is None
    # a stencil across a kink is refused, at any step
    assert s.ridders(np.array([1.01])) is None
    assert s.ridders(np.array([1.01]), 0.01) is not None


@pytest.mark.parametrize("expr", [
    sympy.Max(0, sympy.sin(60 * x)),              # kinks 0.05 apart: two in one step
    sympy.Abs(sympy.sin(40 * x)),
    x * sympy.cos(1000 * x),                      # too fast for the first step
])
def test_correct_derivatives_of_nasty_functions_are_never_flagged(expr):
    for seed in range(8):
        assert sampler(expr, seed=seed).draw(5, 1e-6, 1e-9).mismatch is None


def test_a_wrong_derivative_is_caught_numerically():
    s = Sampler([x**3], sympy.Matrix([[3 * x**2 + 1e-3]]), [x], [], [], [], 3)
    assert s.draw(5, 1e-6, 1e-9).mismatch is not None


@pytest.mark.parametrize("wrong", [2, -1, 0.5])
@pytest.mark.parametrize("at", [-1.71, -1.33, 1.235])
def test_a_step_that_cannot_tell_right_from_wrong_does_not_count(wrong, at):
    # The derivative of sin(100 x)/10**7 is about 1e-5 here, far above vcr_atol; the
    # first step's error estimate (~1e-5) was accepted as reliable because it was below
    # an absolute 1e-4, and ten times it let any multiple of the derivative pass.
    expr = sympy.sin(100 * x) / 10**7
    point = np.array([at])
    s = Sampler([expr], sympy.Matrix([[wrong * sympy.diff(expr, x)]]), [x], [], [], [], 1)
    verdict = s.judge(point, 1e-6, 1e-9)
    assert verdict is None or verdict[1] is not None
    right = sampler(expr).judge(point, 1e-6, 1e-9)
    assert right is not None and right[1] is None and right[0] < 1e-6


def test_sampling_is_deterministic():
    a = sampler(x * y, wrt=(x, y), seed=42).draw(5, 1e-6, 1e-9).points
    b = sampler(x * y, wrt=(x, y), seed=42).draw(5, 1e-6, 1e-9).points
    assert np.array_equal(a, b)


def test_empty_region_is_a_domain_error():
    with pytest.raises(DomainError, match="no sample point satisfies :where:"):
        sampler(x**2, conditions=[x > 1000]).draw(5, 1e-6, 1e-9)
    with pytest.raises(DomainError, match="no finite real value"):
        sampler(sympy.log(-x**2 - 1)).draw(5, 1e-6, 1e-9)


def test_regions_outside_the_usual_range_are_found():
    xs = sampler(x**2, conditions=[x > 5]).draw(5, 1e-6, 1e-9).points[:, 0]
    assert np.all(xs > 5)


def test_printing_each_sub_expression_once_prints_the_same_code():
    """The code printer's memo (numeric.PrivateNamesPrinter._print) changes no text:
    every expression prints as without it, shared parts and brackets included."""
    from sphinx_vcr.core.checking import numeric

    class Forgetful(dict):
        def __setitem__(self, key, value):
            pass  # nothing kept: every node printed afresh

    x, y, z = sympy.symbols("x y z", real=True)
    d = x * y - z**2
    exprs = [x / d, -(y / d) ** 2, sympy.Piecewise((d, x > 0), (-d, True)) * sympy.sin(d),
             sympy.Max(0, d) + sympy.Abs(d) * sympy.exp(-d), (d**2 + 1) ** sympy.Rational(3, 2)]
    texts = []
    for memo in (True, False):
        printer = numeric.code_printer(numeric.PrivateNamesPrinter)
        printer.names = {s: f"_vcr_{k}" for k, s in enumerate((x, y, z))}
        if not memo:
            printer._printed = Forgetful()
        texts.append([printer.doprint(e) for e in exprs])
    assert texts[0] == texts[1]
    fn = numeric.compile_function(exprs, [x, y, z])
    point = np.array([[0.7, -1.3, 0.4]])
    expected = [float(e.subs({x: 0.7, y: -1.3, z: 0.4})) for e in exprs]
    assert np.allclose(fn(point)[:, 0], expected)
