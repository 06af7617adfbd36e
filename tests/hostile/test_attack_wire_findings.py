"""Findings of the hostile review of the index-free wiring, fixed after it.

Extras (a derived form, a wrong claim's correct form and suggestion) run on a soft
budget, so they never turn a verdict into a timeout; a correction is quoted as written
and not explained; a structured matrix is not called undeclared; and no search is
claimed where the engine was not asked.
"""
from sphinx_vcr.core.outcome import FAILED, VERIFIED
from sphinx_vcr.core.records import Settings
from tests.hostile.test_attack_wire import run

QUADRATIC = {"wrt": "x[n]", "vars": "A[n, n]"}
TOUR = {"wrt": "W1[h, n]", "vars": "x[n], b1[h], W2[k, h], b2[k], y[k]",
        "let": "z = W1 @ x + b1, a = relu(z), e = W2 @ a + b2 - y",
        "layout": "denominator"}


def test_f1_a_declared_symmetric_matrix_is_not_called_undeclared():
    outcome = run("gradient", "x.T @ A @ x + b.T @ x", wrt="x[n]",
                  vars="A[n, n] symmetric, b[n]", expect="x.T @ A + b.T")
    assert outcome.status == FAILED
    assert "which :vars: does not declare" not in outcome.message


def test_f2_a_wrong_claim_fails_rather_than_timing_out():
    """main: failed in 0.24 s; i14-wire: error timeout after 5 s (7.2 s at the default 10 s)."""
    outcome = run("gradient", "norm(e)**2",
                  settings=Settings(timeout=5.0),
                  expect="3 * ((W2.T @ e) * where(z > 0, 1, 0)) @ x.T", **TOUR)
    assert outcome.status == FAILED, outcome.message


def test_f3_a_wrong_correction_is_quoted_not_the_claim():
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="x.T @ A",
                  mistake=None, correct="-x.T @ (A + A.T)")
    assert outcome.status == FAILED and outcome.subtype == "correct"
    assert "claimed x.T @ A " not in outcome.message
    assert "did you mean :expect:" not in outcome.message


def test_f4_no_form_is_not_claimed_where_the_engine_was_not_asked():
    outcome = run("derivative", "f(g(x))", wrt="x", functions="f, g")
    assert outcome.status == VERIFIED
    assert "no index-free form found" not in outcome.badge


def test_f5_a_claimless_directive_falls_back_rather_than_timing_out():
    """main: verified in 0.6 s; i14-wire: error timeout after 2 s (3.65 s at 10 s)."""
    outcome = run("gradient", "norm(e)**2", settings=Settings(timeout=2.0), **TOUR)
    assert outcome.status == VERIFIED, outcome.message


INDEXED = {"wrt": "w[n]", "vars": "X[N, n], y[N], b", "index": "i",
           "expect": "2/N * sum((X[i] @ w + b - y[i]) * X[i].T, i)", "mistake": None}
NEURONS = "1/N * sum((y[i] - max(0, X[i] @ w + b))**2, i)"


def test_a_correction_with_subscripts_is_quoted_not_an_internal_error():
    """The tour's per-sample ReLU regression (tour.rst): quoting its :correct: needs the
    text of X[i]; it was an internal error once the correction was quoted as written."""
    right = run("gradient", NEURONS, **INDEXED,
                correct="2/N * sum(where(X[i] @ w + b > 0, X[i] @ w + b - y[i], 0)"
                        " * X[i].T, i)")
    assert right.status == VERIFIED and right.mistake, right.message
    wrong = run("gradient", NEURONS, **INDEXED,
                correct="3/N * sum(where(X[i] @ w + b > 0, X[i] @ w + b - y[i], 0)"
                        " * X[i].T, i)")
    assert wrong.status == FAILED and wrong.subtype == "correct", wrong.message
