"""``.. hessian::``: a scalar's matrix of second derivatives by its ``:wrt:``.

Right claims verify at sizes 1-3 and their wrong twins fail (A for A + Aᵀ, 2A, which
holds for a symmetric A only, a factor 2, a missing σ'); finite differences check the
Hessian against the gradient, so a wrong symbolic Hessian is caught; the layout does not
change a symmetric result.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute
from sphinx_vcr.core.running.verify import check

H = "hessian"
QUADRATIC = {"wrt": "x[n]", "vars": "A[n, n]"}
LEAST = {"wrt": "w[n]", "vars": "X[m, n], y[m]"}
LOGISTIC = {"wrt": "w[n]", "vars": "x[n]"}
SIGMA = "sigmoid(w.T @ x)"

RIGHT = [
    (H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "A + A.T"}),
    (H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "A + A.T", "layout": "denominator"}),
    (H, "norm(X @ w - y)**2", [], {**LEAST, "expect": "2 * X.T @ X"}),
    (H, "(X @ w - y).T @ (X @ w - y)", [], {**LEAST, "expect": "2 * X.T @ X"}),
    (H, "log(1 + exp(w.T @ x))", [], {**LOGISTIC,
                                      "expect": f"{SIGMA} * (1 - {SIGMA}) * x @ x.T"}),
    (H, "x**2 * y**3", [], {"wrt": "x, y",
                            "expect": "[[2*y**3, 6*x*y**2], [6*x*y**2, 6*x**2*y]]"}),
    # a vector and a scalar stack, as for a gradient
    (H, "s * (x.T @ x)", [], {"wrt": "x[n], s", "expect": "[[2*s*eye(n), 2*x], [2*x.T, 0]]"}),
    (H, "x**2 * y**3", [], {"wrt": "x, y"}),
    # at kinks: the step's derivative (SymPy's Dirac delta) is 0 off them
    (H, "relu(w.T @ x)**2", [], {**LOGISTIC, "where": "w.T @ x > 0", "expect": "2 * x @ x.T"}),
    (H, "abs(x)**3", [], {"wrt": "x", "expect": "6*abs(x)"}),
    (H, "relu(w.T @ x)", [], {**LOGISTIC, "expect": "0 * x @ x.T"}),
]

WRONG = [
    (H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "A"}),
    (H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "2 * A"}),  # symmetric A only
    (H, "norm(X @ w - y)**2", [], {**LEAST, "expect": "X.T @ X"}),
    # XXᵀ for XᵀX: a shape error at m != n, wrong values at a square X
    (H, "norm(X @ w - y)**2", [], {**LEAST, "vars": "X[n, n], y[n]",
                                   "expect": "2 * X @ X.T"}),
    (H, "log(1 + exp(w.T @ x))", [], {**LOGISTIC, "expect": f"{SIGMA} * x @ x.T"}),
    (H, "x**2 * y**3", [], {"wrt": "x, y",
                            "expect": "[[2*y**3, 6*x*y**2], [6*x*y**2, 3*x**2*y]]"}),
    (H, "s * (x.T @ x)", [], {"wrt": "x[n], s", "expect": "[[2*s*eye(n), x], [x.T, 0]]"}),
    (H, "relu(w.T @ x)**2", [], {**LOGISTIC, "expect": "2 * x @ x.T"}),  # one branch only
    (H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "A + A.T + 10**-30 * eye(n)"}),
    (H, "abs(x)**3", [], {"wrt": "x", "expect": "6*x"}),
]


def _id(case) -> str:
    return f"{case[1]}:{case[3].get('expect', '')}:{case[3].get('layout', '')}"


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_right_hessian_verifies(case):
    outcome = check(*case)
    assert outcome.status == "verified", outcome.message
    assert outcome.points >= 5


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_wrong_hessian_fails(case):
    outcome = check(*case)
    assert outcome.status == "failed", outcome.message


def test_symmetric_only_claim_fails_at_a_general_matrix_with_the_sizes_named():
    outcome = check(*WRONG[1])
    assert "n=2" in outcome.message or "n=3" in outcome.message
    assert "it holds at n=1 but not at every size" in outcome.message


def test_a_missing_symmetric_part_is_named_with_the_index_free_correction():
    # A for A + A.T: at n = 1 a factor of 1/2, but the Hessian's index-free form (the
    # Jacobian of the gradient) tells what is missing
    outcome = check(*WRONG[0])
    assert outcome.message.startswith("claimed A but the derivative is A + A.T;")
    # (A is half of A + A.T only if it is symmetric: the claim is no symmetric part)
    assert "the claim has A where the derivative has A + A.T" in outcome.message
    assert outcome.message.endswith("did you mean :expect: A + A.T?")


def test_a_hessian_without_a_claim_is_shown_index_free():
    outcome = check("hessian", "x.T @ A @ x", [], {"wrt": "x[n]", "vars": "A[n, n]"})
    assert outcome.status == "verified"
    assert outcome.badge.startswith("index-free form derived, verified")
    assert outcome.math[0].endswith(r"= \mathbf{A} + \mathbf{A}^{\top}")


def test_a_wrong_symbolic_hessian_is_caught_by_finite_differences(monkeypatch):
    from sphinx_vcr.core.running import pipeline

    real = pipeline.flat_derivative

    def corrupted(problem, instance):
        flat = real(problem, instance).copy()
        flat[-1, -1] = flat[-1, -1] * 2  # the Hessian's last entry, not the gradient
        return flat

    monkeypatch.setattr(pipeline, "flat_derivative", corrupted)
    outcome = compute(*RIGHT[5], Settings(), "key")
    assert (outcome.status, outcome.subtype) == ("failed", "numeric"), outcome.message


def test_a_wrong_symbolic_gradient_under_the_hessian_is_caught_too(monkeypatch):
    from sphinx_vcr.core.running import pipeline

    real = pipeline.flat_derivative

    def corrupted(problem, instance):
        flat = real(problem, instance).copy()
        flat[0, 0] = flat[0, 0] + 1  # the gradient row that the Hessian differentiates
        return flat

    monkeypatch.setattr(pipeline, "flat_derivative", corrupted)
    outcome = compute(*RIGHT[5], Settings(), "key")
    assert (outcome.status, outcome.subtype) == ("failed", "numeric"), outcome.message


def test_claim_of_the_wrong_shape_names_the_hessian_without_a_layout_hint():
    outcome = check(H, "x.T @ A @ x", [], {**QUADRATIC, "expect": "x"})
    assert (outcome.status, outcome.subtype, outcome.option) == ("error", "shape", "expect")
    assert "the Hessian is a n x n matrix" in outcome.message
    assert ":layout:" not in outcome.message


def test_vector_function_is_a_located_error():
    outcome = check(H, "", ["A @ x"], {**QUADRATIC})
    assert (outcome.status, outcome.subtype, outcome.line) == ("error", "shape", 0)
    assert "write one hessian per component" in outcome.message


def test_matrix_in_wrt_is_refused_by_name():
    outcome = check(H, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]"})
    assert (outcome.status, outcome.subtype, outcome.option) == ("error", "shape", "wrt")
    assert "X is a matrix" in outcome.message


def test_rendered_as_second_partial_by_x_and_x_transposed():
    outcome = check(*RIGHT[0])
    assert outcome.math == [r"\frac{\partial^{2}}{\partial \mathbf{x}\, \partial "
                            r"\mathbf{x}^{\top}}\left(\mathbf{x}^{\top} \mathbf{A} "
                            r"\mathbf{x}\right) = \mathbf{A} + \mathbf{A}^{\top}"]
    assert "denominator layout" not in outcome.badge
    # the layout changes nothing, so the badge does not name it
    assert "denominator layout" not in check(*RIGHT[1]).badge


def test_the_scanner_finds_hessians_for_prefetch_and_near_misses():
    from sphinx_vcr.core.language.scan import Found, directives, suspects

    text = ".. hessian:: x.T @ A @ x\n   :wrt: x[n]\n   :vars: A[n, n]\n\n.. Hessian ::x\n"
    assert directives(text) == [Found("hessian", "x.T @ A @ x", [],
                                      {"wrt": "x[n]", "vars": "A[n, n]"})]
    assert [(s.line, s.kind) for s in suspects(text, markdown=False)] == [
        (1, "hessian"), (5, "hessian")]
    fence = "```{hessian} x**2\n:wrt: x\n```\n"
    assert [s.kind for s in suspects(fence, markdown=True)] == ["hessian"]
