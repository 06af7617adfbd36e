"""Hostile review of 5b02f58..abece2b (attack-late): attacks the branch withstood.

711c0a5: a guard whose value is nan no longer excludes a sample point or a probe, and
what a where() branch needs is noted under its condition; abece2b: step(x) renders
without its value at 0. These pass on abece2b and guard against regressions (the
attacks that did not hold are in test_attack_late_findings.py).
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.rendering.latex import _ResultPrinter
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options, content=()):
    return compute(kind, argument, list(content), dict(options), Settings(),
                   f"attack-late|{kind}|{argument}|{options}|{content}")


# --- correct claims whose guards have no value where the claim has one: not flagged --

CORRECT = [
    ("derivative", "where(x > 1, log(log(x)), 0)", {"wrt": "x",
     "expect": "where(x > 1, 1/(x*log(x)), 0)"}, ()),
    ("derivative", "where(x > 0, x*log(x), 0)", {"wrt": "x",
     "expect": "where(x > 0, log(x) + 1, 0)"}, ()),
    ("derivative", "where(x > 0, sqrt(x)**3, 0)", {"wrt": "x",
     "expect": "where(x > 0, 3*sqrt(x)/2, 0)"}, ()),
    ("derivative", "where(x > 0, max(0, log(x))*x, 0)", {"wrt": "x",
     "expect": "where(x > 0, where(x > 1, log(x) + 1, 0), 0)"}, ()),
    ("derivative", "abs(sqrt(x))", {"wrt": "x", "expect": "1/(2*sqrt(x))"}, ()),
    ("derivative", "where(x > 0, max(0, log(x)), 0)", {"wrt": "x",
     "expect": "where(x > 1, 1/x, 0)"}, ()),
    ("derivative", "where(x > 0, max(0, log(x)), 0)", {"wrt": "x",
     "expect": "where(x > 0, where(log(x) > 0, 1/x, 0), 0)"}, ()),
    ("derivative", "where(x < 2, where(x > 0, log(x), 0), 0)", {"wrt": "x",
     "expect": "where(x < 2, where(x > 0, 1/x, 0), 0)"}, ()),
    ("derivative", "where(x > 0, log(x), -x)", {"wrt": "x",
     "expect": "where(x > 0, 1/x, -1)"}, ()),
    ("derivative", "where(log(abs(x)) > 0, x**2, 0)", {"wrt": "x",
     "expect": "where(log(abs(x)) > 0, 2*x, 0)"}, ()),
    ("derivative", "where(x > 0, where(log(x) < 0, x, 0), 0)", {"wrt": "x",
     "expect": "where(x > 0, where(log(x) < 0, 1, 0), 0)"}, ()),
    ("derivative", "where(x > 0, abs(log(x)), 0)", {"wrt": "x",
     "expect": "where(x > 0, abs(log(x))/(x*log(x)), 0)"}, ()),
    ("derivative", "where(x > 0, abs(log(x)), x**2)", {"wrt": "x",
     "expect": "where(x > 0, abs(log(x))/(x*log(x)), 2*x)"}, ()),
    ("derivative", "where(y > 0, abs(log(y))*x, x**2)", {"wrt": "x", "vars": "y",
     "expect": "where(y > 0, abs(log(y)), 2*x)"}, ()),
    ("derivative", "where(y > 0, max(x, log(y)), x**2)", {"wrt": "x", "vars": "y",
     "expect": "where(y > 0, where(x > log(y), 1, 0), 2*x)"}, ()),
    ("derivative", "where(x > 0, max(x, sqrt(x)), 0)", {"wrt": "x",
     "expect": "where(x > 1, 1, where(x > 0, 1/(2*sqrt(x)), 0))"}, ()),
    ("derivative", "where(x > -1, relu(sqrt(x + 1) - 1), 0)", {"wrt": "x",
     "expect": "where(x > 0, 1/(2*sqrt(x + 1)), 0)"}, ()),
    ("derivative", "where(x > 0, x**y, 0)", {"wrt": "x", "vars": "y",
     "expect": "where(x > 0, y*x**(y - 1), 0)"}, ()),
    ("derivative", "where(x > 0, abs(x**y - 2), 0)", {"wrt": "x", "vars": "y",
     "expect": "where(x > 0, where(x**y > 2, 1, -1)*y*x**(y - 1), 0)"}, ()),
    ("derivative", "where(x > 0, abs(sqrt(x) - 1), 1)", {"wrt": "x",
     "expect": "where(x > 0, where(x > 1, 1, -1)/(2*sqrt(x)), 0)"}, ()),
    ("derivative", "where(x > 0, x, exp(-1/x))", {"wrt": "x",
     "expect": "where(x > 0, 1, exp(-1/x)/x**2)"}, ()),
    ("derivative", "abs(log(x))", {"wrt": "x", "where": "x > 0",
     "expect": "abs(log(x))/(x*log(x))"}, ()),
    ("derivative", "where(x > 0, max(0, log(x)), 0)", {"wrt": "x", "where": "x < 1",
     "expect": "0"}, ()),
    ("derivative", "where(x > 0, x, 0)", {"wrt": "x", "where": "x < 0",
     "expect": "where(x > 0, 1, 0)"}, ()),
    # elementwise conditions on vectors and matrices
    ("jacobian", "where(x > 0, log(x), 0)", {"wrt": "x[2]",
     "expect": "diag(where(x > 0, 1/x, 0))"}, ()),
    ("gradient", "sum(where(x > 0, abs(log(x)), 0))", {"wrt": "x[3]",
     "layout": "denominator", "expect": "where(x > 0, abs(log(x))/(x*log(x)), 0)"}, ()),
    ("gradient", "sum(where(x > 0, x*log(x), 0))", {"wrt": "x[3]",
     "layout": "denominator", "expect": "where(x > 0, log(x) + 1, 0)"}, ()),
    ("gradient", "sum(where(x > 0, sqrt(x), -x))", {"wrt": "x[3]",
     "layout": "denominator", "expect": "where(x > 0, 1/(2*sqrt(x)), -1)"}, ()),
    ("hessian", "sum(where(x > 0, x*log(x), 0))", {"wrt": "x[2]",
     "expect": "diag(where(x > 0, 1/x, 0))"}, ()),
    # derivations and chain rules
    ("derivation", "where(x > 0, x*log(x), 0)", {}, ("= where(x > 0, x*log(x), 0*x)",)),
    ("derivation", "where(x > 0, log(x), 0)", {},
     ("= where(x > 0, log(x), 0) + where(x > 1, 0*log(x - 1), 0)",)),
    ("derivation", "diff(where(x > 0, x*log(x), 0), x)", {},
     ("= where(x > 0, log(x) + 1, 0)",)),
    ("derivation", "diff(max(0, log(x)), x)", {}, ("= where(x > 1, 1/x, 0)",)),
    ("derivation", "where(x > 0, abs(log(x)), 0)", {},
     ("= where(x > 1, log(x), where(x > 0, -log(x), 0))",)),
    ("derivation", "diff(where(x > 0, abs(log(x)), 0), x)", {},
     ("= where(x > 1, 1/x, where(x > 0, -1/x, 0))",)),
    ("chain-rule", "", {"wrt": "x"}, ("u = where(x > 0, log(x), 0)", "y = u**2")),
    ("chain-rule", "", {"wrt": "w[n]", "vars": "x[n]"},
     ("u = w @ x", "y = where(u > 0, u*log(u), 0)")),
    ("chain-rule", "", {"wrt": "x"},
     ("u = where(x > 0, sqrt(x), -x)", "y = where(u > 1, log(u), 0)")),
    ("chain-rule", "", {"wrt": "x"}, ("u = where(x > 0, abs(log(x)), x)", "y = u**2")),
]


@pytest.mark.parametrize("kind, argument, options, content", CORRECT)
def test_correct_claim_with_nan_guards_verifies(kind, argument, options, content):
    out = run(kind, argument, options, content)
    assert out.status == "verified", (out.status, out.subtype, out.message)


# --- wrong claims through other wrappers: still fail --------------------------------

WRONG_RELU = [
    "where(x > 0, 1, min(0, log(x)))",
    "where(x > 0, 1, abs(log(x))*0)",
    "where(x > 0, 1, relu(log(x)))",
    "where(x > 0, 1, where(x < 0, 0*log(x), 0))",
    "where(x > 0, 1, log(x) - log(x))",
    "where(x > 0, 1, exp(-1/sqrt(x)))",
    "where(x > 0, 1, abs(sqrt(x)))",
    "where(log(x) > 0, 1, 0)",
    "where(sqrt(x) > 0, 1, 0)",
    "where(x > 0, 1, 0) + 0*log(x)",
    "where(x > 0, 1, 0) + where(x < -1e-12, 0*log(x), 0)",
    "where(x > 0, 1, 0) + where(x < 0, 0*exp(-1/sqrt(x)), 0)",
]


@pytest.mark.parametrize("claim", WRONG_RELU)
def test_wrong_relu_slope_fails(claim):
    out = run("derivative", "relu(x)", {"wrt": "x", "expect": claim})
    assert out.status == "failed", (claim, out.status, out.message)


@pytest.mark.parametrize("kind, argument, options, content", [
    # the branch taken where x > 0 has no value (log(-x)): under its condition
    ("derivative", "where(x > 0, x**2, -x)", {"wrt": "x",
     "expect": "where(x > 0, 2*x + 0*log(-x), -1)"}, ()),
    ("derivative", "where(x > 0, x**2, 0)", {"wrt": "x",
     "expect": "where(x > 0, 2*x, 0*log(x))"}, ()),
    ("derivative", "where(x > 0, x, 0)", {"wrt": "x", "where": "x < 0",
     "expect": "where(x > 0, 1, 0*log(x))"}, ()),
    ("derivative", "where(x > 0, max(x, sqrt(x)), 0)", {"wrt": "x",
     "expect": "where(x > 1, 1, where(x > 0, 1/(2*sqrt(x)), 0*log(x)))"}, ()),
    ("derivative", "where(x > 0, where(log(x) < 0, x, 0), 0)", {"wrt": "x",
     "expect": "where(x > 0, where(log(x) < 0, 1, 0), 3)"}, ()),
    ("derivative", "where(x > -1, relu(sqrt(x + 1) - 1), 0)", {"wrt": "x",
     "expect": "where(x > 0, 1/(2*sqrt(x + 1)), 0) + where(x < -1, 1, 0)"}, ()),
    # scalar x / one-entry vectors: the note under the condition applies
    ("jacobian", "relu(x)", {"wrt": "x[1]", "expect": "diag(where(x > 0, 1, 0*log(x)))"},
     ()),
    ("derivative", "relu(y)", {"wrt": "y", "vars": "x",
     "expect": "where(y > 0, 1, 0) + where(x > 0, 0*log(y), 0)"}, ()),
    ("derivative", "relu(y)", {"wrt": "y", "vars": "x[1]",
     "expect": "where(y > 0, 1, 0) + sum(where(x > 0, 0*log(y), 0))"}, ()),
    # a vector entry whose own branch has no value (not rewritten away) fails
    ("jacobian", "relu(x)", {"wrt": "x[2]", "where": "x1 > 0",
     "expect": "diag(where(x > 0, 1, log(x)))"}, ()),
    # derivation steps
    ("derivation", "where(x > 0, 1, 0)", {}, ("= where(x > 0, 1, 0*log(x))",)),
    ("derivation", "where(x > 0, 1, 0)", {}, ("= where(x > 0, 1, min(0, sqrt(x)))",)),
])
def test_wrong_claim_fails(kind, argument, options, content):
    out = run(kind, argument, options, content)
    assert out.status == "failed", (out.status, out.message)


def test_wrong_claim_with_nan_condition_fails():
    """Wrong at x > 1 (7, not 0). (It is reported at x < 0 as 'no value', where the
    derivative, written the same way, has none either: see the findings file.)"""
    out = run("derivative", "where(log(x) < 0, x, 0)",
              {"wrt": "x", "expect": "where(log(x) < 0, 1, 7)"})
    assert out.status == "failed", out.message


def test_where_region_with_no_point_is_a_located_error():
    out = run("derivative", "where(x > 0, x, 0)", {"wrt": "x", "where": "-1e-9 < x < 0",
              "expect": "where(x > 0, 1, 0*log(x))"})
    assert out.status == "error" and out.subtype == "domain", out.message


def test_three_argument_max_is_a_located_error():
    out = run("derivative", "max(x, y, 0)", {"wrt": "x", "vars": "y"})
    assert out.status == "error" and out.subtype == "parse", out.message


# --- abece2b: step(x) without its value at 0 -------------------------------------

class _Names:
    plain_e = True
    dotted = False

    def __init__(self, plain_theta):
        self.plain_theta = plain_theta

    def symbol(self, s):
        return str(s)


x = sympy.Symbol("x", real=True)


@pytest.mark.parametrize("plain, name", [(True, r"\theta"), (False, r"\operatorname{step}")])
def test_step_printing(plain, name):
    printer = _ResultPrinter(_Names(plain), {})
    assert printer.doprint(sympy.Heaviside(x, 0)) == rf"{name}\left(x\right)"
    # a value at 0 other than the language's 0 is still shown
    assert printer.doprint(sympy.Heaviside(x, 1)) == rf"{name}\left(x, 1\right)"
    assert printer.doprint(sympy.Heaviside(x - 1, 0)**3) == \
        rf"\left({name}\left(x - 1\right)\right)^{{3}}"


@pytest.mark.parametrize("argument, options, shown", [
    ("max(0, x)", {"wrt": "x"}, r"\theta\left(x\right)"),
    ("max(x, y)", {"wrt": "x", "vars": "y"}, r"\theta\left(x - y\right)"),
    ("theta*max(0, x)", {"wrt": "x"}, r"\theta \operatorname{step}\left(x\right)"),
])
def test_step_in_results(monkeypatch, argument, options, shown):
    """Every step a derivative writes is Heaviside(u, 0) (differentiate.py), so the
    value dropped from the print is always 0: the one-argument Heaviside(u) (1/2 at 0,
    printed the same) does not reach a result."""
    monkeypatch.setattr(pipeline, "index_free", lambda problem: None)
    out = compute("derivative", argument, [], options, Settings(), argument)
    assert out.status == "verified", out.message
    assert out.math[0].endswith(shown), out.math


@pytest.mark.parametrize("argument, claim", [
    ("where(log(x) > 0, log(x), 0)", "where(log(x) > 0, 1/x, 0)"),
    ("where(sqrt(x) < 1, x**2, 3*x)", "where(sqrt(x) < 1, 2*x, 3)"),
])
def test_nan_condition_claim_verifies_where_the_condition_has_a_value(argument, claim):
    """The workaround for test_claim_equal_to_derivative_with_nan_condition_verifies
    (a finding): :where: x > 0."""
    out = run("derivative", argument, {"wrt": "x", "where": "x > 0", "expect": claim})
    assert out.status == "verified", out.message
