"""Hostile review of 334c411..41a465a (attack-lead): findings. Each test asserts the
right behaviour and FAILS on the branch as reviewed (nothing is marked xfail)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.calculus.indexfree.text import to_text
from sphinx_vcr.core.checking.numeric import Sampler
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.pipeline import compute

x = sympy.Symbol("x", real=True)


def run(kind, expr, options, lines=()):
    return compute(kind, expr, list(lines), options, Settings(),
                   "attack-lead-f" + kind + expr + repr(options) + repr(lines))


# F1 (item 4). A step whose roundoff floor is far above the derivative's error still
# counts: DISCERN compares 10*err with DISCERN*magnitude + atol + *roundoff*, and at the
# smallest steps roundoff (100 eps max|f| / h_min ~ 5e-4 for sin(100 x) near x = 1.775)
# is larger than a 10% error of a derivative of 1.5e-3 (a million times vcr_atol).
@pytest.mark.parametrize("expr, at, factor", [
    (sympy.sin(100 * x), 1.775, 1.1),
    (sympy.sin(100 * x), -1.775, 1.03),
])
def test_a_wrong_derivative_well_above_atol_is_not_accepted(expr, at, factor):
    s = Sampler([expr], sympy.Matrix([[factor * sympy.diff(expr, x)]]), [x], [], [], [], 1)
    value = float(sympy.diff(expr, x).subs(x, at))
    assert abs(value) > 100 * 1e-9
    verdict = s.judge(np.array([at]), 1e-6, 1e-9)
    assert verdict is None or verdict[1] is not None, (value, verdict)


# F3 (:mistake: with abstract functions). A confirmed mistake breaks out of the case
# loop after one replacement, and check_replacements then refuses the directive: every
# :mistake: in a directive with :functions: is an error 'widen the region', whether its
# :correct: is right or not (pipeline._verify: check_replacements runs although caught).
@pytest.mark.parametrize("options", [
    {"wrt": "x", "functions": "f", "expect": "f(x)", "mistake": ""},
    {"wrt": "x", "functions": "f", "expect": "f(x)", "mistake": "",
     "correct": "f(x) + x*D(f)(x)"},
])
def test_a_known_mistake_with_abstract_functions_is_confirmed(options):
    out = run("derivative", "f(x)*x", options)
    assert out.status == "verified" and out.mistake, out.message


# F4 (item 2, latent behind F3). With :functions:, the message quotes
# repr(problem.expect_text); _quoted gives "" for any Apply node (f(x) has no text), so
# a wrong :correct: is quoted as '' . Shown with check_replacements bypassed.
def test_a_wrong_correction_with_functions_is_quoted(monkeypatch):
    monkeypatch.setattr(pipeline, "check_replacements", lambda problem, done: None)
    out = run("derivative", "f(x)*x", {"wrt": "x", "functions": "f", "expect": "f(x)",
                                       "mistake": "", "correct": "f(x) + 2*x*D(f)(x)"})
    assert out.status == "failed" and out.subtype == "correct", out.message
    assert "''" not in out.message and "D(f)" in out.message, out.message


# F5 (item 2). to_text writes a number with more than 16 decimals as repr(Fraction):
# 'Fraction(1, 100000000000000000000) * x', not the language (parse refuses it). Used
# for the :correct: quote and for derived forms' text.
@pytest.mark.parametrize("text", ["1e-20*x", "0.1234567890123456789*x",
                                  "2.0000000000000000001*x"])
def test_the_quote_of_a_long_number_reads_back(text):
    tree = parse_expression(text)
    quoted = to_text(tree)
    assert "Fraction" not in quoted
    assert parse_expression(quoted) == tree


# F6 (item 5, message). A fullwidth name on the left of a :let: or chain-rule line gets
# the generic 'name = expression' error, not the new ASCII hint that says which
# character and what to write (located correctly, though).
@pytest.mark.parametrize("kind, expr, options, lines", [
    ("derivative", "a*x**2", {"wrt": "x", "expect": "2*a*x", "let": "\uff41 = 3"}, []),
    ("chain-rule", "", {"wrt": "x"}, ["\uff55 = x**2", "y = sin(u)"]),
])
def test_a_fullwidth_defined_name_gets_the_ascii_hint(kind, expr, options, lines):
    out = run(kind, expr, options, lines)
    assert out.status == "error" and "U+FF" in out.message, out.message


# F7 (item 5, 80e144e). The new refusal of ':wrt: S[n, n]' beside ':vars: S[n, n]
# symmetric' says a derivative by a structured matrix "is not supported ... differentiate
# by a general S in :wrt: alone"; docs/language.rst documents a structure in :wrt: and
# ':wrt: S[n, n] symmetric' verifies. The message should send the author there.
def test_the_structured_wrt_refusal_does_not_say_it_is_unsupported():
    out = run("gradient", "a.T @ S @ a", {"wrt": "S[n, n]", "vars": "S[n, n] symmetric, a[n]",
                                          "expect": "a @ a.T"})
    assert out.status == "error" and out.option == "vars"
    assert "not supported" not in out.message, out.message
    assert "S[n, n] symmetric" in out.message, out.message
    # what the docs allow, and the branch does
    assert run("gradient", "a.T @ S @ a", {"wrt": "S[n, n] symmetric", "vars": "a[n]",
                                           "expect": "a @ a.T"}).status == "verified"


