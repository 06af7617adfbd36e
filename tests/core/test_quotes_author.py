"""Issue 14 item 3: messages quote the author, never SymPy's rewriting.

The part of a claim (or a derivation step) without a value is quoted as the author wrote
it, from the parse tree (``1/where(x > 0, x, 0)``, not SymPy's ``Piecewise((1/x, x > 0),
(zoo, True))``); what is left to print from SymPy is printed in the language's syntax,
so that it could be pasted into ``:expect:``. The verdicts are those of before.
"""

from __future__ import annotations

import re

import pytest
import sympy

from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.rendering.messages import expression_text, quoted_text
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options, content=(), key="quotes"):
    return compute(kind, argument, list(content), dict(options), Settings(), key)


SYMPY_WORDS = ("Piecewise", "Heaviside", "zoo", "Max(", "Min(", "Abs(", "x_1", "x_2")

# (kind, argument, options, content, the part quoted)
NO_VALUE = [
    ("derivative", "where(x > 0, x**2, 0)",
     {"wrt": "x", "expect": "where(x > 0, 2*x, 0) + 0*(1/where(x > 0, x, 0))"}, (),
     "1/where(x > 0, x, 0)"),
    ("jacobian", "where(x > 0, x, 0)",
     {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, [0*log(x1), 0*log(-x2)]))"}, (),
     "log(x1)"),
    ("derivative", "relu(x)", {"wrt": "x", "expect": "where(x > 0, 1, 0) + 0*sqrt(x + 1.5)"},
     (), "sqrt(x + 1.5)"),
    ("derivative", "sigmoid(x)",
     {"wrt": "x", "expect": "sigmoid(x)*(1 - sigmoid(x)) + 0*log(x - 2)"}, (), "log(x - 2)"),
    # a :let:'s note, raised where the claim uses the name: the let's own text
    ("derivative", "relu(x)", {"wrt": "x", "let": "L = log(x)",
                               "expect": "where(x > 0, 1, 0) + 0*L"}, (), "log(x)"),
    # a where() branch's note, under its condition: the branch's text
    ("jacobian", "relu(x)", {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, 0*log(x)))"}, (),
     "log(x)"),
    # a power noted (a fractional power of a form that may be negative)
    ("derivative", "relu(x)", {"wrt": "x", "expect": "where(x > 0, 1, 0) + 0*(x - 3)**0.5"},
     (), "(x - 3)**0.5"),
]


@pytest.mark.parametrize("kind, argument, options, content, part", NO_VALUE)
def test_the_part_without_a_value_is_quoted_as_written(kind, argument, options, content,
                                                       part):
    out = run(kind, argument, options, content)
    assert (out.status, out.subtype) == ("failed", "mismatch"), (out.status, out.message)
    assert f"({part} has none there)" in out.message, out.message
    assert not any(word in out.message.split(", where the derivative")[1]
                   for word in SYMPY_WORDS), out.message


@pytest.mark.parametrize("argument, options, step, part", [
    ("x", {}, "= sqrt(x)**2", "sqrt(x)"),
    ("1", {}, "= x*diff(log(x), x)", "log(x)"),  # SymPy's 1/x has a value there
    ("1", {"let": "L = log(x)"}, "= 0*L + 1", "log(x)"),
])
def test_a_derivation_step_without_a_value_quotes_its_text(argument, options, step, part):
    out = run("derivation", argument, options, (step,))
    assert out.status == "failed", (out.status, out.message)
    assert f"({part} has none there)" in out.message, out.message


def test_the_correct_claims_still_verify():
    for kind, argument, options in [
        ("jacobian", "where(x > 0, x, 0)",
         {"wrt": "x[2]", "expect": "diag(where(x > 0, 1, [0*log(-x1), 0*log(-x2)]))"}),
        ("derivative", "where(x > 0, sqrt(x), 0)",
         {"wrt": "x", "expect": "where(x > 0, 1/(2*sqrt(where(x > 0, x, 0))), 0)"}),
        ("derivative", "relu(x)", {"wrt": "x", "expect": "where(x > 0, 1, 0)"}),
    ]:
        out = run(kind, argument, options)
        assert out.status == "verified", (argument, options, out.message)


def test_the_derivative_is_quoted_in_the_language_and_can_be_pasted():
    out = run("derivative", "where(x > 0, sqrt(x), 0)",
              {"wrt": "x", "expect": "where(x > 0, 2*x, 0)"})
    assert out.status == "failed"
    assert "the claim is where(x > 0, 2*x, 0) -> " in out.message, out.message
    quoted = re.search(r"but the derivative is (.*) -> ", out.message).group(1)
    assert quoted == "where(x > 0, 1/(2*sqrt(x)), 0)", out.message
    pasted = run("derivative", "where(x > 0, sqrt(x), 0)", {"wrt": "x", "expect": quoted})
    assert pasted.status == "verified", pasted.message


def test_entries_are_written_as_the_author_writes_them():
    out = run("jacobian", "x*abs(x)", {"wrt": "x[2]", "expect": "diag(x)"})
    assert out.status == "failed"
    assert "x1*where(x1 > 0, 1, where(x1 < 0, -1, 0)) + abs(x1)" in out.message, out.message
    generic = run("gradient", "sum(sqrt(w))", {"wrt": "w[n]", "expect": "1/sqrt(w).T"})
    assert generic.status == "failed"
    assert "1/(2*sqrt(w[1]))" in generic.message, generic.message


def test_a_claim_written_with_sigmoid_is_quoted_with_sigmoid():
    out = run("derivative", "sigmoid(x)", {"wrt": "x", "expect": "2*sigmoid(x)*(1 - sigmoid(x))"})
    assert out.status == "failed"
    assert "2*sigmoid(x)*(1 - sigmoid(x))" in out.message, out.message


def test_the_max_argument_never_real_is_quoted_as_written():
    out = run("derivative", "relu(x)", {"wrt": "x",
              "expect": "max(0, log(-x**2 - 1))*0 + where(x > 0, 1, 0)"})
    assert out.status == "error" and "log(-x**2 - 1) has no real value" in out.message


x, y = sympy.symbols("x y", real=True)
PRINTED = [
    (sympy.Piecewise((1 / x, x > 0), (sympy.zoo, True)), "where(x > 0, 1/x, 1/0)"),
    (sympy.Piecewise((1, x > 0), (2, y > 0), (0, True)), "where(x > 0, 1, where(y > 0, 2, 0))"),
    (sympy.Piecewise((1, (x > 0) & (x < 1)), (0, True)),
     "where(x > 0, where(x < 1, 1, 0), 0)"),
    (sympy.Heaviside(x, 0), "where(x > 0, 1, 0)"),
    (sympy.Heaviside(x, 1), "where(x >= 0, 1, 0)"),
    (sympy.Max(0, x), "max(0, x)"),
    (sympy.Min(x, y), "min(x, y)"),
    (sympy.Abs(x - 1), "abs(x - 1)"),
    (sympy.exp(1) * x, "exp(1)*x"),
]


@pytest.mark.parametrize("expr, text", PRINTED)
def test_sympy_objects_print_in_the_language(expr, text):
    printed = expression_text(expr)
    assert printed == text
    if "1/0" not in printed:
        parse_expression(printed)  # it reads back


def test_a_note_without_a_source_falls_back_to_the_language_text():
    note = sympy.Piecewise((1 / x, x > 0), (sympy.zoo, True))
    assert quoted_text(note, {}) == "where(x > 0, 1/x, 1/0)"
    assert quoted_text(note, {note: parse_expression("1/where(x > 0, x, 0)")}) \
        == "1/where(x > 0, x, 0)"
