"""Known mistakes for students: ``:correct:`` and ``:reason:`` in the mistake's box."""

from __future__ import annotations

from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error

DIAG = {"wrt": "w[n]", "vars": "x[n]", "expect": "diag(w)", "mistake": None}


def test_a_mistake_shows_the_authors_correction_and_reason():
    outcome = check("jacobian", "w*x", [], {**DIAG, "correct": "diag(x)",
                                           "reason": "w 与 x 弄反了"})
    assert outcome.ok and outcome.mistake, outcome.message
    wrong, right = outcome.math
    assert r"\cancel{\operatorname{diag}\left(\mathbf{w}\right)}" in wrong
    assert right.endswith(r"= \operatorname{diag}\left(\mathbf{x}\right)")
    assert outcome.badge == "w 与 x 弄反了"


def test_a_mistake_with_a_correction_names_it_as_the_derivative():
    # the author's correction is verified, so the message names it (not "no index-free
    # form found", which was said beside it)
    outcome = check("gradient", "x.T @ A @ x", [], {
        "wrt": "x[n]", "vars": "A[n, n]", "expect": "2 * x.T @ A", "mistake": None,
        "correct": "x.T @ (A + A.T)"})
    assert outcome.ok and outcome.mistake, outcome.message
    assert outcome.message.startswith("claimed 2 * x.T @ A but the derivative is "
                                      "x.T @ (A + A.T); claim does not hold at n=2;")
    assert "no index-free form" not in outcome.message + outcome.badge


def test_both_kinds_of_mistake_box_strike_the_claim():
    # with the author's correction and with the derived form alike
    plain = check("gradient", "x.T @ A @ x", [], {
        "wrt": "x[n]", "vars": "A[n, n]", "expect": "2 * x.T @ A", "mistake": None})
    assert plain.ok and plain.mistake, plain.message
    assert plain.math[-2].endswith(r"= \cancel{2 \mathbf{x}^{\top} \mathbf{A}}")
    assert plain.math[-1].endswith(
        r"= \mathbf{x}^{\top} \left(\mathbf{A} + \mathbf{A}^{\top}\right)")
    assert "claimed" not in "".join(plain.math)


def test_a_wrong_correction_fails_the_build():
    outcome = check("jacobian", "w*x", [], {**DIAG, "correct": "diag(w)"})
    assert (outcome.status, outcome.subtype, outcome.option) == ("failed", "correct",
                                                                "correct")
    assert "does not hold either" in outcome.message


def test_correct_and_reason_need_a_mistake():
    for option in ("correct", "reason"):
        options = {"wrt": "x", "expect": "2*x", option: "2*x"}
        outcome = check("derivative", "x**2", [], options)
        assert (outcome.status, outcome.option) == ("error", option), outcome.message


def test_the_box_shows_no_hints_for_authors():
    # the message (for the build's log) has the hint; the box does not
    outcome = check("derivative", "x**2", [], {"wrt": "x", "expect": "-2*x",
                                               "mistake": None})
    assert "the sign is wrong" in outcome.message
    assert "the sign is wrong" not in outcome.badge


def test_a_derivation_shows_the_correction_of_its_first_wrong_step():
    outcome = derivation("diff(w * x, w)", "= diag(w)", vars="w[n], x[n]", mistake=None,
                         correct="diag(x)", reason="弄反了")
    assert outcome.ok and outcome.mistake, outcome.message
    # the correction on a line of its own, under the struck step
    assert (r"\cancel{\operatorname{diag}\left(\mathbf{w}\right)} \\ & \quad "
            r"\text{(it is)}\ \operatorname{diag}\left(\mathbf{x}\right)") in outcome.math[0]
    assert outcome.badge == "弄反了"


def test_a_derivations_wrong_correction_fails():
    outcome = derivation("diff(w * x, w)", "= diag(w)", vars="w[n], x[n]", mistake=None,
                         correct="diag(w)")
    assert (outcome.status, outcome.subtype) == ("failed", "correct"), outcome.message


def test_an_empty_reason_is_an_error():
    error(check("derivative", "x**2", [], {"wrt": "x", "expect": "3*x", "mistake": None,
                                           "reason": " "}), "parse", "empty",
          option="reason")


def test_a_name_ending_in_hat_is_written_with_a_hat():
    outcome = check("jacobian", "X_hat @ w", [], {"wrt": "w[n]", "vars": "X_hat[n, n]"})
    assert r"\hat{\mathbf{X}}" in outcome.math[0], outcome.math
