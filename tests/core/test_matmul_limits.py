"""``@`` bounds its numbers like ``*`` and ``/``: repeated squarings by ``diag(a) @ a``
were an internal error (Python's 4300-digit limit on printing integers), not a located
``limit`` error; and that ValueError never becomes an internal error, wherever it rises."""

from __future__ import annotations

from sphinx_vcr.core.running import pipeline, verify
from sphinx_vcr.core.running.verify import check

SQUARINGS = ["a = [3**1000, 7**565] * x", "b1 = diag(a) @ a",
             *(f"b{k + 1} = diag(b{k}) @ b{k}" for k in range(1, 5)), "y = sum(b5)"]


def test_repeated_matrix_squarings_are_a_limit_error():
    outcome = check("chain-rule", "", SQUARINGS, {"wrt": "x"})
    assert (outcome.status, outcome.subtype) == ("error", "limit"), outcome.message
    assert "more than 4000 digits" in outcome.message


def test_a_few_squarings_still_verify():
    steps = ["a = [3, 7] * x", "b1 = diag(a) @ a", "b2 = diag(b1) @ b1", "y = sum(b2)"]
    outcome = check("chain-rule", "", steps, {"wrt": "x", "expect": "4*(3**4 + 7**4)*x**3"})
    assert outcome.status == "verified", outcome.message


def test_the_int_printing_limit_is_never_an_internal_error(monkeypatch):
    def long_number(*args, **kwargs):
        str(10**5000)  # raises Python's ValueError for printing long integers

    monkeypatch.setattr(pipeline, "build_problem", long_number)
    # A memo of its own: the patched outcome of so common a directive must not be
    # served to the tests after this one.
    monkeypatch.setattr(verify, "_memo", type(verify._memo)())
    outcome = check("derivative", "x**2", [], {"wrt": "x"})
    assert (outcome.status, outcome.subtype) == ("error", "limit"), outcome.message
