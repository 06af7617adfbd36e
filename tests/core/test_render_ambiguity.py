"""Rendered math that read as something else (issue 10, parts C and D of the review).

Each hole has a test that failed on the code before it ("old:" quotes what that code
showed or said) and the correct twin that must still render as naturally as before.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.errors import ParseError
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.pipeline import compute
from sphinx_vcr.core.running.verify import check

FAST = Settings(samples=3, timeout=60)


def outcome(kind: str, argument: str, **options: str):
    return check(kind, argument, [], dict(options), FAST)


def math(kind: str, argument: str, **options: str) -> str:
    result = outcome(kind, argument, **options)
    assert result.status == "verified", result.message
    return " || ".join(result.math)


@pytest.fixture
def entries(monkeypatch):
    """The math a directive shows where the index-free engine finds no form: SymPy's
    entries, whose names these tests are about (computed in this process, with the
    engine switched off; its forms are tested in test_indexfree_wiring)."""
    def shown(kind: str, argument: str, **options: str) -> str:
        with monkeypatch.context() as patched:  # only here: check() keeps the engine
            patched.setattr(pipeline, "index_free", lambda problem: None)
            result = compute(kind, argument, [], dict(options), FAST, argument)
        assert result.status == "verified", result.message
        return " || ".join(result.math)
    return shown


# -- 1. a word beside a product of letters --------------------------------------------

def test_a_product_of_letters_is_dotted_beside_a_word():
    # old: \left(\mathit{xy} + x y\right) = y, which reads as d/dx (xy + xy) = y
    shown = math("derivative", "xy + x*y", wrt="x", expect="y")
    assert r"\mathit{xy} + x \cdot y" in shown


def test_sympy_results_are_dotted_beside_a_word():
    # old: = a b + \mathit{ab}
    assert r"= a \cdot b + \mathit{ab}" in math("derivative", "t*(a*b + ab)", wrt="t")


def test_a_matrix_product_is_dotted_beside_a_matrix_named_by_a_word():
    # old: \mathbf{A} \mathbf{b} beside the matrix ab, \mathbf{Ab}
    shown = math("gradient", "sum(A @ b) + sum(ab @ b)", wrt="b[2]",
                 vars="A[2, 2], ab[2, 2]")
    assert r"\mathbf{A} \cdot \mathbf{b}" in shown and r"\mathbf{Ab} \cdot \mathbf{b}" in shown


def test_a_scalar_word_beside_arrays_needs_no_dots():
    # old: \mathit{rate} \cdot \mathbf{x}^{\top} \cdot \mathbf{A} \cdot \mathbf{x}: an
    # italic word beside bold arrays reads as no one name; scalars still get their dot
    shown = math("gradient", "rate * x.T @ A @ x + rate * k * sum(x)", wrt="x[n]",
                 vars="A[n, n]")
    assert r"\mathit{rate} \mathbf{x}^{\top} \mathbf{A} \mathbf{x}" in shown
    assert r"\mathit{rate} \cdot k" in shown


def test_products_of_letters_alone_stay_side_by_side():
    assert math("derivative", "x*y", wrt="x") == \
        r"\frac{\mathrm{d}}{\mathrm{d} x}\left(x y\right) = y"


# -- 2. a letter subscript beside an array --------------------------------------------

@pytest.mark.parametrize("kind, argument, options, spelled", [
    # old: \frac{\partial}{\partial \mathbf{w}}\left(w_{n}\right) = 0^T
    ("gradient", "w_n", {"wrt": "w[n]", "expect": "zeros(n).T"}, r"\mathit{w\_n}"),
    ("gradient", "sum(x)*x_i", {"wrt": "x[3]"}, r"\mathit{x\_i}"),
    ("derivative", "sum(X)*t + X_ij", {"wrt": "t", "vars": "X[2, 2]"}, r"\mathit{X\_ij}"),
    ("derivative", "sum(theta)*t + theta_k", {"wrt": "t", "vars": "theta[2]"},
     r"\mathit{theta\_k}"),
])
def test_a_letter_subscript_beside_its_array_is_not_an_entry(kind, argument, options,
                                                            spelled):
    shown = math(kind, argument, **options)
    assert spelled in shown
    stem = spelled.split("{")[1].split("\\")[0]
    assert not any(f"{head}_{{{tail}" in shown for head in (stem, "X", r"\theta")
                   for tail in "nikj"), shown


def test_a_letter_subscript_without_an_array_keeps_its_usual_form():
    assert r"\left(w_{n} t\right) = w_{n}" in math("derivative", "w_n*t", wrt="t")
    assert r"x_{i}" in math("gradient", "sum(w)*x_i", wrt="w[3]")


# -- 3. a matrix shown upper-case, its entries, and a scalar A_12 ----------------------

def test_entries_follow_the_case_a_matrix_is_shown_in(entries):
    # old: bold A with entries a_{11} ... a_{22}
    shown = entries("derivative", "sum(a)*t", wrt="t", vars="a[2, 2]")
    assert r"\mathbf{A}" in shown and "A_{12}" in shown and "a_{12}" not in shown


def test_a_scalar_like_an_entry_of_a_case_changed_matrix_keeps_them_apart(entries):
    # old: bold A (the matrix a) beside a scalar A_{12}, which read as its entry
    shown = entries("derivative", "sum(a)*t + A_12", wrt="t", vars="a[2, 2]")
    assert r"\mathbf{a}" in shown and r"\mathbf{A}" not in shown
    assert "a_{12}" in shown and r"A_{12}\right)" in shown


# -- 4. the step function and sigmoid beside every form of theta and sigma -------------

def test_the_step_function_beside_a_vector_theta(entries):
    # old: \theta\left(\theta_{1}\right)
    assert math("gradient", "sum(relu(theta))", wrt="theta[2]").endswith(
        r"= \mathbb{1}\left[\boldsymbol{\theta} > 0\right]^{\top}")
    shown = entries("gradient", "sum(relu(theta))", wrt="theta[2]")
    assert r"\operatorname{step}\left(\theta_{1}\right)" in shown
    assert r"\theta\left(" not in shown


def test_sigmoid_beside_a_vector_sigma():
    # old: \boldsymbol{\sigma} \odot \sigma\left(\mathbf{z}\right)
    shown = math("jacobian", "sigma * sigmoid(z)", wrt="z[2]", vars="sigma[2]")
    assert r"\boldsymbol{\sigma} \odot \operatorname{sigmoid}\left(\mathbf{z}\right)" in shown


def test_the_step_function_and_sigmoid_alone_keep_their_symbols(entries):
    assert r"\theta\left(w_{1}\right)" in entries("gradient", "sum(relu(w))", wrt="w[2]")
    assert r"\sigma\left(\mathbf{z}\right)" in math("jacobian", "sigmoid(z)", wrt="z[2]")


# -- 5. Euler's number and a name E in messages ----------------------------------------

def test_a_message_tells_eulers_number_from_a_name_e():
    # old: the claim is E -> 2.71828 but the derivative is E -> 0.538288
    result = outcome("derivative", "E*x", wrt="x", expect="exp(1)")
    assert result.status == "failed"
    assert result.message.startswith("claimed exp(1) but the derivative is E;")
    assert "the claim is 2.71828 there but the derivative is E -> " in result.message
    # and Euler's number in the derivative's own entry, beside the name E
    result = outcome("derivative", "exp(1)*x + E*x", wrt="x", expect="E")
    assert "but the derivative is E + exp(1) -> " in result.message, result.message


def test_a_wrong_claim_with_eulers_number_still_fails_and_the_right_one_verifies():
    assert outcome("derivative", "exp(1)*x", wrt="x", expect="E").status == "failed"
    assert outcome("derivative", "exp(1)*x", wrt="x", expect="exp(1)").status == "verified"


# -- 6. element-wise and matrix products and powers -----------------------------------

def test_an_element_wise_product_inside_a_matrix_product_is_bracketed():
    # old: \mathbf{A} \odot \mathbf{A} \mathbf{x} = \mathbf{A}^{2}
    shown = math("jacobian", "(A*A) @ x", wrt="x[2]", vars="A[2, 2]", expect="A**2")
    assert r"\left(\left(\mathbf{A} \odot \mathbf{A}\right) \mathbf{x}\right)" in shown
    assert shown.endswith(r"= \mathbf{A}^{\circ 2}")


def test_a_matrix_product_inside_an_element_wise_one_is_bracketed():
    shown = math("jacobian", "(A @ x) * x", wrt="x[2]", vars="A[2, 2]")
    assert r"\left(\mathbf{A} \mathbf{x}\right) \odot \mathbf{x}" in shown


def test_a_power_by_a_name_t_is_not_a_transpose():
    # old: x^{T} and \frac{T x^{T}}{x}
    shown = math("derivative", "x**T", wrt="x", vars="T", where="x > 0")
    assert "^{T}" not in shown and r"\operatorname{pow}\left(x, T\right)" in shown


def test_powers_of_scalars_are_as_before():
    assert r"\left(x^{2} y^{n}\right)" in math("derivative", "x**2 * y**n", wrt="x",
                                                    vars="y, n", where="y > 0")


# -- 7. an empty :where: ---------------------------------------------------------------

@pytest.mark.parametrize("where", ["", "  "])
def test_an_empty_where_is_an_error(where):
    # old: accepted as "no region"
    with pytest.raises(ParseError, match=":where: is empty") as err:
        build_problem("derivative", "x", [], {"wrt": "x", "where": where})
    assert err.value.option == "where"


def test_a_where_with_a_region_is_accepted():
    assert len(build_problem("derivative", "x", [], {"wrt": "x", "where": "x > 0"}).where) == 1
