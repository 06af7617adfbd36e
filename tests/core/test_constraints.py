"""Equality constraints in ``:where:``: points are sampled on them.

A constraint linear in some entry is solved for it (on our evaluated SymPy values,
never on document text), so the entry depends on the others like a symmetric matrix's
lower triangle; one that cannot be sampled is a located error at ``:where:``.
"""

from __future__ import annotations

import pytest
import sympy

from sphinx_vcr.core.calculus.instance import instantiate
from sphinx_vcr.core.errors import ParseError
from sphinx_vcr.core.language.parse import parse_conditions, parse_expression
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

SOFTMAX = "exp(z) / sum(exp(z))"
CROSS_ENTROPY = f"-sum(y * log({SOFTMAX}))"
SIMPLEX = "sum(y) == 1, y >= 0"


def outcome(argument: str, **options: str):
    options.setdefault("layout", "denominator")
    return compute("gradient", argument, [], options, Settings(), argument + repr(options))


def test_softmax_cross_entropy_verifies_on_the_simplex():
    result = outcome(CROSS_ENTROPY, wrt="z[n]", vars="y[n]", expect=f"{SOFTMAX} - y",
                     where=SIMPLEX)
    assert result.status == "verified", result.message
    assert r"\operatorname{sum}\left(\mathbf{y}\right) = 1" in result.math[-1]


def test_softmax_cross_entropy_fails_without_the_constraint():
    result = outcome(CROSS_ENTROPY, wrt="z[n]", vars="y[n]", expect=f"{SOFTMAX} - y",
                     where="y >= 0")
    assert result.status == "failed", result.message


@pytest.mark.parametrize("wrong", [f"y - {SOFTMAX}", f"2 * ({SOFTMAX} - y)",
                                   f"{SOFTMAX} - 2 * y", SOFTMAX])
def test_wrong_claims_fail_with_the_constraint(wrong):
    result = outcome(CROSS_ENTROPY, wrt="z[n]", vars="y[n]", expect=wrong, where=SIMPLEX)
    assert result.status == "failed", (wrong, result.message)


def test_constraint_on_the_variable_differentiated_by():
    # the derivative is still the unconstrained one, evaluated on the constraint
    assert outcome("sum(x**2)", wrt="x[n]", where="sum(x) == 0",
                   expect="2 * x").status == "verified"
    # a claim true only on the plane sum(x) == 0: 2x - 2*mean(x) equals 2x there
    assert outcome("sum(x**2)", wrt="x[n]", where="sum(x) == 0",
                   expect="2 * x - 2 * mean(x) * ones(n)").status == "verified"
    assert outcome("sum(x**2)", wrt="x[n]",
                   expect="2 * x - 2 * mean(x) * ones(n)").status == "failed"


def test_vector_constraint_and_a_scalar_one_together():
    # a == b entry-wise, then a scalar on c: several dependent entries
    result = outcome("a.T @ x + c * b.T @ x", wrt="x[n]", vars="a[n], b[n], c",
                     where="a == b, c == 2", expect="3 * a")
    assert result.status == "verified", result.message
    assert outcome("a.T @ x + c * b.T @ x", wrt="x[n]", vars="a[n], b[n], c",
                   where="a == b, c == 2", expect="3 * b.T").status != "verified"
    assert outcome("a.T @ x + c * b.T @ x", wrt="x[n]", vars="a[n], b[n], c",
                   where="a == b, c == 3", expect="3 * a").status == "failed"


def test_a_nonconstant_coefficient_is_solved_for():
    # x*y == 1: y = 1/x, so x*y*z is z on the constraint
    assert outcome("x*y*z", wrt="z", vars="x, y", where="x * y == 1",
                   expect="1").status == "verified"
    assert outcome("x*y*z", wrt="z", vars="x, y", where="x * y == 1",
                   expect="x").status == "failed"


def test_the_solved_entry_is_dependent_in_the_instance():
    problem = build_problem("gradient", CROSS_ENTROPY, [], {
        "wrt": "z[n]", "vars": "y[n]", "where": SIMPLEX})
    instance = instantiate(problem, {"n": 3})
    y = [sympy.Symbol(f"y_{k}", real=True) for k in (1, 2, 3)]
    assert instance.structure.dependent == {y[2]: 1 - y[0] - y[1]}
    # y_3 >= 0 is now a condition on the free entries
    assert any(c.free_symbols == {y[0], y[1]} for c in instance.conditions)


@pytest.mark.parametrize("where, words", [
    ("x == x + 1", "never holds"),
    ("y == 1, y == 2", "never holds"),
    ("y**2 == 2", "not linear in any of its entries"),
    ("exp(y) == 2", "not linear in any of its entries"),
    ("y == -1, y > 0", "no sample point on the equality constraints"),
    ("1 == 2", "never holds"),
])
def test_constraints_that_cannot_be_sampled_are_located_errors(where, words):
    result = compute("derivative", "x**2 * y", [], {"wrt": "x", "vars": "y",
                                                  "where": where}, Settings(), where)
    assert result.status == "error", result.message
    assert result.option == "where" and words in result.message, result.message
    assert result.subtype == "domain"


@pytest.mark.parametrize("body", ["trace(inv(X))", "logdet(X)", "a.T @ inv(X) @ a"])
def test_a_matrix_singular_on_the_constraint_is_named(body):
    result = outcome(body, wrt="X[n, n]", vars="a[n]", where="det(X) == 0")
    assert result.status == "error" and result.option == "where", result.message
    assert "singular there" in result.message and "constant factor" not in result.message


def test_a_redundant_constraint_is_harmless():
    assert outcome("x * y", wrt="x", vars="y", where="y == 2, 2 * y == 4",
                   expect="2").status == "verified"


def test_equality_only_as_a_condition_of_its_own():
    assert parse_conditions("sum(y) == 1, y >= 0")[0].ops == ("==",)
    for text in ("0 < y == 1", "where(x == 1, x, 0) > 0"):
        with pytest.raises(ParseError, match="equality constraint"):
            parse_conditions(text)
    with pytest.raises(ParseError):
        parse_expression("where(x == 1, x, 0)")
