"""Exact decisions on rational differences by polynomial arithmetic (:mod:`.rational`).

A zero numerator is a proof; a non-zero one proves a claim wrong only where every part
is a rational function of the symbols. Opaque parts (``exp``, ``Abs``, roots) are
independent generators, so a relation among them is never taken for a difference, and
the budget is on the real size of the polynomials made.
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.checking import rational
from sphinx_vcr.core.checking.rational import Rational

x, y, z, t = sympy.symbols("x y z t", real=True)


def decide(expr: sympy.Expr) -> bool | None:
    return Rational([expr]).zero(expr)


@pytest.mark.parametrize("expr", [
    # the bases differ (no gcd is taken), the numerator still cancels
    1 / (x**2 - y**2) - 1 / ((x - y) * (x + y)),
    2 / (4 * x + 4) - 1 / (2 * x + 2),
    3 / (3 * x + 3 * y) - 1 / (x + y),
    (x**3 - 1) / (x - 1) - (x**2 + x + 1),
    # opaque parts that are one node cancel like symbols
    sympy.exp(z) / (sympy.exp(z) + 1) - 1 + 1 / (sympy.exp(z) + 1),
    ((x + 1) / sympy.sqrt(x**2 + y**2) - x * (x**2 + y**2) ** sympy.Rational(-1, 2)
     - 1 / sympy.sqrt(x**2 + y**2)),
    (x - y) * sympy.Abs(x + y) - x * sympy.Abs(x + y) + y * sympy.Abs(x + y),
])
def test_identities_are_proven(expr):
    assert expr != 0  # SymPy's own construction has not already decided it
    assert decide(expr) is True


@pytest.mark.parametrize("expr", [
    (x + 1) / (x - 1) - 1,
    1 / (x**2 - y**2) - 1 / ((x - y) * (x - y)),
    (x + y)**2 - x**2 - y**2 - sympy.Rational(2, 10**30) * x * y,  # tiny: still wrong
    sympy.Rational(1, 10**40),
])
def test_rational_differences_are_proven_wrong(expr):
    assert decide(expr) is False


@pytest.mark.parametrize("expr", [
    # true identities among opaque parts: never called wrong
    sympy.exp(x) * sympy.exp(y) - sympy.exp(x + y),
    sympy.Abs(x) ** 2 - x**2,
    sympy.sign(x) * sympy.Abs(x) - x,
    sympy.sqrt(x**2 + 1) ** 3 - (x**2 + 1) * sympy.sqrt(x**2 + 1) + sympy.sqrt(x) * 0 + (
        sympy.sqrt(x + 1) ** 2 - x - 1),
    sympy.log(x * y) - sympy.log(x) - sympy.log(y),
    sympy.Float(0.5) * x - x / 2,   # inexact numbers are not decided here
    sympy.I * x,
])
def test_opaque_or_inexact_parts_are_left_undecided(expr):
    assert decide(expr) is not False


def test_work_beyond_the_budget_is_undecided():
    # (x + y + z + t + 1)**40 has 135751 terms: refused on the way, not made
    assert decide((x + y + z + t + 1)**40 - (x + y + z + t + 2)**40) is None
    assert decide(x**1000 - y) is None  # an exponent beyond the limit


def test_the_budget_counts_terms_made(monkeypatch):
    monkeypatch.setattr(rational, "MAX_TERMS", 10)
    assert decide((x + y + z + 1)**4 - sympy.expand((x + y + z + 1)**4)) is None


def test_common_parts_are_converted_once():
    det = x * y - z * t
    entries = [y / det, -z / det, -t / det, x / det]
    forms = Rational(entries)
    assert [forms.zero(e) for e in entries] == [False] * 4
    assert sum(1 for node in forms.memo if node == det) == 1


def test_many_generators_shrink_the_budget():
    entries = sympy.symbols("e0:1000", real=True)
    assert Rational([sum(entries)]).zero(sum(entries)) is None  # beyond MAX_GENERATORS
    wide = sympy.symbols("w0:300", real=True)
    forms = Rational([sum(wide)])
    assert forms.max_terms < rational.MAX_TERMS
    assert forms.max_terms * 300 <= rational.MAX_EXPONENTS_STORED


def test_long_numbers_are_left_to_the_other_stages():
    huge = sympy.Integer(10) ** 5000
    assert decide(huge * x**60 - huge * x**60 + (huge * x + 1) ** 60) is None
    assert decide(sympy.Integer(10) ** 200 * x - x) is False  # short enough: decided
