"""Attacks of session 15: a claim without a value where a kink makes a pole's argument
exactly a pole, and the speed of wrong matrix claims.

Found and fixed here, each a wrong claim that verified before:

- ``cos(x) + 0*tan(pi*max(x, 1)/2)`` for the slope of sin(x): on x < 1 the argument of
  tan is exactly pi/2, whose double is no pole, so every evaluation in doubles or in
  many digits gave the claim a value there. Probes between the claim's own edges are
  now enclosed too (``regions._without_value_enclosed``), and an enclosure of pi/2
  sees that cos may be 0. The same for ``1/cos(...)`` and ``log(cos(...))``.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options):
    return compute(kind, argument, [], dict(options), Settings(), "attack-s15")


@pytest.mark.parametrize("claim", [
    "cos(x) + 0*tan(pi*max(x, 1)/2)",
    "cos(x) + 0*tan(where(x > 1/3, x, pi/2))",
    "cos(x) + 0/cos(pi*max(x, 1)/2)",
    "cos(x) + 0*log(cos(pi*min(x, 1)/2))",
    "cos(x) + 0*tan(pi*max(x, 1)/2 + pi)",
    "cos(x) + 0/sin(pi*relu(x - 1))",
])
def test_a_pole_made_exact_by_a_kink_is_no_value(claim):
    out = run("derivative", "sin(x)", {"wrt": "x", "expect": claim})
    assert out.status == "failed", out.message
    assert "has no value" in out.message


@pytest.mark.parametrize("claim", [
    "cos(x) + 0*tan(pi*max(x, 1)/3)",    # tan(pi/3) has a value
    "cos(x) + 0*tan(max(x, 1))",          # tan(1) too
    "cos(x) + 0/cos(pi*max(x, 1)/2 + 10**-30)",  # close to a pole, not at one
    # an exact zero from an inexact constant: enclosed, it reaches below 0
    "cos(x) + 0*sqrt(max(x, 0.1) - 0.1)",
])
def test_a_kinked_argument_near_but_not_at_a_pole_keeps_its_value(claim):
    out = run("derivative", "sin(x)", {"wrt": "x", "expect": claim})
    assert out.status == "verified", out.message


@pytest.mark.parametrize("function, claim", [
    ("relu(x - 1/3)**(3/2)", "3/2*sqrt(max(x, 1/3) - 1/3)"),
    ("relu(x - pi)**(3/2)", "3/2*sqrt(max(x, pi) - pi)"),
    ("relu(x - 1/3)**(3/2)", "3/2*sqrt((abs(x - 1/3) + x - 1/3)/2)"),
    ("(max(x, 1/3) - 1/3)**2", "2*sqrt(max(x, 1/3) - 1/3)**2"),
])
def test_a_root_of_an_exact_zero_has_a_value(function, claim):
    """helper-74: an enclosure of max(x, 1/3) - 1/3 on x < 1/3 holds negative numbers
    at any precision; only SymPy's exact value at the point (0) decides it."""
    out = run("derivative", function, {"wrt": "x", "expect": claim})
    assert out.status == "verified", out.message


def test_a_pole_on_a_band_narrower_than_a_double_is_found():
    out = run("derivative", "sin(x)", {"wrt": "x", "expect":
                                       "cos(x) + 0*tan(pi/2*where(abs(x - 7) < 10**-25, 1, 1/3))"})
    assert out.status == "failed" and "has no value" in out.message, out.message


@pytest.mark.parametrize("claim", [
    "where(abs(x - 1/3) > 10**-20, 2*x, 0)",
    "where(abs(x - 1/3)*abs(x + 1/5) > 10**-20, 2*x, 0)",
    "where(abs(abs(x - 1/3) - 1/5) > 10**-20, 2*x, 0)",
    "where(max(x, 1/3) - 1/3 > 10**-25, 2*x, where(x < 1/3, 2*x, 0))",
])
def test_a_thin_piece_beside_a_kinked_boundary_gets_an_exact_probe(claim):
    """A guard with a kink in it (``abs(x - 1/3) - 10**-20``) was known to a double
    only; its branches (``x - 1/3 - 10**-20``, ``1/3 - x - 10**-20``) are polynomials,
    whose zeros are exact (``regions.unkinked``)."""
    out = run("derivative", "x**2", {"wrt": "x", "expect": claim})
    assert out.status == "failed", out.message


def test_a_guard_stands_for_its_branches():
    import sympy

    from sphinx_vcr.core.checking.regions import unkinked

    x = sympy.Symbol("x", real=True)
    third = sympy.Rational(1, 3)
    # (expanded, each up to its sign: x + 2/3 is -(-x - 2/3))
    assert set(unkinked(abs(x - third) - 1)) == {x - third - 1, x + 2 * third}
    # the four branches of a product of two abs are two polynomials
    assert len(unkinked(abs(x - third) * abs(x + 1) - 1)) == 2
    assert set(unkinked(sympy.Max(x, 1) - 2)) == {x - 2}  # the branch 1 - 2 is no guard
    many = sum(abs(x - k) for k in range(6))  # 64 branches: left as it is
    assert unkinked(many) == [many]


@pytest.mark.parametrize("claim", [
    "where(abs(x - sqrt(2)) > 10**-20, 2*x, 0)",
    "where(abs(x - pi) > 10**-20, 2*x, 0)",
    "2*x*where(x - pi < 10**-20, where(pi - x < 10**-20, 0, 1), 1)",
    "where((x - pi)**2 > 10**-40, 2*x, 0)",
])
def test_a_thin_piece_beside_an_irrational_boundary_gets_an_exact_probe(claim):
    """The zeros of ``x - pi`` were known to a double only; with pi as a rational
    within 1e-40 (``regions._rational_guards``) they are known exactly, near enough
    for a band 1e-20 wide."""
    out = run("derivative", "x**2", {"wrt": "x", "expect": claim})
    assert out.status == "failed", out.message


@pytest.mark.parametrize("function, claim", [
    ("relu(x - pi)**2", "2*relu(x - pi)"),
    ("sin(x)*relu(x - sqrt(2))", "cos(x)*relu(x - sqrt(2)) + sin(x)*where(x > sqrt(2), 1, 0)"),
])
def test_a_right_claim_beside_an_irrational_boundary_verifies(function, claim):
    out = run("derivative", function, {"wrt": "x", "expect": claim})
    assert out.status == "verified", out.message
    assert "known exactly" in out.badge  # the zeros are near, not exact: said so


# --- helper-76 -------------------------------------------------------------------------

def test_a_claim_without_a_value_that_sympy_cannot_evaluate_still_fails():
    """log(3*log(10) - log(1000)) is log(0); SymPy leaves it unevaluated (and calls it
    real): a much finer enclosure decides."""
    out = run("derivative", "sin(x)", {"wrt": "x", "where": "x < 1000", "expect":
                                       "cos(x) + 0*log(3*log(10) - log(max(x, 1000)))"})
    assert out.status == "failed" and "has no value" in out.message, out.message


def test_the_root_of_an_exact_zero_at_a_sample_point_has_a_value():
    """On x < 1/3 the radicand is exactly 0, but rounding made it negative at the
    sample points, and the correct claim failed."""
    out = run("derivative", "sin(x)", {"wrt": "x", "expect":
                                       "cos(x) + 0*sqrt(min(x, 1/3) - 1/3 + abs(x - 1/3))"})
    assert out.status == "verified", out.message


def test_a_repeated_root_at_an_irrational_stays_one_root():
    """(x - pi)**3 expanded, with pi, pi**2 and pi**3 each rounded on its own, had
    three roots 1e-24 apart, and a band 1e-30 wide beside pi got no probe."""
    claim = "where(x > pi + 10**-30, 2*x, where((x - pi)**3 > 0, 0, 2*x))"
    out = run("derivative", "x**2", {"wrt": "x", "expect": claim})
    assert out.status == "failed", out.message


def test_a_guard_past_the_branch_cap_marks_the_badge_capped():
    """Five abs terms are 32 branches, past the cap of 16: a claim wrong on a band
    beside them may pass, but the badge must not say every interval was covered."""
    guard = " + ".join(f"abs(x - 1/{p})" for p in (3, 5, 7, 11, 13))
    claim = f"where({guard} > 4/5 + 10**-20, 2*x, where({guard} < 4/5, 2*x, 0))"
    out = run("derivative", "x**2", {"wrt": "x", "expect": claim})
    assert out.status == "failed" or "capped" in out.badge, out.badge


def test_a_name_only_in_an_equality_of_the_region_is_sampled():
    out = run("gradient", "sum(y * z)", {"wrt": "z[n]", "vars": "y[n]",
                                         "where": "sum(y) == t", "expect": "y.T"})
    assert out.status == "verified", out.message


def test_the_message_gives_the_claims_value_at_a_probe_in_a_thin_band():
    out = run("derivative", "x**2", {"wrt": "x", "expect":
                                     "where(abs(x - 1/3) > 10**-60, 2*x, 0)"})
    assert out.status == "failed" and "the claim is 0 there" in out.message, out.message


def test_two_guards_alike_along_a_line_are_one_polynomial():
    """The function's det(X.T @ A @ X) and the claim's det(X.T @ A.T @ X) are one
    polynomial along a line; as two, their equal roots were narrowed against each other
    until the refinements ran out (Cookbook (56) at a square X: 3.4 s, capped)."""
    import sympy

    from sphinx_vcr.core.checking.boundaries import separated

    x = sympy.Symbol("x")
    poly = sympy.Poly((x - sympy.Rational(1, 3)) * (x + 2), x, domain="QQ")
    found = separated([], [poly, 3 * poly])
    assert found is not None and len(found) == 2


def test_cookbook_56_at_a_square_x_covers_every_interval():
    out = run("gradient", "det(X.T @ A @ X)", {
        "wrt": "X[n, n]", "vars": "A[n, n]", "layout": "denominator",
        "expect": "det(X.T @ A @ X) * (A @ X @ inv(X.T @ A @ X) + A.T @ X @ inv(X.T @ A.T @ X))"})
    assert out.status == "verified", out.message
    assert "covering every interval" in out.badge, out.badge
