"""What each entry of a value needs to have one, through array literals, builders and
divisions (evaluate.py's per-entry ``needs``), and where an infinity makes a form
"undefined everywhere" (instance.check_defined).

A correct claim must verify: a note that goes to the wrong entry (an array literal
that gave every entry all of its items' notes) or an infinity in a branch that is
never taken (``1/where(x > 0, sqrt(x), 0)`` under ``x > 0``) failed correct claims.
A wrong one must fail: a division by a form that is 0 on a whole region (``0*(1/
where(x > 0, x, 0))``, folded to 0 by SymPy) had a value nowhere there, yet passed.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options):
    return compute(kind, argument, [], dict(options), Settings(),
                   f"entry-needs|{kind}|{argument}|{sorted(options.items())}")


RELU_JACOBIAN = ("jacobian", "where(x > 0, x, 0)")


@pytest.mark.parametrize("options", [
    # item k of a literal needs log(-x_k) only where entry k's x_k <= 0
    {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, [0*log(-x1), 0*log(-x2)]))"},
    # a builder: entry i needs log(-x_i) only where x_i <= 0
    {"wrt": "x[n]", "index": "i",
     "expect": "diag(where(x > 0, 1, vector(0*log(-x[i]), i)))"},
    # blocks side by side: entry (i, 1) needs log(-x_i), entry (i, 2) nothing
    {"wrt": "x[2]", "index": "i",
     "expect": "where([[x, x]] > 0, eye(2), [[vector(0*log(-x[i]), i), zeros(2)]])"},
    {"wrt": "x[2]", "index": "i",
     "expect": "where([[x, x]] > 0, eye(2), [[zeros(2), vector(0*log(-x[i]), i)]])"},
])
def test_correct_claim_with_entry_wise_needs_verifies(options):
    out = run(*RELU_JACOBIAN, options)
    assert out.status == "verified", out.message


@pytest.mark.parametrize("options", [
    # the items swapped: log(-x_2) is needed where x_1 <= 0 < x_2
    {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, [0*log(-x2), 0*log(-x1)]))"},
    {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, [0*log(x1), 0*log(-x2)]))"},
    {"wrt": "x[n]", "index": "i",
     "expect": "diag(where(x > 0, 1, vector(0*log(x[i]), i)))"},
    {"wrt": "x[2]", "index": "i",
     "expect": "where([[x, x]] > 0, eye(2), [[vector(0*log(x[i]), i), zeros(2)]])"},
])
def test_claim_without_value_in_one_entry_fails(options):
    out = run(*RELU_JACOBIAN, options)
    assert out.status == "failed", out.message
    assert "no value" in out.message


def test_matrix_builder_entries_need_their_own_notes():
    options = {"wrt": "X[2, 3]", "index": "i, j", "layout": "denominator"}
    right = run("gradient", "sum(where(X > 0, X, 0))",
                dict(options, expect="where(X > 0, 1, matrix(0*log(-X[i, j]), i, j))"))
    transposed = run("gradient", "sum(where(X > 0, X, 0))",
                     dict(options, expect="where(X > 0, 1, matrix(0*log(-X[i, j]), j, i).T)"))
    wrong = run("gradient", "sum(where(X > 0, X, 0))",
                dict(options, expect="where(X > 0, 1, matrix(0*log(X[i, j]), i, j))"))
    assert (right.status, transposed.status, wrong.status) == ("verified", "verified",
                                                               "failed")


SQRT_KINK = ("derivative", "where(x > 0, sqrt(x), 0)")


def test_an_infinity_in_an_untaken_branch_is_not_undefined_everywhere():
    """The derivative of where(x > 0, sqrt(x), 0) written with the inner where():
    1/0 only where the outer where() takes the other branch."""
    out = run(*SQRT_KINK, {"wrt": "x",
                           "expect": "where(x > 0, 1/(2*where(x > 0, sqrt(x), 0)), 0)"})
    assert out.status == "verified", out.message


@pytest.mark.parametrize("claim, status", [
    ("where(x > 0, 1/(3*where(x > 0, sqrt(x), 0)), 0)", "failed"),   # a factor
    ("where(x > -1, 1/(2*where(x > 0, sqrt(x), 0)), 0)", "failed"),  # 1/0 on (-1, 0]
    ("where(x > 0, 1/(2*sqrt(x)), 1/(x - x))", "failed"),           # 1/0 where taken
    ("where(x > 0, 1/(x - x), 1/(x - x))", "error"),                # in every branch
    ("where(x > 0, 1/(2*sqrt(x)), 0) + 1/(x - x)", "error"),        # outside where()
])
def test_infinities_where_they_are_taken_still_count(claim, status):
    out = run(*SQRT_KINK, {"wrt": "x", "expect": claim})
    assert out.status == status, out.message


@pytest.mark.parametrize("claim", [
    "where(x > 0, 2*x, 0) + 0/where(x > 0, x, 0)",
    "where(x > 0, 2*x, 0) + 0*(1/where(x > 0, x, 0))",
    "where(x > 0, 2*x, 0) + 0*where(x > 0, x, 0)**-2",
    "where(x > 0, 2*x, 0) + 0*(1/(abs(x) - x))",
    "where(x > 0, 2*x, 0) + 0*(1/max(x, 0))",
])
def test_division_by_a_form_zero_on_a_region_has_no_value_there(claim):
    out = run("derivative", "where(x > 0, x**2, 0)", {"wrt": "x", "expect": claim})
    assert out.status == "failed", out.message
    assert "no value" in out.message


@pytest.mark.parametrize("claim", [
    "where(x > 0, 2*x, 0) + 0*(1/(abs(x) + 1))",  # never 0
    "where(x > 0, 2*x, 0) + 0/max(x, 1)",
])
def test_division_by_a_piecewise_form_that_is_never_zero_verifies(claim):
    out = run("derivative", "where(x > 0, x**2, 0)", {"wrt": "x", "expect": claim})
    assert out.status == "verified", out.message


def test_a_pole_at_a_single_point_is_no_failure():
    out = run("derivative", "x**2", {"wrt": "x", "expect": "2*x + 0/x"})
    assert out.status == "verified", out.message


@pytest.mark.parametrize("content", [["diff(99, x)", "= 0"],
                                     ["diff(3*f(x), x)", "= 3*D(f)(x)", "assume f(t) = t",
                                      "= 3"]])
def test_forms_without_variables_are_checked_for_values(content):
    """The has-a-value check at points of every magnitude with no coordinate at all
    (a constant's derivative): no internal error (it reshaped an empty array)."""
    options = {"functions": "f"} if "f(x)" in content[0] else {}
    out = compute("derivation", "", content, options, Settings(), f"no-vars|{content}")
    assert out.status == "verified", out.message
