"""Two kinks closer than a double's spacing: the piece between them must be probed.

Zeros of guards are rounded to doubles to place the probes between them. Two zeros
closer than that (``x - 1/3`` and ``x - 0.3333333333333333``, 3e-17 apart) rounded to
one double, and the piece between them got no probe: a claim wrong only there (a
where() written with the decimal instead of 1/3) verified. Now every interval between
exact zeros of guards linear along a line gets a probe: the double inside it if there
is one, else a coordinate that is not a double, an exact dyadic rational, compared in
certified arithmetic (:func:`.boundaries.gaps`, :class:`.regions.Coverage`).

Each wrong claim here differs from the derivative only on such a piece (of width
3e-17 down to 1e-100), with relu, max, min, abs and where, in one variable, along a
line of a vector and with a second coordinate; each right one must still verify.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import mpmath
import pytest

from sphinx_vcr.core.checking import boundaries
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

WRONG = [
    # the brief's case: the one double between the kinks was never probed
    ("relu(x - 1/3)", "where(x > 0.3333333333333333, 1, 0)", {}),
    ("relu(x - 1/3)", "where(x > 0.3333333333333334, 1, 0)", {}),
    # no double between the kinks at all: probed at an exact dyadic rational
    ("relu(x - 1/3)", "where(x > 1/3 + 10**-30, 1, 0)", {}),
    ("relu(x - 1/3)", "where(x > 1/3 - 10**-30, 1, 0)", {}),
    ("max(x, 1/3)", "where(x > 1/3 - 10**-20, 1, 0)", {}),
    ("min(x, 1/3) + min(x, 0.3333333333333333)",
     "where(x < 1/3, 1, 0) + where(x < 1/3, 1, 0)", {}),
    ("abs(x - 1/3)", "where(x > 0.3333333333333333, 1, -1)", {}),
    ("abs(x - 1/10)", "where(x > 0.1 + 10**-100, 1, -1)", {}),
    ("where(x > 1/3, x**2, 0)", "where(x > 0.3333333333333333, 2*x, 0)", {}),
    # along a line through a sample point, the kink depending on another coordinate
    ("relu(x - y/3)", "where(x > 0.3333333333333333*y, 1, 0)", {"vars": "y"}),
    ("abs(x + y/7)", "where(x + 0.14285714285714285*y > 0, 1, -1)", {"vars": "y"}),
]

RIGHT = [
    ("relu(x - 1/3)", "where(x > 1/3, 1, 0)", {}),
    ("relu(x - 1/3)", "where(x >= 1/3, 1, 0)", {}),  # the kink itself: either convention
    ("abs(x - 1/3)", "where(x > 1/3, 1, -1)", {}),
    ("abs(x - 1/10)", "where(x > 0.1, 1, -1)", {}),  # 0.1 is 1/10 as written
    ("min(x, 1/3) + min(x, 0.3333333333333333)",
     "where(x < 1/3, 1, 0) + where(x < 0.3333333333333333, 1, 0)", {}),
    ("relu(x - y/3)", "where(3*x > y, 1, 0)", {"vars": "y"}),
    ("max(x, 1/3) + max(x, 1/3 + 10**-30)",
     "where(x > 1/3, 1, 0) + where(x > 1/3 + 10**-30, 1, 0)", {}),
]


def _check(body: str, claim: str, more: dict) -> object:
    options = {"wrt": "x", "expect": claim, **more}
    return compute("derivative", body, [], options, Settings(), f"{body}|{claim}")


@pytest.mark.parametrize(("body", "claim", "more"), WRONG)
def test_a_claim_wrong_only_between_close_kinks_fails(body: str, claim: str,
                                                      more: dict) -> None:
    outcome = _check(body, claim, more)
    assert outcome.status == "failed", outcome.message
    assert "does not hold" in outcome.message


@pytest.mark.parametrize(("body", "claim", "more"), RIGHT)
def test_a_right_claim_between_close_kinks_verifies(body: str, claim: str,
                                                    more: dict) -> None:
    outcome = _check(body, claim, more)
    assert outcome.status == "verified", outcome.message


def _as_fraction(number: object) -> Fraction:
    if isinstance(number, float):
        return Fraction(number)
    sign, man, exp, _ = number._mpf_
    return Fraction(-man if sign else man) * Fraction(2) ** exp


@pytest.mark.parametrize("width", [Fraction(1, 10**17), Fraction(1, 10**30),
                                   Fraction(1, 10**100), Fraction(1, 2**1100)])
@pytest.mark.parametrize("start", [Fraction(1, 3), Fraction(-7, 3), Fraction(10**20, 3),
                                   Fraction(0), Fraction(1, 10**300)])
def test_every_narrow_piece_gets_a_point_strictly_inside(start: Fraction,
                                                         width: Fraction) -> None:
    """Each interval between the roots gets a point strictly inside it here, unless a
    double lies strictly between the doubles its ends round to (then the probes placed
    between rounded zeros see it)."""
    roots = [start, start + width, start + 2 * width]
    found = iter(boundaries.gaps(roots))
    for a, b in itertools.pairwise(roots):
        if math.nextafter(float(a), math.inf) < float(b):
            continue
        point = next(found)
        assert a < _as_fraction(point) < b
        assert isinstance(point, float | mpmath.mpf)
    assert next(found, None) is None
    if start == Fraction(1, 3) and width <= Fraction(1, 10**17):
        assert len(boundaries.gaps(roots)) == 2  # (the case that needed them)


def test_pieces_wide_enough_for_doubles_are_left_to_the_usual_probes() -> None:
    assert boundaries.gaps([Fraction(0), Fraction(1), Fraction(2)]) == []
    assert boundaries.gaps([Fraction(1, 3)]) == []
    # neighbours as doubles, with a double strictly inside: that double
    low = Fraction(0.5)
    found = boundaries.gaps([low - Fraction(1, 2**60), low + Fraction(1, 2**60)])
    assert found == [0.5]
