"""The parser accepts the language and nothing else, without running anything."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sphinx_vcr.core.errors import LimitError, ParseError
from sphinx_vcr.core.language.parse import (
    parse_conditions,
    parse_declarations,
    parse_definition,
    parse_expression,
)
from sphinx_vcr.core.language.syntax import (
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Declaration,
    Name,
    Num,
    Transpose,
    Unary,
)


def test_numbers_are_exact_rationals():
    assert parse_expression("0.5") == Num(Fraction(1, 2))
    assert parse_expression("1e-3") == Num(Fraction(1, 1000))
    assert parse_expression("1/2") == Binary("/", Num(Fraction(1)), Num(Fraction(2)))


def test_caret_is_power_with_power_precedence():
    # x^2*y is (x**2)*y, not x XOR (2*y)
    assert parse_expression("x^2*y") == Binary(
        "*", Binary("**", Name("x"), Num(Fraction(2))), Name("y"))


def test_operators_transpose_arrays_and_calls():
    tree = parse_expression("-[a, b].T @ diag(x) + pi")
    assert tree == Binary("+", Binary("@", Unary("-", Transpose(ArrayLit((Name("a"), Name("b"))))),
                                      Call("diag", (Name("x"),))), Const("pi"))
    matrix = parse_expression("[[1, 2], [3, 4]]")
    assert isinstance(matrix, ArrayLit) and all(isinstance(r, ArrayLit) for r in matrix.items)


def test_where_takes_a_comparison():
    tree = parse_expression("where(x > 0, 1, 0)")
    assert isinstance(tree, Call) and isinstance(tree.args[0], Compare)
    with pytest.raises(ParseError, match="must be a comparison"):
        parse_expression("where(x, 1, 0)")


def test_conditions_are_comma_separated_comparisons():
    conditions = parse_conditions("x > 0, 0 < y <= 1, X @ w + b != 0")
    assert [c.ops for c in conditions] == [(">",), ("<", "<="), ("!=",)]
    with pytest.raises(ParseError, match="must be a comparison"):
        parse_conditions("x > 0, y")


@pytest.mark.parametrize("text, message", [
    ("x > 0", "comparisons are only allowed in :where:"),
    ("x.real", "the only attribute is .T"),
    ("x.__class__", "the only attribute is .T"),
    ("x[0]", "a subscript is an index declared in :index:"),
    ("(lambda: 1)()", "lambdas are not part of the language"),
    ("lambda: 1", "lambdas are not part of the language"),
    ("'os'", "only numbers are allowed as literals"),
    ("f'{x}'", "JoinedStr is not part of the language"),
    ("foo(x)", "unknown function 'foo'"),
    ("__import__('os')", "unknown function '__import__'"),
    ("exp(x, y)", "exp takes 1 argument(s), not 2"),
    ("exp(x=1)", "keyword and star arguments"),
    ("max(*x)", "keyword and star arguments"),
    ("x if y else z", "write piecewise results as where"),
    ("(y := 2)", "assignment expressions"),
    ("[i for i in x]", "ListComp is not part of the language"),
    ("x and y", "combine conditions with a comma"),
    ("True", "keywords are not part of the language"),
    ("1j", "only numbers are allowed"),
    ("_x", "names start with a letter"),
    ("x ** ", "syntax error"),
    ("exp", "exp is a function"),
    ("a, b", "must be written as a vector"),
    ("x == y", "comparisons are only allowed"),
    ("[]", "an empty vector"),
    ("", "empty expression"),
    ("x\x00", "control character"),
])
def test_everything_else_is_a_clear_error(text, message):
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    assert message in info.value.message


@pytest.mark.parametrize("text", [
    "(" * 60 + "x" + ")" * 60,
    "x + " * 1000 + "x",
    "1" * 40,
    "-" * 5000 + "x",
    "a" * 40,
])
def test_limits_on_size_and_nesting(text):
    with pytest.raises((LimitError, ParseError)):
        parse_expression(text)


def test_definitions_and_declarations():
    definition = parse_definition("g = [x**2, 3*x]", 4)
    assert definition.name == "g" and definition.line == 4
    with pytest.raises(ParseError, match="expected a definition"):
        parse_definition("x**2", 0)
    assert parse_declarations("x, w[n], X[N, n], v[3]", "wrt") == (
        Declaration("x", ()), Declaration("w", ("n",)), Declaration("X", ("N", "n")),
        Declaration("v", (3,)))
    for bad, message in [("x[0]", "out of range"), ("x[10**9]", "must be a whole number"),
                         ("x, x", "listed twice"), ("x[a, b, c]", "needs one size"),
                         ("exp", "function or constant"), ("", "is empty"),
                         ("x y", "separate entries with commas")]:
        with pytest.raises((ParseError, LimitError), match=message.replace("*", r"\*")):
            parse_declarations(bad, "wrt")


@pytest.mark.parametrize("text, hint", [
    ("ｘ**2 + x", "write 'x'"),        # fullwidth: Python's NFKC would read it as x
    ("𝑥*x", "write 'x'"),              # mathematical italic, the same
    ("ﬁ + x", "write 'fi'"),
    ("x − y", "write '-'"),            # a minus sign pasted from a formula
    ("x·y", "write '*'"),
    ("x²", None),
    ("é*x", None),
])
def test_non_ascii_names_and_operators_are_refused_not_normalised(text, hint):
    with pytest.raises(ParseError) as err:
        parse_expression(text)
    assert "is not part of the language: names and operators are ASCII" in err.value.message
    assert (hint in err.value.message) if hint else "write" not in err.value.message


def test_non_breaking_space_is_a_space():
    assert parse_expression("x\u00a0+ y") == Binary("+", Name("x"), Name("y"))


def test_a_non_ascii_name_of_wrt_gets_the_same_hint():
    with pytest.raises(ParseError, match=r"U\+FF58.*write 'x'"):
        parse_declarations("ｘ", "wrt")


@pytest.mark.parametrize("text", ["a @ b^T", "X^{T} @ X", "X^\\top", "x.T @ A^ T"])
def test_a_caret_transpose_is_refused_with_the_dot_t_spelling(text):
    """The Matrix Cookbook writes X^T; here ^ is a power, and X^T silently became X
    to the power of a scalar named T (a new user's baffling failure)."""
    with pytest.raises(ParseError, match=r"write X\.T for a transpose"):
        parse_expression(text)


def test_a_caret_power_of_a_name_starting_with_t_is_still_a_power():
    assert parse_expression("x^Tx") == parse_expression("x**Tx")
