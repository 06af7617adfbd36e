"""A ``:correct:`` of the wrong shape is reported at the ``:correct:`` line.

The correction is checked as a claim would be, so a shape error in it used to name
``:expect:``: the author was sent to the mistake's claim, which is wrong on purpose,
instead of to the correction, which is the one to fix.
"""

from __future__ import annotations

from sphinx_vcr.core.running.verify import check

QUADRATIC = {"wrt": "x[n]", "vars": "S[n, n]", "expect": "2 * x.T @ S", "mistake": None}


def test_a_correction_of_the_wrong_shape_is_an_error_at_correct():
    outcome = check("gradient", "x.T @ S @ x", [],
                    {**QUADRATIC, "correct": "(x.T @ (S + S.T)).T"})
    assert (outcome.status, outcome.subtype, outcome.option) == ("error", "shape",
                                                                "correct")


def test_a_mistake_of_the_wrong_shape_is_still_a_confirmed_mistake():
    # a transposed claim is a wrong claim: the mistake is confirmed, not an error
    outcome = check("gradient", "x.T @ S @ x", [],
                    {**QUADRATIC, "expect": "(2 * x.T @ S).T",
                     "correct": "x.T @ (S + S.T)"})
    assert outcome.ok and outcome.mistake, outcome.message
    assert outcome.option is None


def test_a_right_correction_by_a_matrix_verifies():
    outcome = check("gradient", "trace(X @ A)", [],
                    {"wrt": "X[n, n]", "vars": "A[n, n]", "layout": "denominator",
                     "expect": "A", "mistake": None, "correct": "A.T"})
    assert outcome.ok and outcome.mistake, outcome.message
