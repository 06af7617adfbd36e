"""Attacks of session 13 (/work/attack-s13) on the exact stage and the fine comparison.

Found and fixed here, each a wrong claim that verified before:

- a constant far below 150 digits inside a function (``exp(x + 10**-200)``): the fine
  comparison now takes as many more digits as the constants of the claim and the
  derivative span (``compare.fine_precision``);
- a piece 1e-200 wide beside a kink at 1/3, and roots of ``x**2 - 2`` and
  ``x**2 - 2 - 10**-155``: the exact probes, and the refinements that tell close roots
  apart, scale with those digits too;
- guards of degree 9 to 16 (``x**9 - x - 1``, a product of three cubics) got no exact
  probes; now up to 16 do.

And two internal errors: an ``OverflowError`` out of ``cancel`` (softmax with
``1 + 10**-200``) and a constant past a double (``10**400``), now the message about
double precision.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options):
    return compute(kind, argument, [], dict(options), Settings(), "attack-s13")


@pytest.mark.parametrize("argument, expect", [
    ("exp(x)", "exp(x + 10**-200)"),
    ("sin(x)", "cos(x + 10**-200)"),
    ("exp(x)", "exp(x*(1+10**-200))"),
    ("x**2", "2*x*exp(10**-200*x)"),
    ("tanh(x)", "1-tanh(x+10**-200)**2"),
    ("exp(x)", "exp(x)*(1+exp(-1000))"),
])
def test_a_constant_far_below_150_digits_inside_a_function_fails(argument, expect):
    out = run("derivative", argument, {"wrt": "x", "expect": expect})
    assert out.status == "failed", out.badge


@pytest.mark.parametrize("argument, expect", [
    ("abs(x - 1/3)", "where(x - 1/3 > 10**-200, 1, -1)"),
    ("max(0, x**2 - 2)", "where(x**2 - 2 > 10**-155, 2*x, 0)"),
    ("max(0, x**9 - x - 1)", "where(x**9 - x - 1 >= 10**-30, 9*x**8 - 1, 0)"),
    ("max(0, (x**3-2)*(x**3-3)*(x**3-5))",
     "where((x**3-2)*(x**3-3)*(x**3-5) >= 10**-30, diff((x**3-2)*(x**3-3)*(x**3-5), x), 0)"),
])
def test_a_claim_wrong_on_a_piece_thinner_than_150_digits_fails(argument, expect):
    out = run("derivative", argument, {"wrt": "x", "expect": expect})
    assert out.status == "failed", out.badge


@pytest.mark.parametrize("argument, expect", [
    ("sqrt(x**2 + 10**-300)", "x/sqrt(x**2 + 10**-300)"),
    ("max(0, x**9 - x - 1)", "where(x**9 - x - 1 >= 0, 9*x**8 - 1, 0)"),
    ("abs(x - 1/3)", "where(x - 1/3 > 0, 1, -1)"),
    ("exp(x + 10**-200)", "exp(x + 10**-200)"),
])
def test_their_correct_twins_verify(argument, expect):
    out = run("derivative", argument, {"wrt": "x", "expect": expect})
    assert out.status == "verified", out.message


def test_an_overflow_in_cancel_is_no_internal_error():
    out = run("gradient", "logsumexp(z)", {"wrt": "z[n]",
                                           "expect": "softmax(z * (1 + 10**-200)).T"})
    assert out.status == "failed", out.message


def test_a_constant_past_a_double_is_the_double_precision_message():
    out = run("derivative", "10**400*x", {"wrt": "x", "expect": "10**400"})
    assert out.status == "error" and "double precision" in out.message, out.message
