"""``:let:``: named sub-expressions for the body, the claim, ``:where:`` and steps."""

from __future__ import annotations

import pytest

from sphinx_vcr.core.errors import ParseError
from sphinx_vcr.core.language.block import split_rst
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

LEAST_SQUARES = dict(wrt="w[n]", vars="X[m, n], y[m]", let="r = X @ w - y",
                     layout="denominator")


def outcome(kind: str, argument: str, **options: str):
    return compute(kind, argument, [], options, Settings(), argument + repr(options))


def test_a_let_in_the_body_and_the_claim():
    result = outcome("gradient", "r.T @ r", **LEAST_SQUARES, expect="2 * X.T @ r")
    assert result.status == "verified", result.message
    assert result.exact
    # rendered with the name, and the definition stated once under the math
    assert r"\mathbf{r}^{\top} \mathbf{r}" in result.math[0]
    assert result.math[-1].startswith(r"\text{where }\mathbf{r} = ")


@pytest.mark.parametrize("wrong", ["X.T @ r", "2 * X.T @ (X @ w + y)", "-2 * X.T @ r",
                                   "2 * X.T @ X @ w"])
def test_wrong_claims_with_a_let_fail(wrong):
    result = outcome("gradient", "r.T @ r", **LEAST_SQUARES, expect=wrong)
    assert result.status == "failed", (wrong, result.message)


def test_later_lets_use_earlier_ones_and_where_uses_them():
    result = outcome("gradient", "-sum(y * log(p))", wrt="z[n]", vars="y[n]",
                     let="p = exp(z) / sum(exp(z)), g = p - y", expect="g",
                     where="sum(y) == 1, y >= 0", layout="denominator")
    assert result.status == "verified", result.message
    assert outcome("derivative", "x * p", wrt="x", let="p = x**2", where="p > 1",
                   expect="3 * p").status == "verified"
    assert outcome("derivative", "x * p", wrt="x", let="p = x**2", where="p > 1",
                   expect="2 * p").status == "failed"


def test_a_let_in_a_derivation_step():
    result = compute("derivation", "diff(s**2, x)", ["= 2*s*cos(x)"],
                     {"vars": "x", "let": "s = sin(x)"}, Settings(), "d")
    assert result.status == "verified", result.message
    result = compute("derivation", "diff(s**2, x)", ["= 2*s"],
                     {"vars": "x", "let": "s = sin(x)"}, Settings(), "d")
    assert result.status == "failed", result.message


def test_a_let_in_a_chain_rule_step():
    result = compute("chain-rule", "", ["u = w @ x", "y = u * s"],
                     {"wrt": "w[n]", "vars": "x[n], s", "let": "t = 2", "expect":
                      "t * s * x.T / 2"}, Settings(), "c")
    assert result.status == "verified", result.message  # a let used in the claim only
    result = compute("chain-rule", "", ["u = w @ x", "y = u * s"],
                     {"wrt": "w[n]", "vars": "x[n]", "let": "s = sum(x)",
                      "expect": "s * x.T"}, Settings(), "c")
    assert result.status == "verified", result.message


@pytest.mark.parametrize("let, words", [
    ("w = X @ X", "also declared"),
    ("n = 2", "also declared"),
    ("q = 2 * r, r = X @ w - y", "defined at or after it"),
    ("r = r + 1", "defined at or after it"),
    ("r = X @ w - y, u = r", "never used"),
    ("r = X @ w - y, r = y", "defined twice"),
    ("r X @ w", "'name = expression'"),
    ("r == y", "'name = expression'"),
    ("", "is empty"),
    ("exp = 2", "function"),
])
def test_bad_lets_are_located_errors(let, words):
    with pytest.raises(ParseError) as caught:
        build_problem("gradient", "r.T @ r", [], {**LEAST_SQUARES, "let": let})
    assert words in caught.value.message, caught.value.message
    assert caught.value.option == "let"


def test_a_let_may_not_use_or_shadow_a_definition_of_the_body():
    for let, words in (("p = u", "a definition of the body"), ("u = x", "also defined")):
        with pytest.raises(ParseError, match=words):
            build_problem("chain-rule", "", ["u = x**2", "y = sin(u)"],
                          {"wrt": "x", "let": let})


def test_commas_inside_brackets_do_not_split_lets():
    problem = build_problem("gradient", "a.T @ w", [], {
        "wrt": "w[2]", "let": "a = [max(w1, 0), 1], b = a", "expect": "b + 0 * a"})
    assert [let.name for let in problem.lets] == ["a", "b"]


def test_let_is_an_option_of_the_block():
    parts = split_rst("r.T @ r", [":wrt: w[n]", ":let: r = X @ w - y"])
    assert parts.options["let"] == "r = X @ w - y"
