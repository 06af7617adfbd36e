"""Holes a hostile review found after the issue-10 fixes, each with its correct twin.

Each wrong claim here verified (exit 0) and each correct one was flagged before.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

D = "derivative"

WRONG = [
    # max of three: SymPy flattens the nested max, whose middle boundary was no guard
    ("x**2", {"expect": "max(-10**9, max(2*x, 2*x + 10**-6 - (x - 1/2)**2))"}),
    # a tiny offset inside a where() branch: the difference is folded into the branches
    ("x**2", {"expect": "where(x > 0, 2*x + 10**-200, 2*x)"}),
    ("x**2", {"expect": "where(x > 0, 2*x*(1 + 10**-160), 2*x)"}),
    # values above 1e100 are values, not singularities
    ("10**200*x**2", {"expect": "2*10**200*x + 1"}),
    # fast oscillation: the many-digit referee does not excuse a wrong derivative
    ("sin(10**9*x)", {"expect": "10**9*cos(10**9*x) + 1"}),
    # abs of an argument SymPy cannot prove real
    ("abs(sqrt(x) - 1)", {"where": "x > 1", "expect": "-1/(2*sqrt(x))"}),
    # wrong only for |x| below 1e-150, next to a kink: a guard that small is not zero
    ("sqrt(x**2 + 10**-300)", {"expect": "x/abs(x)"}),
    ("sqrt(x**2 + exp(-600))", {"expect": "where(x > 0, 1, -1)"}),
    ("abs(x)", {"expect": "x/sqrt(x**2 + 10**-300)"}),
    # wrong only near |x| = 1e-20, with no kink at all
    ("x*tanh(10**20*x)", {"expect": "tanh(10**20*x)"}),
]

RIGHT = [
    # (this twin was max(-10**9, ...), which is wrong for x < -5e8: it verified only
    # while boundaries were used in [-1000, 1000] only)
    ("x**2", {"expect": "max(2*x - 1, max(2*x, 2*x - 10**-6 - (x - 1/2)**2))"}),
    ("x**2", {"expect": "where(x > 0, 2*x, 2*x)"}),
    ("10**200*x**2", {"expect": "2*10**200*x"}),
    ("exp(300)*x**2", {"expect": "2*exp(300)*x"}),
    ("sin(10**5*x)", {"expect": "10**5*cos(10**5*x)"}),
    ("sin(10**9*x)", {"expect": "10**9*cos(10**9*x)"}),
    ("x**2 + 10**-3*sin(10**6*x)", {"expect": "2*x + 10**3*cos(10**6*x)"}),
    ("cos(10**5*x) + x**2", {}),
    ("abs(sqrt(x) - 1)", {"where": "x > 1", "expect": "1/(2*sqrt(x))"}),
    ("abs(x**(3/2))", {"expect": "3/2*sqrt(x)"}),
    ("(abs(sqrt(x) - 1))**2", {"expect": "1 - 1/sqrt(x)"}),
    ("sqrt(x**2 + 10**-300)", {"expect": "x/sqrt(x**2 + 10**-300)"}),
    ("x*tanh(10**20*x)", {"expect": "tanh(10**20*x) + 10**20*x*(1 - tanh(10**20*x)**2)"}),
    ("abs(x)", {"expect": "where(x > 0, 1, -1)"}),
    ("max(x, 2*x)", {"expect": "where(x > 0, 2, 1)"}),
]


@pytest.mark.parametrize(("body", "options"), WRONG)
def test_wrong_claim_fails(body, options):
    outcome = check(D, body, [], {"wrt": "x", **options})
    assert (outcome.status, outcome.subtype) == ("failed", "mismatch"), outcome.message


@pytest.mark.parametrize(("body", "options"), RIGHT)
def test_right_claim_verifies(body, options):
    outcome = check(D, body, [], {"wrt": "x", **options})
    assert outcome.status == "verified", outcome.message


def test_a_correct_claim_is_never_confirmed_as_a_mistake():
    # SymPy's rule for abs went through re, im and atan2, with no value at the points:
    # that no-value confirmed the "mistake".
    outcome = check(D, "abs(sqrt(x) - 1)", [],
                    {"wrt": "x", "where": "x > 1", "expect": "1/(2*sqrt(x))", "mistake": None})
    assert (outcome.status, outcome.subtype) == ("failed", "mistake")


@pytest.mark.parametrize(("body", "options", "where"), [
    ("x**3", {"expect": "3*x**2  # power rule\n   + 1"}, "expect"),
    ("x**3  # the cubic\n+ sin(x)", {"expect": "3*x**2"}, None),
])
def test_a_comment_is_an_error_not_the_end_of_the_expression(body, options, where):
    outcome = check(D, body, [], {"wrt": "x", **options})
    assert (outcome.status, outcome.subtype, outcome.option) == ("error", "parse", where)
    assert "'#' is not part of the language" in outcome.message


def test_cache_keys_change_with_the_code(monkeypatch):
    from sphinx_vcr.core.running import cache

    before = cache.versions()
    cache.versions.cache_clear()
    cache.code_digest.cache_clear()
    monkeypatch.setattr(cache.Path, "read_bytes",
                        lambda self, _read=cache.Path.read_bytes: _read(self) + b"#")
    try:
        assert cache.versions() != before
    finally:
        cache.versions.cache_clear()
        cache.code_digest.cache_clear()


def test_values_past_a_double_are_said_to_be_so():
    # Sampling and finite differences run in doubles: such a function cannot be checked,
    # and the error says why instead of claiming it has no value.
    outcome = check(D, "exp(1000)*sin(x)", [], {"wrt": "x", "expect": "exp(1000)*cos(x)"})
    assert (outcome.status, outcome.subtype) == ("error", "domain")
    assert "exceed what double precision holds" in outcome.message


def test_a_factor_near_one_is_written_with_the_digits_that_tell_it_from_one():
    outcome = check("gradient", "x.T @ A @ x", [], {
        "wrt": "x[n]", "vars": "A[n, n]", "expect": "(1 + 10**-12) * x.T @ (A + A.T)"})
    assert outcome.status == "failed"
    assert "it is 1.000000000001 times the derivative" in outcome.message, outcome.message
