"""Hostile review of 334c411..41a465a (attack-lead): attacks the branch withstood."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.calculus.indexfree.text import to_text
from sphinx_vcr.core.checking.numeric import Sampler
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

x = sympy.Symbol("x", real=True)
ZW, BIDI, COMB, SHY = "\u200b", "\u202e", "\u0301", "\u00ad"


def run(kind, expr, options, lines=()):
    return compute(kind, expr, list(lines), options, Settings(),
                   "attack-lead" + kind + expr + repr(options) + repr(lines))


# --- 5. non-ASCII: refused in every option, located -------------------------------

@pytest.mark.parametrize("options, option", [
    ({"wrt": "x", "expect": "2*x" + ZW}, "expect"),
    ({"wrt": "x" + ZW, "expect": "2*x"}, "wrt"),
    ({"wrt": "x", "expect": "2*x", "where": "x > 0" + ZW}, "where"),
    ({"wrt": "x", "expect": "2*x", "where": "\uff58 > 0"}, "where"),
    ({"wrt": "x", "expect": "2*x", "let": "a = 3" + SHY}, "let"),
    ({"wrt": "x", "expect": "2*x", "vars": "y" + BIDI}, "vars"),
    ({"wrt": "x", "expect": "2*x", "functions": "\uff46"}, "functions"),
    ({"wrt": "x", "expect": "2*x", "functions": "f" + ZW}, "functions"),
    ({"wrt": "x", "expect": "3*x", "mistake": "", "correct": "2*x" + ZW}, "correct"),
])
def test_invisible_or_lookalike_characters_are_refused_at_their_option(options, option):
    out = run("derivative", "x**2", options)
    assert out.status == "error" and out.subtype == "parse", out.message
    assert out.option == option and "U+" in out.message


def test_a_combining_mark_in_index_is_refused_at_index():
    out = run("gradient", "sum(x)", {"wrt": "x[n]", "index": "n" + COMB,
                                     "expect": "ones(n).T"})
    assert out.status == "error" and out.option == "index" and "U+0301" in out.message


@pytest.mark.parametrize("lines, line", [
    (["= 2*\uff58  # power"], 0),
    (["= 2*x" + ZW + "  # power"], 0),
    (["= 2*x", "= x + \uff58"], 1),
])
def test_non_ascii_in_a_derivation_step_is_refused_at_its_line(lines, line):
    out = run("derivation", "diff(x**2, x)", {}, lines)
    assert out.status == "error" and out.line == line and "U+" in out.message


def test_non_ascii_in_a_chain_rule_line_is_refused_at_its_line():
    out = run("chain-rule", "", {"wrt": "x"}, ["u = x**2", "y = sin(u)" + ZW])
    assert out.status == "error" and out.line == 1 and "U+200B" in out.message


@pytest.mark.parametrize("remark", ["幂法则", "café", "power" + BIDI + " rule"])
def test_a_remark_may_hold_any_text(remark):
    assert run("derivation", "diff(x**2, x)", {}, [f"= 2*x  # {remark}"]).status \
        == "verified"
    assert run("derivation", "diff(x**2, x)", {}, [f"= 3*x  # {remark}"]).status \
        == "failed"


# --- 3. powers with a symbolic exponent ---------------------------------------------

@pytest.mark.parametrize("expr, options", [
    ("(x-1)**y", {"wrt": "x", "expect": "y*(1-x)**(y-1)"}),
    ("(x-1)**y", {"wrt": "x", "expect": "-y*(1-x)**(y-1)"}),
    ("x**(1/y)", {"wrt": "x", "expect": "x**(1/y)/(x*abs(y))"}),
    ("x**(1/y)", {"wrt": "y", "expect": "x**(1/y)*log(x)/y**2"}),
    ("(-x)**y", {"wrt": "x", "expect": "y*(-x)**(y-1)"}),
    ("x**y", {"wrt": "x", "expect": "y*x**(y-1) + where(x < 1e-3, 1, 0)"}),
    ("x**y", {"wrt": "x", "expect": "y*x**(y-1) + where(y < 0, 1, 0)"}),
])
def test_wrong_claims_at_the_edge_of_a_power_fail(expr, options):
    assert run("derivative", expr, options).status == "failed"


@pytest.mark.parametrize("expr, options", [
    ("x**y", {"wrt": "x", "expect": "y*x**(y-1)"}),
    ("(x-1)**y", {"wrt": "x", "expect": "y*abs(x-1)**(y-1)"}),
    ("x**(1/y)", {"wrt": "x", "expect": "abs(x)**(1/y)/(x*y)"}),
    ("x**y", {"wrt": "y", "expect": "x**y*log(abs(x))"}),
    ("(-x)**y", {"wrt": "y", "expect": "(-x)**y*log(abs(x))"}),
    ("(x**2-1)**y", {"wrt": "x", "expect": "2*x*y*abs(x**2-1)**(y-1)"}),
])
def test_right_claims_on_a_power_hold(expr, options):
    out = run("derivative", expr, options)
    assert out.status == "verified", out.message


# --- 4. finite differences: correct derivatives of nasty functions ------------------

@pytest.mark.parametrize("kind, expr, options", [
    ("derivative", "sin(100*x)/10**7", {"wrt": "x", "expect": "cos(100*x)/10**5"}),
    ("derivative", "sin(1000*x)/10**9", {"wrt": "x", "expect": "cos(1000*x)/10**6"}),
    ("derivative", "exp(50*x)", {"wrt": "x", "expect": "50*exp(50*x)"}),
    ("derivative", "x**30*(1-x)**30",
     {"wrt": "x", "expect": "30*x**29*(1-x)**30 - 30*x**30*(1-x)**29"}),
    ("derivative", "tan(x)", {"wrt": "x", "expect": "1/cos(x)**2"}),
    ("derivative", "1/(x**2-1e-6)", {"wrt": "x", "expect": "-2*x/(x**2-1e-6)**2"}),
    ("derivative", "sin(10**6*x)*exp(-x**2)", {"wrt": "x", "expect":
     "10**6*cos(10**6*x)*exp(-x**2) - 2*x*sin(10**6*x)*exp(-x**2)"}),
    ("gradient", "exp(x).T @ A @ exp(x)", {"wrt": "x[n]", "vars": "A[n, n]",
                                           "expect": "exp(x).T*(exp(x).T @ (A + A.T))"}),
])
def test_correct_derivatives_of_nasty_functions_verify(kind, expr, options):
    out = run(kind, expr, options)
    assert out.status == "verified", out.message


@pytest.mark.parametrize("expr, options", [
    ("sin(100*x)/10**7", {"wrt": "x", "expect": "2*cos(100*x)/10**4"}),
    ("sin(1000*x)/10**9", {"wrt": "x", "expect": "1.001*cos(1000*x)/10**6"}),
])
def test_wrong_claims_at_small_magnitudes_fail(expr, options):
    assert run("derivative", expr, options).status == "failed"


@pytest.mark.parametrize("expr", [sympy.sin(100 * x) / 10**7, sympy.exp(3 * x),
                                  sympy.tan(x), 1 / (x - 0.013), x**20])
@pytest.mark.parametrize("factor", [1.003, 1.01, 2.0])
def test_a_wrong_derivative_off_by_a_few_thousandths_is_never_accepted(expr, factor):
    s = Sampler([expr], sympy.Matrix([[factor * sympy.diff(expr, x)]]), [x], [], [], [],
                1)
    derivative = sympy.lambdify(x, sympy.diff(expr, x))
    for at in np.linspace(-2.5, 2.5, 101):
        if abs(derivative(at)) < 1e-5:
            continue  # near vcr_atol (and see the findings file for 1e-7..1e-3)
        verdict = s.judge(np.array([at]), 1e-6, 1e-9)
        assert verdict is None or verdict[1] is not None, at


# --- 2. the quote of a :correct: ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "-x**2", "(-x)**2", "2**-1", "x**-y", "-(x-y)", "x/(y*z)", "x/y*z", "x-(y-z)",
    "x**y**z", "(x**y)**z", "2/3*x", "-2**2", "0.1*x", "(x @ y).T", "(-x).T", "-x.T",
    "2/(3*x)", "x/-y", "lambda*x", "where(x > 0, x, 0)", "(1/3)**x", "x**(1/3)",
    "-(1/3)*x", "x**(-1/3)", "(-2)**x", "-x**-y", "x - -y", "10**300*x", "x**-0.5",
])
def test_the_quote_reads_back_as_the_same_tree(text):
    tree = parse_expression(text)
    assert parse_expression(to_text(tree)) == tree


def test_a_wrong_correction_with_a_tiny_term_fails():
    out = run("derivative", "x**2", {"wrt": "x", "expect": "3*x", "mistake": "",
                                     "correct": "2*x + 1e-20*x"})
    assert out.status == "failed" and out.subtype == "correct"


# --- 1. the soft budget for extras --------------------------------------------------

@pytest.mark.parametrize("timeout", [1.0, 2.0])
def test_a_wrong_claim_under_a_short_timeout_still_fails_as_a_mismatch(timeout):
    options = {"wrt": "x[n]", "vars": "A[n, n], B[n, n]", "expect":
               "exp(A @ x).T @ A / sum(exp(A @ x)) + x.T @ (B + B.T) + 1e-9*x.T"}
    out = compute("gradient", "log(sum(exp(A @ x))) + x.T @ B @ x", [], options,
                  Settings(timeout=timeout), f"attack-lead-budget-{timeout}")
    assert out.status == "failed" and out.subtype == "mismatch", out.message
