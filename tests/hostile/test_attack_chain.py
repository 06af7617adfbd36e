"""Hostile review of chainvalue (chain-rule factors by value, quoted claims, scalar
monomials): the attacks that main 2cd6463 withstood, kept as regression guards.

The findings (a Hadamard or dot-product factor written unbracketed beside its
neighbours) are in test_attack_attack-chain_findings.py and fail on main.
"""

from __future__ import annotations

import time

import pytest

from sphinx_vcr.core.calculus.indexfree import derive, to_text
from sphinx_vcr.core.calculus.indexfree.algebra import Algebra
from sphinx_vcr.core.calculus.indexfree.shape import Shapes
from sphinx_vcr.core.calculus.indexfree.simplify import simplify
from sphinx_vcr.core.language.parse import parse_declarations, parse_expression
from sphinx_vcr.core.outcome import FAILED, VERIFIED
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import factors
from sphinx_vcr.core.running.derived import Derived
from sphinx_vcr.core.running.pipeline import compute

LOSS = ["z = X @ w", "u = max(0, z)", "v = y - u", "C = mean(v**2)"]
LOSS_OPTIONS = {"wrt": "w[n]", "vars": "X[N, n], y[N]", "where": "X @ w > 0",
                "expect": "2/N * (X @ w - y).T @ X"}
OUTER = ["Z = outer(x, w)", "v = Z @ c", "L = sum(v)"]


def run(kind: str, content: list[str], argument: str = "",
        settings: Settings | None = None, **options: str):
    return compute(kind, argument, content, options, settings or Settings(),
                   f"attack-chain|{kind}|{argument}|{content}|{options}")


def factor_line(outcome) -> str:
    return next(m for m in outcome.math if m.startswith(r"\frac"))


def plant(monkeypatch, match: str, text: str) -> None:
    """The engine answers ``text`` for the factor whose definition contains ``match``."""
    real = factors.index_free

    def planted(problem):
        if match in problem.output.text:
            return Derived(parse_expression(text), text)
        return real(problem)

    monkeypatch.setattr(factors, "index_free", planted)


# (a) factors by value -------------------------------------------------------------

@pytest.mark.parametrize("wrong", ["kron(eye(n), w)", "kron(w.T, eye(n))", "outer(w, w)"])
def test_a_planted_wrong_matrix_by_vector_factor_is_not_shown(monkeypatch, wrong):
    """∂Z/∂x of Z = x wᵀ is d vec(Z)/dx = w ⊗ I; a row-major arrangement (I ⊗ w), a
    transpose or a wrong shape must fail the factor's own check."""
    plant(monkeypatch, "outer", wrong)
    outcome = run("chain-rule", OUTER, wrt="x[n]", vars="w[m], c[m]")
    assert outcome.status == VERIFIED
    # The symbol kept among the values, then the composite's (verified) result.
    assert r"\frac{\partial \mathbf{Z}}{\partial \mathbf{x}} = \left(\mathbf{w}^{\top} " \
        r"\mathbf{c}\right) \mathbf{1}_{n}^{\top}" in factor_line(outcome)
    assert "no index-free form found for ∂Z/∂x" in outcome.badge


def test_a_planted_right_matrix_by_vector_factor_is_shown(monkeypatch):
    """The sub-directive lays a matrix by a vector out as the chain does (column
    stacking): the right value verifies and is shown."""
    plant(monkeypatch, "outer", "kron(w, eye(n))")
    outcome = run("chain-rule", OUTER, wrt="x[n]", vars="w[m], c[m]")
    assert outcome.status == VERIFIED
    assert r"\left(\mathbf{w} \otimes I_{n}\right) = \left(\mathbf{w}^{\top} \mathbf{c}" \
        r"\right) \mathbf{1}_{n}^{\top}" in factor_line(outcome)
    assert "each verified as a claim" in outcome.badge


@pytest.mark.parametrize(("match", "wrong", "symbol"), [
    ("mean", "2/N * v", r"\frac{\partial C}{\partial \mathbf{v}}"),          # transposed
    ("mean", "-2/N * v.T", r"\frac{\partial C}{\partial \mathbf{v}}"),       # sign
    ("mean", "2/N * (y - max(0, X @ w)).T", r"\frac{\partial C}{\partial \mathbf{v}}"),
    ("y - u", "eye(N)", r"\frac{\partial \mathbf{v}}{\partial \mathbf{u}}"),
    ("X @ w", "X.T", r"\frac{\partial \mathbf{z}}{\partial \mathbf{w}}"),
])
def test_a_planted_wrong_factor_of_the_relu_loss_keeps_its_symbol(monkeypatch, match,
                                                                   wrong, symbol):
    """Wrong layout, sign, a value that is right only along the chain (v = y - u in
    terms of the variables), and a wrong identity: never shown, verdict unchanged."""
    plant(monkeypatch, match, wrong)
    outcome = run("chain-rule", LOSS, **LOSS_OPTIONS)
    assert outcome.status == VERIFIED, outcome.message
    line = factor_line(outcome)
    values = line.split(" = ")[2]  # symbols = values = result
    assert symbol in values, line
    assert "no index-free form found for" in outcome.badge


def test_a_slow_engine_cannot_turn_the_verdict_into_a_timeout(monkeypatch):
    real = factors.index_free

    def slow(problem):
        start = time.process_time()
        while time.process_time() - start < 30:
            pass
        return real(problem)

    monkeypatch.setattr(factors, "index_free", slow)
    settings = Settings(timeout=5)
    start = time.monotonic()
    outcome = run("chain-rule", LOSS, settings=settings, **LOSS_OPTIONS)
    assert outcome.status == VERIFIED, outcome.message
    assert time.monotonic() - start < 10
    wrong = run("chain-rule", LOSS, settings=settings,
                **dict(LOSS_OPTIONS, expect="1/N * (X @ w - y).T @ X"))
    assert wrong.status == FAILED


@pytest.mark.parametrize(("layout", "values"), [
    ("numerator", r"\mathbb{1}\left[z > 0\right] \begin{bmatrix}\mathbf{x}^{\top} & 1"
                  r"\end{bmatrix} = "),
    ("denominator", r"\begin{bmatrix}\mathbf{x} \\ 1\end{bmatrix} \mathbb{1}\left[z > 0"
                    r"\right] = "),
])
def test_a_scalar_by_several_variables_is_laid_out_as_the_chain(layout, values):
    outcome = run("chain-rule", ["z = w @ x + b", "a = max(0, z)"], wrt="w[n], b",
                  vars="x[n]", where="w @ x + b > 0", layout=layout)
    assert outcome.status == VERIFIED
    assert values in factor_line(outcome)


@pytest.mark.parametrize(("content", "options", "values"), [
    (["z = S @ x", "y = z @ z"], {"vars": "S[n, n] symmetric"},
     r"= 2 \mathbf{z}^{\top} \mathbf{S} = "),
    (["z = A @ x", "y = sin(z)"], {"vars": "A[n, 3]", "wrt": "x[3]"},
     r"= \operatorname{diag}\left(\cos\left(\mathbf{z}\right)\right) \mathbf{A}"),
    (["u = x * s", "y = sum(u**2)"], {"vars": None, "wrt": "x[n], s"},
     r"= 2 \mathbf{u}^{\top} \begin{bmatrix}s I_{n} & \mathbf{x}\end{bmatrix} = "),
    (["z = A @ x", "u = q @ z"], {"vars": "A[n, n]", "let": "q = A.T @ x"},
     # a matrix product among factors is not bracketed: @ is associative
     r"= \mathbf{z}^{\top} \mathbf{A}^{\top} + \mathbf{x}^{\top} \mathbf{A} \mathbf{A} = "),
    (["z = A @ x", "y = B @ z - z"], {"vars": "A[n, n], B[n, n]"},
     r"= \left(\mathbf{B} - I_{n}\right) \mathbf{A} = "),
    (["s = w @ x", "v = (s * s) * (c * d)"], {"vars": "x[n], c[k], d[k]", "wrt": "w[n]"},
     r"= \left(2 s \left(\mathbf{c} \odot \mathbf{d}\right)\right) \mathbf{x}^{\top} = "),
])
def test_factor_values_that_hold(content, options, values):
    """Structured parameters, fixed and generic sizes together, a scalar among the
    variables, a :let: of the variables, a difference (bracketed), a Hadamard inside a
    product: each shown value is the chain's factor."""
    options = {"wrt": "x[n]", **options}
    options = {k: v for k, v in options.items() if v is not None}
    outcome = run("chain-rule", content, **options)
    assert outcome.status == VERIFIED, outcome.message
    assert values in factor_line(outcome)


def test_a_let_of_a_definition_is_a_located_error_not_a_factor():
    outcome = run("chain-rule", ["z = A @ x", "u = sum(q) + sum(z)"], wrt="x[n]",
                  vars="A[n, n]", let="q = z**2")
    assert outcome.status == "error"
    assert "a let may use only the variables and earlier lets" in outcome.message


def test_the_engines_printer_brackets_products_the_findings_hold_to():
    """The reference for the findings file: the printer brackets a dot product and a
    Hadamard product inside a product."""
    out = run("jacobian", [], "c * (a @ b) * (w @ x)", wrt="w[n]",
              vars="x[n], a[m], b[m], c[k]", expect="c * (a @ b) @ x.T")
    assert out.status == VERIFIED
    assert out.math[-1].endswith(
        r"= \mathbf{c} \left(\mathbf{a} \cdot \mathbf{b}\right) \mathbf{x}^{\top}")
    out = run("jacobian", [], "(B * C) @ A @ x", wrt="x[n]",
              vars="A[n, n], B[n, n], C[n, n]", expect="(B * C) @ A")
    assert out.status == VERIFIED
    assert out.math[-1].endswith(r"= \left(\mathbf{B} \odot \mathbf{C}\right) \mathbf{A}")


# (b) quoting the claim as written ---------------------------------------------------

JACOBIAN = ["f = 3*x**2*y", "g = 2*x + y**8"]


@pytest.mark.parametrize(("claim", "quoted"), [
    # denominator layout: the literal's own (row, col), not the numerator position
    ("[[6*x*y, 3], [3*x**2, 8*y**7]]", "entry (1, 2) is 3 but the derivative is 2"),
    ("[[6*x*y, 2], [3*x**3, 8*y**7]]", "entry (2, 1) is 3*x**3 -> "),
])
def test_a_denominator_literal_is_quoted_at_its_own_entry(claim, quoted):
    outcome = run("jacobian", JACOBIAN, wrt="x, y", layout="denominator", expect=claim)
    assert outcome.status == FAILED
    assert quoted in outcome.message, outcome.message


def test_a_literal_over_lines_and_an_odd_but_equal_entry_are_quoted_as_typed():
    lines = run("jacobian", ["f = x*y", "g = x + y"], wrt="x, y",
                expect="[[y, x],\n [2, 1]]")
    assert lines.status == FAILED
    assert "entry (2, 1) is 2 but the derivative is 1" in lines.message
    odd = run("jacobian", ["f = x*y", "g = x + y"], wrt="x, y",
              expect="[[y, x], [1, 2*x*0 + 1*(y/y) + 0.5e1/5 ]]")
    assert odd.status == FAILED
    assert "entry (2, 2) is 2*x*0 + 1*(y/y) + 0.5e1/5 -> 2 but the derivative is 1" \
        in odd.message


def test_a_transposed_literal_is_quoted_whole():
    outcome = run("jacobian", ["f = x*y", "g = x + y"], wrt="x, y",
                  expect="[[y, x], [1, 1]].T")
    assert outcome.status == FAILED
    assert outcome.message.startswith("claimed [[y, x], [1, 1]].T (no index-free form")


def test_a_scalar_by_matrix_literal_is_not_quoted_entry_by_entry():
    outcome = run("gradient", [], "trace(A @ X)", wrt="X[2, 2]", vars="A[2, 2]",
                  expect="[[a, b], [c, d]]")
    assert outcome.status == FAILED
    assert outcome.message.startswith("claimed [[a, b], [c, d]] but the derivative is A;")


# (c) sums of scalar monomials -----------------------------------------------------

@pytest.mark.parametrize(("function", "wrt", "params"), [
    ("x**9 * sin(x) + x**3", "x", ""),
    ("c*x**2 + c*x", "x", "c"),
    ("x**2/c + x**3/c + x", "x", "c"),
    ("exp(x)*x**2 + exp(x)*x", "x", ""),
    ("(x @ x) * (a @ x) + (a @ x)**2", "x[n]", "a[n]"),
    ("x**2 * (a @ a) + x * (a @ a)", "x", "a[n]"),
    ("sin(x)**2 * x + cos(x) * x**2", "x", ""),
    ("c * (a @ x) + c * (x @ x)", "x[n]", "a[n], c"),
    ("x**3 / c**2 + x / c", "x", "c"),
    ("c * x**2 * y + c * x * y**2", "x, y", "c"),
])
def test_a_derived_form_is_idempotent_and_holds(function, wrt, params):
    w = parse_declarations(wrt, "wrt")
    p = parse_declarations(params, "vars") if params else ()
    form = derive(parse_expression(function), list(w), list(p))
    assert form is not None
    assert simplify(form, Algebra(Shapes([*w, *p]))) == form
    kind = "derivative" if len(w) == 1 and not w[0].dims else "gradient"
    options = {"wrt": wrt, "expect": to_text(form)}
    if params:
        options["vars"] = params
    assert run(kind, [], function, **options).status == VERIFIED


@pytest.mark.parametrize(("planted", "shown"), [
    ("kron(x.T, eye(n))", True),    # the chain's d vec(S x) / d vec(S), entries free
    ("kron(eye(n), x.T)", False),   # row-major: another arrangement
])
def test_a_symmetric_variables_factor_is_checked_as_the_chain_uses_it(monkeypatch,
                                                                      planted, shown):
    plant(monkeypatch, "S @ x", planted)
    outcome = run("chain-rule", ["z = S @ x", "y = z @ z"], wrt="S[n, n] symmetric",
                  vars="x[n]")
    assert outcome.status == VERIFIED
    values = factor_line(outcome).split(" = ")[2]
    assert (r"\frac{\partial \mathbf{z}}{\partial \mathbf{S}}" not in values) == shown
    assert ("no index-free form found for ∂z/∂S" in outcome.badge) != shown


def test_a_user_matrix_named_I_is_told_from_the_identity():
    outcome = run("chain-rule", ["z = A @ x", "y = I @ z - z"], wrt="x[n]",
                  vars="A[n, n], I[n, n]")
    assert outcome.status == VERIFIED
    assert r"= \left(\mathbf{I} - \mathrm{I}_{n}\right) \mathbf{A} = " in factor_line(outcome)


@pytest.mark.parametrize("claim", ["[[y, x], [1, 1*`x`]]", "[[y, x], [**2, 1]]",
                                   "[[y, x], [1, 1 # , 2\n]]"])
def test_markup_in_a_literal_is_a_located_parse_error(claim):
    outcome = run("jacobian", ["f = x*y", "g = x + y"], wrt="x, y", expect=claim)
    assert outcome.status == "error"
    assert outcome.subtype == "parse", outcome.message
    assert "syntax error" in outcome.message or "not part of the language" \
        in outcome.message, outcome.message
