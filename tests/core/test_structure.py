"""Structured parameters: ``:vars: S[n, n] symmetric, P[n, n] spd, D[n, n] diagonal``.

The derivative treats every entry as independent; the structure only restricts where it
is evaluated and compared. So a claim true only on the structure verifies with it and
fails without it, at several sizes and with unstructured values elsewhere.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from sphinx_vcr.core.calculus.instance import instantiate
from sphinx_vcr.core.checking.numeric import CONDITION, Sampler, definite_matrices
from sphinx_vcr.core.errors import ParseError
from sphinx_vcr.core.language.parse import parse_declarations
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def outcome(argument: str, **options: str):
    options.setdefault("layout", "denominator")
    return compute("gradient", argument, [], options, Settings(), argument + repr(options))


QUADRATIC = "x.T @ S @ x"


def test_symmetric_only_claim_fails_for_a_general_matrix():
    result = outcome(QUADRATIC, wrt="x[n]", vars="S[n, n]", expect="2 * S @ x")
    assert result.status == "failed", result.message
    assert "n=2" in result.message  # it holds at n = 1, where every matrix is symmetric


@pytest.mark.parametrize("structure", ["symmetric", "spd"])
def test_symmetric_only_claim_verifies_with_the_structure(structure):
    result = outcome(QUADRATIC, wrt="x[n]", vars=f"S[n, n] {structure}",
                     expect="2 * S @ x")
    assert result.status == "verified", result.message
    assert result.exact
    assert r"\text{where }\mathbf{S}\ \text{symmetric" in result.math[-1]


@pytest.mark.parametrize("structure", ["", "symmetric", "spd", "diagonal"])
def test_the_general_rule_holds_under_every_structure(structure):
    result = outcome(QUADRATIC, wrt="x[n]", vars=f"S[n, n] {structure}".strip(),
                     expect="(S + S.T) @ x")
    assert result.status == "verified", result.message


@pytest.mark.parametrize("wrong", ["S @ x", "4 * S @ x", "2 * S.T @ S @ x", "S.T @ x"])
@pytest.mark.parametrize("structure", ["symmetric", "spd", "diagonal"])
def test_wrong_claims_fail_under_every_structure(structure, wrong):
    result = outcome(QUADRATIC, wrt="x[n]", vars=f"S[n, n] {structure}", expect=wrong)
    assert result.status == "failed", (structure, wrong, result.message)


#: True for a diagonal D only: D @ x is x times D's diagonal, entry-wise.
DIAGONAL_ONLY = "2 * x * (D @ ones(n))"


def test_a_claim_true_only_for_diagonal_matrices():
    assert outcome("x.T @ D @ x", wrt="x[n]", vars="D[n, n] diagonal",
                   expect=DIAGONAL_ONLY).status == "verified"
    for structure in ("", "symmetric", "spd"):
        result = outcome("x.T @ D @ x", wrt="x[n]", vars=f"D[n, n] {structure}".strip(),
                         expect=DIAGONAL_ONLY)
        assert result.status == "failed", (structure, result.message)


def test_fixed_sizes_and_a_second_size_name():
    assert outcome(QUADRATIC, wrt="x[3]", vars="S[3, 3] symmetric",
                   expect="2 * S @ x").status == "verified"
    # a symmetric S beside a general A: only S is symmetrised
    assert outcome("x.T @ S @ x + y.T @ A @ x", wrt="x[n]",
                   vars="S[n, n] symmetric, A[m, n], y[m]",
                   expect="2 * S @ x + A.T @ y").status == "verified"
    assert outcome("x.T @ S @ x + y.T @ A @ x", wrt="x[n]",
                   vars="S[n, n] symmetric, A[m, n], y[m]",
                   expect="2 * S @ x + A @ y").status != "verified"


def test_structured_parameter_of_a_scalar_function_by_a_scalar():
    # d/dt of x.T S(t) x is not asked; a scalar t scaling a symmetric form:
    assert outcome("t**2 * (x.T @ S @ x)", wrt="t", vars="x[n], S[n, n] symmetric",
                   expect="2 * t * (x.T @ S @ x)").status == "verified"


# --- declarations -------------------------------------------------------------------


def test_declarations_carry_their_structure():
    decls = parse_declarations("S[n, n] symmetric, x[n], P[3, 3] spd, D[n,n] diagonal",
                               "vars")
    assert [d.structure for d in decls] == ["symmetric", "", "spd", "diagonal"]
    assert [d.dims for d in decls] == [("n", "n"), ("n",), (3, 3), ("n", "n")]


@pytest.mark.parametrize("text, words", [
    ("S[n, n] symetric", "did you mean symmetric?"),
    ("S[n, n] spdd", "did you mean spd?"),
    ("x y", "separate entries with commas"),
    ("x[n] spd", "only a matrix can be"),
    ("s symmetric", "only a matrix can be"),
    ("X[m, n] symmetric", "only a square matrix can be"),
    ("X[2, 3] diagonal", "only a square matrix can be"),
])
def test_bad_structures_are_located_errors(text, words):
    with pytest.raises(ParseError) as caught:
        build_problem("gradient", "sum(x)", [], {"wrt": "x[n]", "vars": text})
    assert words in caught.value.message
    assert caught.value.option == "vars"


def test_bad_structure_in_a_directive_is_an_error_outcome():
    result = outcome(QUADRATIC, wrt="x[n]", vars="S[n, n] symetric", expect="2 * S @ x")
    assert result.status == "error" and result.option == "vars"
    assert "did you mean symmetric" in result.message


def test_a_derivation_refuses_structure_rather_than_ignoring_it():
    result = compute("derivation", "x.T @ S @ x", ["= x.T @ S.T @ x"],
                     {"vars": "x[n], S[n, n] symmetric"}, Settings(), "d")
    assert result.status == "error" and result.option == "vars", result.message


# --- the instance and the sampler -----------------------------------------------------


def test_instance_maps_dependent_entries_to_free_ones():
    problem = build_problem("gradient", "x.T @ S @ x + x.T @ D @ x", [],
                            {"wrt": "x[n]", "vars": "S[n, n] symmetric, D[n, n] diagonal"})
    instance = instantiate(problem, {"n": 3})
    s = sympy.Symbol
    dependent = instance.structure.dependent
    assert dependent[s("S_21", real=True)] == s("S_12", real=True)
    assert dependent[s("S_32", real=True)] == s("S_23", real=True)
    assert s("S_12", real=True) not in dependent
    assert dependent[s("D_12", real=True)] == 0 and dependent[s("D_31", real=True)] == 0
    assert s("D_22", real=True) not in dependent


@pytest.mark.parametrize("size", [1, 2, 3])
def test_spd_samples_are_positive_definite_and_well_conditioned(size):
    matrices = definite_matrices(np.random.default_rng(size), 400, size, 1.0)
    assert np.allclose(matrices, matrices.transpose(0, 2, 1))
    eigenvalues = np.linalg.eigvalsh(matrices)
    assert eigenvalues.min() > 0
    assert (eigenvalues.max(axis=1) / eigenvalues.min(axis=1)).max() <= CONDITION * 1.0001
    if size > 1:  # unstructured otherwise: off-diagonal entries of both signs, not 0
        off = matrices[:, 0, 1]
        assert (off > 0).any() and (off < 0).any() and np.abs(off).min() > 0


@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_sampler_draws_spd_points_with_dependent_entries_set(size):
    problem = build_problem("gradient", "x.T @ P @ x", [],
                            {"wrt": "x[n]", "vars": "P[n, n] spd"})
    instance = instantiate(problem, {"n": size})
    output = [instance.output.data]
    others = instance.param_symbols
    sampler = Sampler(output, sympy.Matrix([output]).jacobian(instance.wrt_symbols),
                      instance.wrt_symbols, others, instance.conditions, [], 7,
                      structure=instance.structure)
    sample = sampler.draw(20, 1e-6, 1e-9)
    columns = [sampler.symbols.index(s) for s in others]
    matrices = sample.points[:, columns].reshape(-1, size, size)
    assert np.array_equal(matrices, matrices.transpose(0, 2, 1))
    assert np.linalg.eigvalsh(matrices).min() > 0
    # the minors are conditions of the region: probes stay inside the cone too
    assert len(instance.conditions) == size


def test_finite_differences_differentiate_the_unstructured_function():
    # By a symmetric matrix's entries as independent: the derivative by S_12 of x.T S x
    # is x_1 x_2, not 2 x_1 x_2 (the "symmetric derivative" of Cookbook 2.8).
    problem = build_problem("derivative", "x.T @ S @ x", [],
                            {"wrt": "t", "vars": "x[2], S[2, 2] symmetric"})
    instance = instantiate(problem, {})
    x1, x2, s12, s21 = (sympy.Symbol(n, real=True) for n in ("x_1", "x_2", "S_12", "S_21"))
    f = instance.output.data
    assert sympy.diff(f, s12) == x1 * x2
    assert sympy.expand(sympy.diff(instance.structure.apply(f), s12)) == 2 * x1 * x2
    assert s21 in f.free_symbols  # the function itself keeps every entry


@pytest.mark.parametrize("structure", ["symmetric", "spd", "diagonal"])
def test_a_structured_matrix_in_both_is_sent_to_wrt(structure):
    result = outcome("logdet(P)", wrt="P[n, n]", vars=f"P[n, n] {structure}")
    assert result.status == "error" and result.option == "vars"
    assert f"declare the structure in :wrt: (P[n, n] {structure})" in result.message
    # and the advice holds: the structure in :wrt: is a derivative by that matrix
    advised = outcome("logdet(P)", wrt=f"P[n, n] {structure}")
    assert advised.status == "verified", advised.message
    assert ":index:" not in result.message  # not the hint about components


@pytest.mark.parametrize("wrt, vars_", [("x, w[n]", "w"), ("x[n]", "x[n]")])
def test_a_name_declared_twice_gets_no_hint_about_components(wrt, vars_):
    result = outcome("x @ x" if wrt == "x[n]" else "w @ w", wrt=wrt, vars=vars_)
    assert result.status == "error" and "is in both :wrt: and :vars:" in result.message
    assert ":index:" not in result.message
    assert result.option == "vars"  # reported at the second declaration, not the directive
