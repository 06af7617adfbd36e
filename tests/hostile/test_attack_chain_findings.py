"""Hostile review of chainvalue (factors by value): findings. These FAIL on main 2cd6463.

A chain rule's factor whose verified value is a Hadamard product (``B * C``, printed
B ⊙ C) is written beside its neighbours without brackets: ``B ⊙ C A`` for
(B ⊙ C) A. Read with the usual precedence (juxtaposed matrix product before ⊙) it is
B ⊙ (C A), a different matrix of the same shape, so the line shows a wrong
factorisation although each factor verified on its own. ``render._needs_brackets``
brackets sums, negations and Kronecker products only.
"""

from __future__ import annotations

from sphinx_vcr.core.outcome import VERIFIED
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def chain(content: list[str], **options: str):
    return compute("chain-rule", "", content, options, Settings(),
                   f"attack-chain|{content}|{options}")


def factor_line(outcome) -> str:
    return next(m for m in outcome.math if m.startswith(r"\frac"))


def test_a_hadamard_factor_before_a_matrix_is_bracketed():
    outcome = chain(["y = A @ x", "z = (B * C) @ y"], wrt="x[n]",
                    vars="A[n, n], B[n, n], C[n, n]")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "= \mathbf{B} \odot \mathbf{C} \mathbf{A} =", i.e. B ⊙ (C A)
    assert r"\mathbf{B} \odot \mathbf{C} \mathbf{A}" not in line, line
    assert r"\left(\mathbf{B} \odot \mathbf{C}\right) \mathbf{A}" in line, line


def test_a_hadamard_factor_between_a_row_and_a_matrix_is_bracketed():
    outcome = chain(["z = A @ x", "y = (B * C) @ z", "L = sum(y)"], wrt="x[n]",
                    vars="A[n, n], B[n, n], C[n, n]")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "\mathbf{1}_{n}^{\top} \mathbf{B} \odot \mathbf{C} \mathbf{A}"
    assert r"\mathbf{B} \odot \mathbf{C} \mathbf{A}" not in line, line
    assert r"\left(\mathbf{B} \odot \mathbf{C}\right)" in line, line


def test_a_hadamard_factor_after_a_diagonal_is_bracketed():
    outcome = chain(["z = (A * B) @ x", "y = sin(z)"], wrt="x[n]",
                    vars="A[n, n], B[n, n]")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "diag(cos z) \mathbf{A} \odot \mathbf{B}", i.e. (diag(cos z) A) ⊙ B
    assert r"\right) \mathbf{A} \odot \mathbf{B}" not in line, line
    assert r"\left(\mathbf{A} \odot \mathbf{B}\right)" in line, line


# A scalar factor whose value is a dot product (a @ b, printed a · b) is not bracketed
# either: "a · b xᵀ" for (a · b) xᵀ, and with a factor before it "c a · b xᵀ", which
# reads as (c a) · (b xᵀ). The engine's own printer writes the same product
# "c (a · b) xᵀ" (see the jacobian of c * (a @ b) * (w @ x)).

def test_a_dot_product_factor_before_a_row_is_bracketed():
    outcome = chain(["s = w @ x", "u = s * (a @ b)"], wrt="w[n]",
                    vars="x[n], a[m], b[m]")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "= \mathbf{a} \cdot \mathbf{b} \mathbf{x}^{\top} ="
    assert r"= \mathbf{a} \cdot \mathbf{b} \mathbf{x}^{\top} =" not in line, line
    assert r"\left(\mathbf{a} \cdot \mathbf{b}\right) \mathbf{x}^{\top}" in line, line


def test_a_dot_product_factor_between_a_column_and_a_row_is_bracketed():
    outcome = chain(["s = w @ x", "u = s * (a @ b)", "v = u * c"], wrt="w[n]",
                    vars="x[n], a[m], b[m], c[k]")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "= \mathbf{c} \mathbf{a} \cdot \mathbf{b} \mathbf{x}^{\top} ="
    assert r"\mathbf{c} \mathbf{a} \cdot \mathbf{b}" not in line, line
    assert r"\mathbf{c} \left(\mathbf{a} \cdot \mathbf{b}\right) \mathbf{x}^{\top}" \
        in line, line



# The by-value line is generic (its values are the factors at every size), but whether
# its factors are joined by a dot (meant for scalars side by side, "1 · 2x") is decided
# by the factor matrices of the run shown. Where the run shown is at size 1 (a
# ``:where: n < 2`` or ``vcr_sizes = [1]``), every factor is 1 x 1 there, and matrices
# are written with the dot that the page uses for a dot product:
# "diag(cos z) · A", "2/N vᵀ · (-I_N) · diag(𝟙[z > 0]) · X".

def test_matrix_factors_by_value_are_not_joined_by_a_dot_when_shown_at_size_1():
    outcome = chain(["z = A @ x", "y = sin(z)"], wrt="x[n]", vars="A[n, n]",
                    where="n < 2")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # (the result is the composite's index-free form, generic, not shown at n = 1)
    # shown on main: "\operatorname{diag}\left(\cos\left(\mathbf{z}\right)\right) \cdot \mathbf{A}"
    assert r"\right) \cdot \mathbf{A}" not in line, line
    # (the values multiply to the result as written: it is written once)
    assert r"= \operatorname{diag}\left(\cos\left(\mathbf{z}\right)\right) \mathbf{A}" \
        in line, line


def test_the_relu_loss_by_value_has_no_dots_with_vcr_sizes_1():
    options = {"wrt": "w[n]", "vars": "X[N, n], y[N]", "where": "X @ w > 0",
               "expect": "2/N * (X @ w - y).T @ X"}
    content = ["z = X @ w", "u = max(0, z)", "v = y - u", "C = mean(v**2)"]
    outcome = compute("chain-rule", "", content, options, Settings(sizes=(1,)),
                      "attack-chain|sizes1")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # shown on main: "\frac{2}{N} \mathbf{v}^{\top} \cdot \left(-I_{N}\right) \cdot ..."
    assert r"\cdot" not in line.split(" = ")[2], line
