"""What the attack-fast review left open, closed (session 8).

#8: ``max(0, log(-x**2 - 1))`` was an internal error (SymPy's "not comparable"): a form
with no real value anywhere is a located domain error.
#9: ``max(-1, min(1, x/abs(x)))`` claimed for d|x|/dx was a domain error blamed on the
function: its guards are zero all around each point (the piece is the same on both
sides), so those points are inside a piece, and the right claim verifies; a wrong one
still fails.
Heaviside(nan) was 0 on the fast path and 1 in lambdify's code: both give nan now.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.checking import numeric
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options):
    return compute(kind, argument, [], options, Settings(),
                   f"leftovers|{kind}|{argument}|{options}")


@pytest.mark.parametrize("fast", [True, False])
def test_max_of_a_form_never_real_is_a_located_domain_error(fast, monkeypatch):
    monkeypatch.setattr(numeric, "FAST", fast)
    out = run("derivative", "2*x + max(0, log(-x**2-1))", {"wrt": "x"})
    assert (out.status, out.subtype) == ("error", "domain"), out.message
    assert "has no real value anywhere" in out.message


@pytest.mark.parametrize("fast", [True, False])
def test_sign_written_with_max_and_min_verifies_and_a_wrong_twin_fails(fast, monkeypatch):
    monkeypatch.setattr(numeric, "FAST", fast)
    right = run("derivative", "abs(x)", {"wrt": "x", "expect": "max(-1, min(1, x/abs(x)))"})
    assert right.status == "verified", right.message
    for wrong in ("max(-1, min(1, x/abs(x))) + 1", "max(0, min(1, x/abs(x)))",
                  "-max(-1, min(1, x/abs(x)))"):
        out = run("derivative", "abs(x)", {"wrt": "x", "expect": wrong})
        assert out.status == "failed", (wrong, out.status, out.message)


@pytest.mark.parametrize("fast", [True, False])
def test_the_compiled_step_is_nan_at_nan(fast, monkeypatch):
    monkeypatch.setattr(numeric, "FAST", fast)
    x = sympy.Symbol("x")
    for at_zero in (0, sympy.Rational(1, 2), 1):
        f = numeric.compile_function([sympy.Heaviside(x, at_zero)], [x])
        got = f(np.array([np.nan, -1.0, 0.0, 2.0]).reshape(4, 1))[0]
        assert np.isnan(got[0]) and list(got[1:]) == [0.0, float(at_zero), 1.0]

