"""The index-free engine as users see it: derived forms, failure messages, suggestions.

Without :expect:, a directive shows the engine's index-free form once it has verified
as a claim would; beside a wrong claim, the message and the box name that form and, for
a near miss, a correction that itself verifies. An engine bug (a form that does not
verify) must never make a directive fail: the entries are shown instead.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.calculus.indexfree import to_text
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.outcome import ERROR, FAILED, VERIFIED
from sphinx_vcr.core.records import Run, Settings
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.derived import Derived, index_free
from sphinx_vcr.core.running.pipeline import compute
from sphinx_vcr.core.running.suggest import candidates, negated

QUADRATIC = {"wrt": "x[n]", "vars": "A[n, n]"}
REGRESSION = {"wrt": "w[n]", "vars": "X[N, n], y[N]"}


def run(kind: str, argument: str, **options: str):
    return compute(kind, argument, [], options, Settings(), f"{kind}|{argument}|{options}")


# --- Without a claim: the derived form, verified -----------------------------------

def test_a_quadratic_form_shows_x_transposed_times_a_plus_a_transposed():
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC)
    assert outcome.status == VERIFIED
    assert outcome.math[-1].endswith(
        r"= \mathbf{x}^{\top} \left(\mathbf{A} + \mathbf{A}^{\top}\right)")
    assert outcome.badge.startswith("index-free form derived, verified symbolically; "
                                    "checked by finite differences at")
    assert outcome.claims == 0  # the author claimed nothing
    assert outcome.exact


def test_mean_squared_error_shows_two_over_n_residual_transposed_times_x():
    outcome = run("gradient", "1/N * norm(X @ w - y)**2", **REGRESSION)
    assert outcome.status == VERIFIED
    assert outcome.math[-1].endswith(
        r"= \frac{2}{N} \left(\mathbf{X} \mathbf{w} - \mathbf{y}\right)^{\top} \mathbf{X}")
    assert "(shown for" not in outcome.math[-1]  # index-free: no size to name


def test_relus_slope_is_an_indicator_and_its_check_is_numeric():
    outcome = run("jacobian", "relu(z)", wrt="z[n]")
    assert outcome.status == VERIFIED
    assert outcome.math[-1].endswith(
        r"= \operatorname{diag}\left(\mathbb{1}\left[\mathbf{z} > 0\right]\right)")
    # where() is piecewise: verified at points, and the badge says so, as for a claim
    assert outcome.badge.startswith("index-free form derived, verified as a claim "
                                    "(claim verified numerically at")


def test_lets_are_reused_by_name_in_the_derived_form():
    outcome = compute("gradient", "1/2 * norm(r)**2", [],
                      {"wrt": "w[n]", "vars": "X[N, n], y[N]", "let": "r = X @ w - y"},
                      Settings(), "let")
    assert outcome.status == VERIFIED
    assert outcome.math[0].endswith(r"= \mathbf{r}^{\top} \mathbf{X}")
    assert outcome.math[1] == r"\text{where }\mathbf{r} = \mathbf{X} \mathbf{w} - \mathbf{y}"


def test_no_index_free_form_falls_back_to_entries_and_says_so():
    outcome = run("jacobian", "X.T @ w", wrt="X[m, n]", vars="w[m]")
    assert outcome.status == VERIFIED
    assert outcome.badge.startswith("derivative computed by SymPy (no index-free form "
                                    "found); checked by finite differences")
    assert "w_{1}" in outcome.math[-1]  # the entries, at one size


def test_a_form_that_does_not_verify_is_not_shown_and_fails_nothing(monkeypatch):
    """An engine bug: the directive verifies on SymPy's entries, never on the form."""
    wrong = parse_expression("x.T @ A")
    monkeypatch.setattr(pipeline, "index_free",
                        lambda problem: Derived(wrong, "x.T @ A"))
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC)
    assert outcome.status == VERIFIED
    assert "no index-free form found" in outcome.badge
    assert r"= \mathbf{x}^{\top} \mathbf{A}" not in outcome.math[-1]
    assert "A_{11}" in outcome.math[-1]


def test_a_hessian_is_the_jacobian_of_the_gradient():
    problem = build_problem("hessian", "x.T @ A @ x", [], dict(QUADRATIC))
    assert index_free(problem).text == "A + A.T"
    # by several variables: the engine is not asked (no one tree of blocks)
    problem = build_problem("hessian", "x**3 * y", [], {"wrt": "x, y"})
    assert index_free(problem) is None
    outcome = run("hessian", "x**3 * y", wrt="x, y")
    assert outcome.status == VERIFIED
    assert outcome.badge.startswith("derivative computed by SymPy")


# --- A wrong claim: named by the derivative's index-free form ----------------------

def test_a_wrong_claim_is_quoted_and_the_correct_form_named():
    outcome = run("gradient", "x.T @ A @ x", expect="x.T @ A", **QUADRATIC)
    assert outcome.status == FAILED
    assert outcome.message.startswith("claimed x.T @ A but the derivative is "
                                      "x.T @ (A + A.T); claim does not hold at n=1;")
    # the box: the claim as written, struck, and the index-free form beside it
    assert outcome.math[-2].endswith(r"\neq \mathbf{x}^{\top} \mathbf{A} \quad "
                                     r"\text{(claimed)}")
    assert outcome.math[-1].endswith(
        r"= \mathbf{x}^{\top} \left(\mathbf{A} + \mathbf{A}^{\top}\right)")


def test_the_message_quotes_sigmoid_not_sympys_exponentials():
    outcome = run("gradient", "sum(sigmoid(z))", wrt="z[n]", layout="denominator",
                  expect="sigmoid(z) * (1 + sigmoid(z))")
    assert outcome.status == FAILED
    assert outcome.message.startswith(
        "claimed sigmoid(z) * (1 + sigmoid(z)) but the derivative is "
        "sigmoid(z) * (1 - sigmoid(z));")
    # the claim's entries are not quoted (SymPy would write them with exp); the
    # derivative's entry is, after its value there
    claimed = outcome.message.split("but the derivative")
    assert all("exp" not in part for part in claimed[:2])


def test_a_mistake_box_shows_the_index_free_correct_form():
    outcome = compute("gradient", "x.T @ A @ x", [],
                      {**QUADRATIC, "expect": "2 * A @ x", "mistake": None}, Settings(),
                      "mistake")
    assert outcome.status == VERIFIED and outcome.mistake
    assert outcome.math[-1].endswith(
        r"= \mathbf{x}^{\top} \left(\mathbf{A} + \mathbf{A}^{\top}\right)")


# --- Near misses: the slip, and a correction that verifies -------------------------

@pytest.mark.parametrize("expect, extra, told", [
    ("-x.T @ (A + A.T)", {}, "the sign is wrong; did you mean :expect: x.T @ (A + A.T)?"),
    ("2 * x.T @ A", {}, "the claim takes A to be symmetric, which :vars: does not "
                        "declare; did you mean :expect: x.T @ (A + A.T)?"),
    # x.T @ A is wrong for a symmetric A too (a factor 2): no symmetry is assumed
    ("x.T @ A", {}, "the claim has A where the derivative has A + A.T; did you mean "
                    ":expect: x.T @ (A + A.T)?"),
    ("x.T @ A", {"vars": "A[n, n] symmetric"},
     "it is 1/2 times the derivative at n=1: check the constant factor; did you mean "
     ":expect: 2 * x.T @ A?"),
])
def test_a_near_miss_gets_the_corrected_claim(expect, extra, told):
    outcome = run("gradient", "x.T @ A @ x", expect=expect, **{**QUADRATIC, **extra})
    assert outcome.status == FAILED
    assert outcome.message.endswith("; " + told)
    # the slip is named once: in the suggestion, not also in the hints
    assert outcome.message.count("did you mean") == 1
    assert outcome.message.count(told.split(";")[0]) == 1


def test_a_transposed_claim_gets_its_transpose():
    outcome = run("jacobian", "A @ x", wrt="x[n]", vars="A[n, n]", expect="A.T")
    assert outcome.status == FAILED
    assert outcome.message.startswith("claimed A.T but the derivative is A;")
    assert outcome.message.endswith("; it is the transpose of the derivative: check the "
                                    "layout; did you mean :expect: A?")


@pytest.mark.parametrize("argument, extra, expect, told", [
    ("w.T @ A @ x", {"vars": "A[n, n], w[n]"}, "w.T @ A.T",
     "a factor is transposed the wrong way: A.T should be A; did you mean :expect: "
     "w.T @ A?"),
    ("x.T @ A @ w", {"vars": "A[n, n], w[n]"}, "w.T @ A",
     "a factor is transposed the wrong way: A should be A.T; did you mean :expect: "
     "w.T @ A.T?"),
    # two factors at once: no transpose of the whole claim
    ("trace(A @ X @ B)", {"wrt": "X[n, n]", "vars": "A[n, n], B[n, n]",
                          "layout": "denominator"}, "A @ B",
     "a factor is transposed the wrong way: A should be A.T, B should be B.T; did you "
     "mean :expect: A.T @ B.T?"),
])
def test_a_factor_transposed_inside_the_claim_gets_its_correction(argument, extra,
                                                                   expect, told):
    outcome = run("gradient", argument, expect=expect, **{"wrt": "x[n]", **extra})
    assert outcome.status == FAILED
    assert outcome.message.endswith("; " + told), outcome.message


def test_a_transposed_factor_of_a_symmetric_matrix_is_not_suggested():
    # A.T is A by declaration: transposing it mends nothing, so it is not proposed
    problem = build_problem("gradient", "w.T @ A @ x", [],
                            {"wrt": "x[n]", "vars": "A[n, n] symmetric, w[n]",
                             "expect": "2 * w.T @ A"})
    proposed = candidates(problem, index_free(problem), _failed_run(problem))
    assert not any("transposed the wrong way" in why for why, _fix in proposed)


def test_a_sign_slip_is_mended_by_turning_a_difference_round():
    outcome = run("gradient", "1/N * norm(X @ w - y)**2", wrt="w[n]",
                  vars="X[N, n], y[N]", expect="2/N * (y - X @ w).T @ X")
    assert outcome.status == FAILED
    assert outcome.message.endswith("the sign is wrong; did you mean :expect: "
                                    "2/N * (X @ w - y).T @ X?"), outcome.message


@pytest.mark.parametrize("tree, negative", [
    ("(y - X @ w).T @ X", "(X @ w - y).T @ X"),
    ("a / (b - c)", "a / (c - b)"),
    ("2 * x", "-2 * x"),
    ("-x.T @ A", "x.T @ A"),
    ("sin(x) * x", "-sin(x) * x"),
])
def test_negated_puts_the_sign_where_a_person_would(tree, negative):
    assert to_text(negated(parse_expression(tree))) == negative


def test_a_claim_in_the_other_layout_gets_its_transpose():
    outcome = run("gradient", "a.T @ x", wrt="x[n]", vars="a[n]", expect="W.T @ a")
    assert outcome.status == ERROR and outcome.option == "expect"
    # W is not declared: a scalar, so the claim is a column, the derivative a row
    outcome = run("gradient", "a.T @ (B @ x)", wrt="x[n]", vars="a[n], B[n, n]",
                  expect="B.T @ a")
    assert outcome.status == ERROR and outcome.subtype == "shape"
    assert outcome.message.endswith("; the claim is in the other layout; did you mean "
                                    ":expect: a.T @ B?")


def test_a_suggestion_that_would_not_verify_is_not_shown():
    """sqrt(2) is no fraction: the factor seen at the points (0.707107) would correct
    the claim to a wrong one, so no suggestion, only the derivative."""
    outcome = run("gradient", "sqrt(2) * x.T @ x", wrt="x[n]", expect="2 * x.T")
    assert outcome.status == FAILED
    assert outcome.message.startswith("claimed 2 * x.T but the derivative is "
                                      "2 * sqrt(2) * x.T;")
    assert "did you mean" not in outcome.message
    # ... though a correction was proposed, and rejected because it does not hold
    problem = build_problem("gradient", "sqrt(2) * x.T @ x", [],
                            {"wrt": "x[n]", "expect": "2 * x.T"})
    failed = _failed_run(problem)
    proposed = candidates(problem, index_free(problem), failed)
    assert [why for why, _fix in proposed] == [
        "it is 0.707107 times the derivative at n=1: check the constant factor"]


def test_a_claim_that_assumes_symmetry_gets_the_derived_form_when_scaling_fails():
    """2 x.T A holds at n = 1 only: no constant factor fixes it, the symmetric part
    does."""
    outcome = run("gradient", "x.T @ A @ x", expect="2 * x.T @ A", **QUADRATIC)
    assert outcome.message.endswith("did you mean :expect: x.T @ (A + A.T)?")
    assert "it holds at n=1 but not at every size" in outcome.message


def _failed_run(problem) -> Run:
    """The first run of ``problem`` whose claim fails."""
    for case in pipeline.cases(problem, Settings().sizes, 0):
        found = pipeline._run(problem, case, Settings(), "k")
        if not found.comparison.equal:
            return found
    raise AssertionError("the claim holds")


@pytest.mark.parametrize("expect, told", [
    ("2 * X @ b @ c.T", "the claim has twice b @ c.T where the derivative has "
                        "b @ c.T + c @ b.T; did you mean :expect: X @ (c @ b.T + b @ c.T)?"),
    ("X @ b @ c.T", "the claim has b @ c.T where the derivative has b @ c.T + c @ b.T; "
                    "did you mean :expect: X @ (c @ b.T + b @ c.T)?"),
])
def test_a_missing_symmetric_part_of_a_product_is_named(expect, told):
    """Cookbook (77): the claim's tree holds no ``b @ c.T`` of its own (``2 * X @ b``
    is its left operand), so the part it halves is told by its values."""
    outcome = run("gradient", "b.T @ X.T @ X @ c", wrt="X[m, n]", vars="b[n], c[n]",
                  layout="denominator", expect=expect)
    assert outcome.status == FAILED
    assert outcome.message.endswith("; " + told)


def test_a_claim_off_otherwise_is_not_said_to_halve_a_symmetric_part():
    outcome = run("gradient", "b.T @ X.T @ X @ c", wrt="X[m, n]", vars="b[n], c[n]",
                  layout="denominator", expect="3 * X @ b @ c.T")
    assert outcome.status == FAILED
    assert "where the derivative has" not in outcome.message


def test_one_occurrence_of_a_matrix_transposed_wrongly_gets_its_correction():
    """Cookbook (78) with C for C.T in one term only: transposing every C mends
    nothing, so each occurrence is tried on its own."""
    outcome = run("gradient", "(B @ x + b).T @ C @ (D @ x + d)", wrt="x[n]",
                  vars="B[m, n], b[m], C[m, m], D[m, n], d[m]", layout="denominator",
                  expect="B.T @ C @ (D @ x + d) + D.T @ C @ (B @ x + b)")
    assert outcome.status == FAILED
    assert outcome.message.endswith(
        "; a factor is transposed the wrong way: C should be C.T in one place; did you "
        "mean :expect: B.T @ C @ (D @ x + d) + D.T @ C.T @ (B @ x + b)?")


def test_a_claim_whose_shapes_do_not_fit_gets_the_transpose_that_fits():
    """``2 * X @ (X @ w - y)``: ``@`` refuses it (X is N x n); the message said only
    that, with no pointer to the X that should be X.T."""
    outcome = run("gradient", "norm(X @ w - y)**2", wrt="w[n]", vars="X[N, n], y[N]",
                  layout="denominator", expect="2 * X @ (X @ w - y)")
    assert outcome.status == "error" and outcome.option == "expect"
    assert outcome.message.endswith("; a factor is transposed the wrong way: X should be "
                                    "X.T in one place; did you mean :expect: "
                                    "2 * X.T @ (X @ w - y)?")


def test_beside_an_index_free_derivative_a_long_entry_is_only_its_value():
    """The softmax network's wrong claim quoted the derivative's entry written out in
    full: 3779 characters, after the useful part."""
    outcome = run("gradient", "-y.T @ log(softmax(W2 @ relu(W1 @ x)))", wrt="W1[H, D]",
                  vars="W2[K, H], x[D], y[K]", where="sum(y) == 1, y >= 0, W1 @ x > 0",
                  layout="denominator",
                  expect="(W2.T @ (softmax(W2 @ relu(W1 @ x)) + y)) @ x.T")
    assert outcome.status == FAILED
    assert outcome.message.startswith(
        "claimed (W2.T @ (softmax(W2 @ relu(W1 @ x)) + y)) @ x.T but the derivative is "
        "W2.T @ (softmax(W2 @ W1 @ x) - y) @ x.T;")
    assert len(outcome.message) < 600 and "exp(" not in outcome.message
