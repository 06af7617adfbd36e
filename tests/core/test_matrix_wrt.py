"""Derivatives by matrices (``:wrt: X[m, n]``, DESIGN 9) and of matrices by scalars.

A scalar by a matrix has the matrix's shape in denominator layout (the Matrix
Cookbook's) and its transpose in numerator layout; anything else by a matrix is
d vec(F) / d vec(X), vec stacking the columns; a matrix by a scalar is entry-wise. Each
Cookbook identity verifies, and its wrong twins (a missing transpose, the other layout,
a factor 2, a claim true at size 1 only, a row-major vec) fail.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute
from sphinx_vcr.core.running.verify import check

D, G, J, C, V = "derivative", "gradient", "jacobian", "chain-rule", "derivation"
DEN = {"layout": "denominator"}
NET = {"wrt": "W1[h, n]", "vars": "W2[k, h], x[n], b1[h], b2[k], y[k]",
       "where": "W1 @ x + b1 > 0", **DEN}
NET_BODY = "norm(W2 @ relu(W1 @ x + b1) + b2 - y)**2"
NET_RIGHT = "2 * (W2.T @ (W2 @ (W1 @ x + b1) + b2 - y)) @ x.T"
LAYER = ["z = W @ x + b", "a = relu(z)", "L = norm(a - y)**2"]
LAYER_OPTIONS = {"wrt": "W[m, n]", "vars": "x[n], y[m], b[m]", "where": "W @ x + b > 0"}
# Xa at X[2, 2]: vec(X) = (X11, X21, X12, X22), so d vec(Xa) / d vec(X) = aᵀ ⊗ I.
KRON_2 = "[[a1, 0, a2, 0], [0, a1, 0, a2]]"
ROW_MAJOR_2 = "[[a1, a2, 0, 0], [0, 0, a1, a2]]"

RIGHT = [
    # Cookbook (69)-(71): d aᵀXb / dX = abᵀ, d aᵀXᵀb / dX = baᵀ
    (G, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]", "expect": "a @ b.T",
                            **DEN}),
    (G, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]", "expect": "b @ a.T"}),
    (G, "a.T @ X.T @ b", [], {"wrt": "X[m, n]", "vars": "a[n], b[m]", "expect": "b @ a.T",
                              **DEN}),
    (G, "a.T @ X @ b", [], {"wrt": "X[2, 3]", "vars": "a[2], b[3]", "expect": "a @ b.T",
                            **DEN}),
    # d tr(X) / dX = I, the trace as a sum over the diagonal
    (G, "sum(X[i, i], i)", [], {"wrt": "X[n, n]", "index": "i", "expect": "eye(n)", **DEN}),
    # Cookbook (77): d bᵀXᵀXc / dX = X(bcᵀ + cbᵀ)
    (G, "a.T @ X.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[n], b[n]",
                                  "expect": "X @ (a @ b.T + b @ a.T)", **DEN}),
    (G, "norm(X @ w - y)**2", [], {"wrt": "X[m, n]", "vars": "w[n], y[m]",
                                   "expect": "2 * (X @ w - y) @ w.T", **DEN}),
    (G, "(X @ w - y).T @ (X @ w - y)", [], {"wrt": "X[m, n]", "vars": "w[n], y[m]",
                                            "expect": "2 * w @ (X @ w - y).T"}),
    # the two-layer network's dL/dW1, on the branch where the ReLU passes
    (G, NET_BODY, [], {**NET, "expect": NET_RIGHT}),
    # a chain rule by a weight matrix: the factors compose as vec-Jacobians
    (C, "", LAYER, {**LAYER_OPTIONS, "expect": "2 * (W @ x + b - y) @ x.T", **DEN}),
    (C, "", LAYER, {**LAYER_OPTIONS, "expect": "2 * x @ (W @ x + b - y).T"}),
    # a matrix inside the chain: its factors are d vec(Z) / d vec(W) too
    (C, "", ["Z = W @ X", "L = sum(C * Z)"], {"wrt": "W[m, n]", "vars": "X[n, k], C[m, k]",
                                              "expect": "C @ X.T", **DEN}),
    (C, "", ["Z = t**2 * A", "Y = 3 * Z"], {"wrt": "t", "vars": "A[m, n]",
                                            "expect": "6*t*A"}),
    # a vector by a matrix: d vec(F) / d vec(X)
    (J, "X @ a", [], {"wrt": "X[2, 2]", "vars": "a[2]", "expect": KRON_2}),
    # several variables stack: d f / d [vec(W); b]
    (G, "a.T @ W @ x + c.T @ b", [], {"wrt": "W[2, 2], b[2]", "vars": "a[2], x[2], c[2]",
                                      "expect": "[[a1*x1, a2*x1, a1*x2, a2*x2, c1, c2]]"}),
    (G, "a.T @ W @ x + c.T @ b", [], {"wrt": "W[2, 2], b[2]", "vars": "a[2], x[2], c[2]",
                                      "expect": "[a1*x1, a2*x1, a1*x2, a2*x2, c1, c2]",
                                      **DEN}),
    # a matrix by a scalar: entry-wise, the matrix's shape in either layout
    (D, "t * A + t**2 * B", [], {"wrt": "t", "vars": "A[m, n], B[m, n]",
                                 "expect": "A + 2*t*B"}),
    (J, "exp(t) * A", [], {"wrt": "t", "vars": "A[m, n]", "expect": "exp(t) * A", **DEN}),
    # diff() by a matrix follows the same convention as the directive
    (V, "diff(a.T @ X @ b, X)", ["= b @ a.T"], {"vars": "X[m, n], a[m], b[n]"}),
    # fixed sizes of 1: a.T @ X is a 1 x 1 product, still a matrix to the next @
    (G, "a.T @ X @ b", [], {"wrt": "X[1, 1]", "vars": "a[1], b[1]", "expect": "a @ b.T",
                            **DEN}),
    (G, "a.T @ X @ b", [], {"wrt": "X[m, 1]", "vars": "a[m], b[1]", "expect": "a @ b.T",
                            **DEN}),
    (G, "x.T @ A @ x", [], {"wrt": "x[1]", "vars": "A[1, 1]", "expect": "x.T @ (A + A.T)"}),
    (V, "diff(a.T @ X @ b, X)", ["= a @ b.T"], {"vars": "X[m, n], a[m], b[n]", **DEN}),
]

WRONG = [
    # the transpose, at a square X where the shapes cannot tell
    (G, "a.T @ X @ b", [], {"wrt": "X[n, n]", "vars": "a[n], b[n]", "expect": "b @ a.T",
                            **DEN}),
    (G, "a.T @ X.T @ b", [], {"wrt": "X[n, n]", "vars": "a[n], b[n]", "expect": "a @ b.T",
                              **DEN}),
    # off by a tiny constant: wrong, not close enough
    (G, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]",
                            "expect": "a @ b.T + 10**-30 * ones(m) @ ones(n).T", **DEN}),
    # the ones matrix is the identity at n = 1 only
    (G, "sum(X[i, i], i)", [], {"wrt": "X[n, n]", "index": "i",
                                "expect": "ones(n) @ ones(n).T", **DEN}),
    # one of the two terms, twice
    (G, "a.T @ X.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[n], b[n]",
                                  "expect": "2 * X @ a @ b.T", **DEN}),
    # the factor 2 of a square
    (G, "norm(X @ w - y)**2", [], {"wrt": "X[m, n]", "vars": "w[n], y[m]",
                                   "expect": "(X @ w - y) @ w.T", **DEN}),
    (G, NET_BODY, [], {**NET, "expect": NET_RIGHT.replace("2 * ", "")}),
    # the network's error not sent back through W2 (W2 itself, not W2ᵀ, at h = k)
    (G, NET_BODY, [], {**NET, "vars": "W2[h, h], x[n], b1[h], b2[h], y[h]",
                       "expect": NET_RIGHT.replace("W2.T", "W2")}),
    (C, "", LAYER, {**LAYER_OPTIONS, "expect": "(W @ x + b - y) @ x.T", **DEN}),
    (C, "", ["Z = W @ X", "L = sum(C * Z)"], {"wrt": "W[n, n]", "vars": "X[n, n], C[n, n]",
                                              "expect": "X.T @ C", **DEN}),
    (C, "", ["Z = t**2 * A", "Y = 3 * Z"], {"wrt": "t", "vars": "A[m, n]",
                                            "expect": "2*t*A"}),
    # vec by rows instead of by columns
    (J, "X @ a", [], {"wrt": "X[2, 2]", "vars": "a[2]", "expect": ROW_MAJOR_2}),
    (G, "a.T @ W @ x + c.T @ b", [], {"wrt": "W[2, 2], b[2]", "vars": "a[2], x[2], c[2]",
                                      "expect": "[[a1*x1, a1*x2, a2*x1, a2*x2, c1, c2]]"}),
    (D, "t * A + t**2 * B", [], {"wrt": "t", "vars": "A[m, n], B[m, n]",
                                 "expect": "A + t*B"}),
    (V, "diff(a.T @ X @ b, X)", ["= b @ a.T"], {"vars": "X[n, n], a[n], b[n]", **DEN}),
    (G, "a.T @ X @ b", [], {"wrt": "X[1, 1]", "vars": "a[1], b[1]",
                            "expect": "2 * a @ b.T", **DEN}),
    (G, "a.T @ X @ b", [], {"wrt": "X[m, 1]", "vars": "a[m], b[1]", "expect": "a", **DEN}),
]


def test_a_scalar_is_still_no_operand_of_the_matrix_product():
    outcome = check(G, "x @ y", [], {"wrt": "y[1]"})
    assert outcome.status == "error" and "one side is a scalar" in outcome.message


def _id(case) -> str:
    kind, argument, content, options = case
    return f"{kind}:{argument or content[-1]}:{options.get('expect', '')}"


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_cookbook_identity_verifies(case):
    outcome = check(*case)
    assert outcome.status == "verified", outcome.message
    assert outcome.points >= 5


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_wrong_twin_fails(case):
    outcome = check(*case)
    assert outcome.status == "failed", outcome.message


def test_transposed_claim_at_a_square_matrix_is_named_a_layout_slip():
    outcome = check(*WRONG[0])
    assert "it is the transpose of the derivative: check the layout" in outcome.message


def test_numerator_claim_of_the_matrix_shape_names_the_convention():
    outcome = check(G, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]",
                                           "expect": "a @ b.T"})
    assert (outcome.status, outcome.subtype, outcome.option) == ("error", "shape", "expect")
    message = outcome.message
    assert "the derivative in numerator layout is a n x m matrix" in message
    assert "transpose the claim with .T, or use :layout: denominator" in message
    assert "X's shape in denominator layout, the Matrix Cookbook's convention" in message


def test_matrix_claim_for_several_variables_asks_for_vec():
    outcome = check(G, "a.T @ W @ x + c.T @ b", [],
                    {"wrt": "W[m, n], b[m]", "vars": "a[m], x[n], c[m]",
                     "expect": "a @ x.T"})
    assert (outcome.status, outcome.subtype) == ("error", "shape"), outcome.message
    assert "row vector of length m*n + m" in outcome.message
    assert "d vec(F) / d vec(W)" in outcome.message and "vec()" in outcome.message


def test_entrywise_claim_of_the_wrong_shape_does_not_blame_the_layout():
    outcome = check(J, "t * A", [], {"wrt": "t", "vars": "A[m, n]", "expect": "A.T"})
    assert (outcome.status, outcome.subtype) == ("error", "shape")
    assert "entry by entry" in outcome.message and ":layout:" not in outcome.message


def test_a_matrix_by_a_matrix_is_not_refused_as_a_tensor():
    # d vec(AX) / d vec(X) = I ⊗ A at X[2, 2], A[2, 2]: block diagonal
    claim = "[[A, zeros(2, 2)], [zeros(2, 2), A]]"
    outcome = check(J, "A @ X", [], {"wrt": "X[2, 2]", "vars": "A[2, 2]", "expect": claim})
    assert outcome.status == "verified", outcome.message
    # one block transposed: wrong
    claim = "[[A, zeros(2, 2)], [zeros(2, 2), A.T]]"
    outcome = check(J, "A @ X", [], {"wrt": "X[2, 2]", "vars": "A[2, 2]", "expect": claim})
    assert outcome.status == "failed", outcome.message


def test_derivative_directive_still_takes_one_scalar():
    outcome = check(D, "a.T @ X @ b", [], {"wrt": "X[m, n]", "vars": "a[m], b[n]"})
    assert (outcome.status, outcome.subtype) == ("error", "shape")


def test_matrix_names_render_bold_in_the_derivative_and_in_the_failure_box():
    right = check(*RIGHT[0])
    assert r"\frac{\partial}{\partial \mathbf{X}}" in right.math[-1]
    assert r"\mathbf{a} \mathbf{b}^{\top}" in right.math[-1]
    wrong = check(*WRONG[0])
    assert all(r"\partial \mathbf{X}" in block for block in wrong.math), wrong.math
    assert r"\neq" in wrong.math[0]


def test_chain_rule_by_a_matrix_shows_its_factors_but_not_a_row_equal_to_a_matrix():
    outcome = check(C, "", LAYER, {**LAYER_OPTIONS, "wrt": "W[2, 2]",
                                   "vars": "x[2], y[2], b[2]"})
    assert outcome.status == "verified", outcome.message
    math = outcome.math[-1]
    assert (r"\frac{\partial L}{\partial \mathbf{a}} \frac{\partial \mathbf{a}}{\partial "
            r"\mathbf{z}} \frac{\partial \mathbf{z}}{\partial \mathbf{W}}") in math
    # no row of factor matrices: the result only, the composite's index-free form
    assert r"\begin{bmatrix}" not in math
    # the region W x + b > 0 settles relu: a = z there (indexfree/region.py)
    assert r"= 2 \mathbf{x} \left(\mathbf{z} - \mathbf{y}\right)^{\top}" in math


def test_points_name_the_matrix_entries_by_row_and_column():
    # as the author writes them, and as the expressions beside them print them
    outcome = check(*WRONG[5])
    assert "X[1, 1]=" in outcome.message and "w[1]=" in outcome.message
    assert "X_11" not in outcome.message and "w_1" not in outcome.message


def test_a_wrong_symbolic_matrix_derivative_is_caught_by_finite_differences(monkeypatch):
    from sphinx_vcr.core.running import pipeline

    real = pipeline.flat_derivative

    def corrupted(problem, instance):
        flat = real(problem, instance).copy()
        flat[0, -1] = flat[0, -1] + 1  # the last entry of vec(X): X[m, n]
        return flat

    monkeypatch.setattr(pipeline, "flat_derivative", corrupted)
    outcome = compute(*RIGHT[0], Settings(), "key")
    assert (outcome.status, outcome.subtype) == ("failed", "numeric"), outcome.message


@pytest.mark.parametrize("layout, claim", [("denominator", "c @ x.T"),
                                           ("numerator", "x @ c.T")])
def test_a_chain_claim_by_a_matrix_missing_a_factor_names_it(layout, claim):
    # the claim has W's shape, the factors multiply to a row: compared by vec
    outcome = check(C, "", ["z = W @ x", "a = 3 * z", "L = c.T @ a"],
                    {"wrt": "W[m, n]", "vars": "x[n], c[m]", "layout": layout,
                     "expect": claim})
    assert outcome.status == "failed"
    assert "it leaves out the factor da/dz" in outcome.message, outcome.message


@pytest.mark.parametrize("layout, shown", [
    ("numerator", r"\operatorname{diag}\left(\exp\left(\mathbf{W} \mathbf{x}\right)\right)"
                  r" \left(\mathbf{x}^{\top} \otimes I_{m}\right)"),
    ("denominator", r"= \left(\mathbf{x} \otimes I_{m}\right) \operatorname{diag}"),
])
def test_an_entrywise_layer_by_its_weights_is_index_free_with_its_kron_bracketed(
        layout, shown):
    outcome = check(J, "exp(W @ x)", [], {"wrt": "W[m, n]", "vars": "x[n]",
                                          "layout": layout})
    assert outcome.status == "verified" and "index-free form derived" in outcome.badge
    assert shown in outcome.math[0], outcome.math[0]
