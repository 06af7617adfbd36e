"""Matrix identities that SymPy can decide are proven exactly (issue 13 item 8).

The Cookbook identities with determinants and inverses at n = 3 once left the proof to
the points (their differences were estimated too large to expand); polynomial
arithmetic on a common denominator now decides them, so a true one is ``exact`` and
its wrong twins (a missing transpose, ``inv(X)`` for ``inv(X).T``, a factor 2, a claim
true only for symmetric matrices or at n = 1) still fail, at sizes 1-3 with
unstructured values. Speed is measured in ``benchmarks/matrix.py``, not here.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

DEN = {"layout": "denominator"}
SQUARE = {"wrt": "X[n, n]", "vars": "A[n, n], B[n, n]", **DEN}
ALONG = {"wrt": "t", "vars": "A[n, n], B[n, n]"}

#: (kind, body, options, the right claim, its wrong twins)
IDENTITIES = [
    ("gradient", "trace(A @ inv(X) @ B)", SQUARE, "-(inv(X) @ B @ A @ inv(X)).T",
     ["-(inv(X) @ B @ A @ inv(X))", "(inv(X) @ B @ A @ inv(X)).T",
      "-2 * (inv(X) @ B @ A @ inv(X)).T", "-(inv(X) @ A @ B @ inv(X)).T"]),
    ("gradient", "det(A @ X @ B)", SQUARE, "det(A @ X @ B) * inv(X).T",
     ["det(A @ X @ B) * inv(X)", "det(A @ X @ B) * inv(A @ X @ B).T",
      "2 * det(A @ X @ B) * inv(X).T"]),
    ("gradient", "det(X)", {"wrt": "X[n, n]", **DEN}, "det(X) * inv(X).T",
     ["det(X) * inv(X)", "inv(X).T"]),
    ("gradient", "a.T @ inv(X) @ b", {"wrt": "X[n, n]", "vars": "a[n], b[n]", **DEN},
     "-inv(X).T @ a @ b.T @ inv(X).T",
     ["-inv(X) @ a @ b.T @ inv(X)", "-inv(X).T @ b @ a.T @ inv(X).T"]),
    ("gradient", "trace(inv(X + A))", {"wrt": "X[n, n]", "vars": "A[n, n]", **DEN},
     "-(inv(X + A) @ inv(X + A)).T",
     ["-(inv(X + A) @ inv(X + A))", "-inv(X + A).T"]),
    ("derivative", "logdet(A + t*B)", ALONG, "trace(inv(A + t*B) @ B)",
     ["trace(inv(A + t*B).T @ B)", "trace(inv(A + t*B) @ B) / 2"]),
    ("derivative", "inv(A + t*B)", ALONG, "-inv(A + t*B) @ B @ inv(A + t*B)",
     ["-inv(A + t*B) @ inv(A + t*B) @ B", "inv(A + t*B) @ B @ inv(A + t*B)"]),
    ("gradient", "(x.T @ A @ x) / (x.T @ B @ x)", {"wrt": "x[n]",
                                                    "vars": "A[n, n], B[n, n] spd", **DEN},
     "((A + A.T) @ x * (x.T @ B @ x) - (x.T @ A @ x) * (B + B.T) @ x) / (x.T @ B @ x)**2",
     # A instead of A + A.T (true for a symmetric A only), and the factor 2 of a
     # symmetric B's form
     ["(2 * A @ x * (x.T @ B @ x) - (x.T @ A @ x) * (B + B.T) @ x) / (x.T @ B @ x)**2",
      "((A + A.T) @ x * (x.T @ B @ x) - (x.T @ A @ x) * B @ x) / (x.T @ B @ x)**2"]),
]

CASES = [(kind, body, options, right) for kind, body, options, right, _ in IDENTITIES]
TWINS = [(kind, body, options, wrong) for kind, body, options, _, wrongs in IDENTITIES
         for wrong in wrongs]


def outcome(kind: str, body: str, options: dict, claim: str):
    options = {**options, "expect": claim}
    return compute(kind, body, [], options, Settings(), f"{kind} {body} {options}")


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[1]}={case[3]}")
def test_the_identity_is_proven_exactly(case):
    result = outcome(*case)
    assert result.status == "verified", result.message
    assert result.exact, result.badge


@pytest.mark.parametrize("case", TWINS, ids=lambda case: f"{case[1]}={case[3]}")
def test_its_wrong_twin_fails(case):
    result = outcome(*case)
    assert result.status == "failed", result.message


def test_a_det_identity_off_by_a_tiny_constant_fails():
    result = outcome("gradient", "det(X)", {"wrt": "X[n, n]", **DEN},
                     "det(X) * inv(X).T + 10**-40 * ones(n) @ ones(n).T")
    assert result.status == "failed", result.message


def test_a_claim_true_only_for_a_symmetric_direction():
    # d/dt logdet(P + t S) = tr(inv(P + t S) S), and with inv(...).T too when S is
    # symmetric (P spd is symmetric): proven exactly with the structure, wrong without
    body = "logdet(P + t*S)"
    claim = "trace(inv(P + t*S).T @ S)"
    proven = outcome("derivative", body, {"wrt": "t", "vars": "P[n, n] spd, S[n, n] symmetric"},
                     claim)
    assert proven.status == "verified", proven.message
    assert proven.exact
    general = outcome("derivative", body, {"wrt": "t", "vars": "P[n, n] spd, S[n, n]"},
                      claim)
    assert general.status == "failed", general.message
    assert "n=2" in general.message


def test_an_identity_among_opaque_parts_is_not_called_wrong():
    # exp(a)*exp(b) = exp(a + b) is not known to polynomial arithmetic: the claim must
    # still verify (by SymPy's simplification or the points), never fail
    result = outcome("gradient", "exp(a) * exp(x.T @ b)", {"wrt": "x[n]", "vars": "b[n], a",
                                                           **DEN},
                     "exp(a + x.T @ b) * b")
    assert result.status == "verified", result.message
