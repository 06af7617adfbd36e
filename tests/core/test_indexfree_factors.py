"""A chain rule at generic sizes writes its factors by value, each verified as a claim.

The factors of ``z = X @ w``, ``u = max(0, z)``, ``v = y - u``, ``C = mean(v**2)`` are
shown as 2/N vᵀ, -I, diag(𝟙[z > 0]) and X, once each has verified as the claim of the
derivative it is (one definition by the one below it, every other name held constant),
at every size. A factor whose form is not found, does not verify, or is laid out
otherwise than the chain multiplies it keeps its symbol, and the badge names it.
"""

from __future__ import annotations

from sphinx_vcr.core.calculus.derivatives import Factor
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.outcome import FAILED, VERIFIED
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import factors
from sphinx_vcr.core.running.derived import Derived
from sphinx_vcr.core.running.pipeline import compute

LOSS = ["z = X @ w", "u = max(0, z)", "v = y - u", "C = mean(v**2)"]
LOSS_OPTIONS = {"wrt": "w[n]", "vars": "X[N, n], y[N]", "where": "X @ w > 0",
                "expect": "2/N * (X @ w - y).T @ X"}
FACTORS = (r"= \frac{2}{N} \mathbf{v}^{\top} \left(-I_{N}\right) \operatorname{diag}"
           r"\left(\mathbb{1}\left[\mathbf{z} > 0\right]\right) \mathbf{X} = ")
VERIFIED_NOTE = "the factors' index-free forms derived, each verified as a claim"


def chain(content: list[str], **options: str):
    return compute("chain-rule", "", content, options, Settings(),
                   f"chain|{content}|{options}")


def factor_line(outcome) -> str:
    return next(m for m in outcome.math if m.startswith(r"\frac"))


def test_the_loss_of_a_relu_neuron_shows_its_four_factors_by_value():
    outcome = chain(LOSS, **LOSS_OPTIONS)
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # symbols, then values, then the claim
    assert r"\frac{\partial \mathbf{z}}{\partial \mathbf{w}} = \frac{2}{N}" in line
    assert FACTORS in line
    assert line.endswith(r"\qquad \text{for } \mathbf{X} \mathbf{w} > 0")
    assert VERIFIED_NOTE in outcome.badge


def test_denominator_layout_reverses_the_factors_and_transposes_each():
    options = dict(LOSS_OPTIONS, layout="denominator",
                   expect="2/N * X.T @ (X @ w - y)")
    line = factor_line(chain(LOSS, **options))
    assert (r"= \mathbf{X}^{\top} \operatorname{diag}\left(\mathbb{1}\left[\mathbf{z} > "
            r"0\right]\right) \left(-I_{N}\right) \frac{2}{N} \mathbf{v} = ") in line


def test_the_total_derivative_form_shows_the_direct_and_the_path_terms():
    outcome = chain(["u1 = w @ x", "u2 = u1**2 + sum(w)"], wrt="w[n]", vars="x[n]",
                    expect="1 + 2 * (w @ x) * x.T")
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    # ∂u2/∂w with u1 held (the ones of sum(w)), ∂u2/∂u1 = 2 u1, du1/dw = xᵀ
    assert r"= \mathbf{1}_{n}^{\top} + 2 u_{1} \mathbf{x}^{\top} = " in line


def test_a_factor_the_engine_gets_wrong_is_not_shown(monkeypatch):
    """An engine bug: the wrong value fails its own check and the factor keeps its
    symbol; the directive is verified as before and the badge names the factor."""
    real = factors.index_free

    def wrong_for_relu(problem):
        if "max" in problem.output.text:
            return Derived(parse_expression("eye(N)"), "eye(N)")  # not diag(𝟙[z > 0])
        return real(problem)

    monkeypatch.setattr(factors, "index_free", wrong_for_relu)
    outcome = chain(LOSS, **LOSS_OPTIONS)
    assert outcome.status == VERIFIED
    line = factor_line(outcome)
    assert r"\left(-I_{N}\right) \frac{\partial \mathbf{u}}{\partial \mathbf{z}} " \
           r"\mathbf{X} = " in line
    assert "I_{N} \\mathbf{X}" not in line.replace(r"\left(-I_{N}\right)", "")
    assert "no index-free form found for ∂u/∂z" in outcome.badge


def test_a_scalar_by_a_matrix_factor_is_not_written_in_the_matrix_arrangement():
    """∂L/∂Z is multiplied as the row d L / d vec(Z); the gradient directive's form has
    Z's shape (transposed), so it would be another arrangement: not shown."""
    outcome = chain(["Z = X @ W", "L = sum(Z**2)"], wrt="W[n, m]", vars="X[N, n]")
    assert outcome.status == VERIFIED
    line = factor_line(outcome)
    assert r"= \frac{\partial L}{\partial \mathbf{Z}} \left(I_{m} \otimes \mathbf{X}\right)"\
        in line
    assert "no index-free form found for ∂L/∂Z" in outcome.badge


def test_no_factor_with_a_form_keeps_the_symbols_alone_and_says_so(monkeypatch):
    monkeypatch.setattr(factors, "index_free", lambda problem: None)
    outcome = chain(LOSS, **LOSS_OPTIONS)
    line = factor_line(outcome)
    assert r"\frac{\partial \mathbf{z}}{\partial \mathbf{w}} = \frac{2}{N} \left(" in line
    assert "no index-free form found for the factors" in outcome.badge


def test_fixed_sizes_keep_their_factor_matrices():
    outcome = chain(["g = [x**2, 3*x]", "y = [log(g1), sin(g2)]"], wrt="x",
                    expect="[2/x, 3*cos(3*x)]")
    assert r"\begin{bmatrix}\frac{1}{g_{1}} & 0" in factor_line(outcome)
    assert "index-free" not in outcome.badge


def test_a_wrong_claim_still_fails_with_the_factors_at_hand():
    outcome = chain(LOSS, **dict(LOSS_OPTIONS, expect="1/N * (X @ w - y).T @ X"))
    assert outcome.status == FAILED, outcome.message
    assert "1/2 times the derivative" in outcome.message


def test_each_factor_is_the_derivative_of_its_definition_with_the_rest_held():
    problem = build_problem("chain-rule", "", LOSS, dict(LOSS_OPTIONS))
    sub = factors.factor_problem(problem, Factor("v", "u", None))
    assert sub is not None
    assert (sub.kind, sub.output.text, sub.where, sub.expect) == ("jacobian", "v = y - u",
                                                                   (), None)
    assert [(d.name, d.dims) for d in sub.wrt] == [("u", ("N",))]
    # the variables of the chain are held constant in a partial factor
    assert ("w", ("n",)) in [(d.name, d.dims) for d in sub.params]
    first = factors.factor_problem(problem, Factor("z", None, None))
    assert first is not None and [d.name for d in first.wrt] == ["w"]
    top = factors.factor_problem(problem, Factor("C", "v", None))
    assert top is not None and top.kind == "gradient"


def test_a_chain_whose_result_is_a_row_gets_its_form_and_factors():
    """A row is a matrix of one row to the factors' declarations (its vec is its
    entries in order, as the chain counts them): y = exp(u).T @ A by x is derived."""
    outcome = chain(["u = A @ x", "y = exp(u).T @ A"], wrt="x[n]", vars="A[n, n]")
    assert outcome.status == VERIFIED, outcome.message
    assert "index-free form derived" in outcome.badge and VERIFIED_NOTE in outcome.badge
    assert factor_line(outcome).endswith(
        r"= \mathbf{A}^{\top} \operatorname{diag}\left(\exp\left(\mathbf{u}\right)\right) "
        r"\mathbf{A}")
    # the transpose alone: the factor is the identity, which multiplies nothing, and
    # the values' product is the result, written once (old: = I_{n} A = A)
    line = factor_line(chain(["u = A @ x", "y = u.T"], wrt="x[n]", vars="A[n, n]"))
    assert line.endswith(r"\frac{\partial \mathbf{u}}{\partial \mathbf{x}} = \mathbf{A}")
    assert "I_{n}" not in line


def test_a_row_intermediate_keeps_what_has_no_form_by_its_symbol():
    """∂y/∂u for a row u is a gradient by a 1 x n matrix, laid out otherwise than the
    chain multiplies it: its symbol stays, the badge names it, the rest has values."""
    outcome = chain(["u = x.T @ A", "y = sum(u**2)"], wrt="x[n]", vars="A[n, n]")
    assert outcome.status == VERIFIED, outcome.message
    assert r"\frac{\partial y}{\partial \mathbf{u}} \mathbf{A}^{\top}" in factor_line(outcome)
    assert factor_line(outcome).endswith(r"= 2 \mathbf{x}^{\top} \mathbf{A} \mathbf{A}^{\top}")
    assert "no index-free form found for ∂y/∂u" in outcome.badge


def test_a_wrong_claim_on_a_row_chain_fails_with_the_form():
    outcome = chain(["u = A @ x", "y = exp(u).T @ A"], wrt="x[n]", vars="A[n, n]",
                    expect="A.T @ diag(exp(u)) @ A.T")
    assert outcome.status == FAILED
    assert "but the derivative is A.T @ diag(exp(u)) @ A" in outcome.message, outcome.message


def test_an_identity_factor_is_left_out_of_the_values():
    """∂v/∂z = I_N multiplies nothing: (2/N) vᵀ X, not (2/N) vᵀ I_N X; a −I stays."""
    line = factor_line(chain(["z = X @ w", "v = z - y", "C = mean(v**2)"], wrt="w[n]",
                             vars="X[N, n], y[N]"))
    assert line.endswith(r"= \frac{2}{N} \mathbf{v}^{\top} \mathbf{X}") \
        and "I_{N}" not in line, line
    turned = factor_line(chain(["z = X @ w", "v = y - z", "C = mean(v**2)"], wrt="w[n]",
                               vars="X[N, n], y[N]"))
    assert r"\mathbf{v}^{\top} \left(-I_{N}\right) \mathbf{X}" in turned, turned


def test_values_that_multiply_to_the_result_are_not_written_twice():
    outcome = chain(["z = W @ x", "a = sigmoid(z)"], wrt="W[m, n]", vars="x[n]")
    line = factor_line(outcome)
    assert line.count(r"\otimes") == 1, line
