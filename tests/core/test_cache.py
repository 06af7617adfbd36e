"""The persistent cache: used when it can be trusted, ignored when it cannot, and never
changes an outcome."""

from __future__ import annotations

import json

import pytest

from sphinx_vcr.core import verify, worker
from sphinx_vcr.core.cache import OutcomeCache, cache_key
from sphinx_vcr.core.outcome import Outcome
from sphinx_vcr.core.verify import check

CASES = [
    ("derivative", "log(x**2)", [], {"wrt": "x", "expect": "2/x"}),
    ("derivative", "log(x**2)", [], {"wrt": "x", "expect": "1/x"}),
    ("jacobian", "w * x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "diag(x)"}),
    ("gradient", "x.T", [], {"wrt": "x"}),
]


@pytest.fixture
def cold(monkeypatch):
    """No in-process memo: every check reads the disk cache or computes."""
    monkeypatch.setattr(verify, "_memo", verify.OrderedDict())
    return verify


def test_round_trip(tmp_path):
    cache = OutcomeCache(tmp_path)
    outcome = Outcome("verified", math=["x"], badge="b", exact=True, points=5,
                      max_error=1e-14)
    cache.put("ab12", outcome)
    assert cache.get("ab12") == outcome
    assert cache.get("cd34") is None


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                       # truncated
    lambda text: "not json",
    lambda text: text.replace('"key": "ab12"', '"key": "ffff"'),   # stored under another key
    lambda text: text.replace('"points": 5', '"points": "5"'),     # wrong type
    lambda text: text.replace('"badge": "b", ', ''),                # missing field
    lambda text: text.replace('"math": ["x"]', '"math": [1]'),
])
def test_damaged_entries_are_ignored(tmp_path, damage):
    cache = OutcomeCache(tmp_path)
    cache.put("ab12", Outcome("verified", math=["x"], badge="b", points=5))
    path = next(tmp_path.rglob("ab12.json"))
    path.write_text(damage(path.read_text()))
    assert cache.get("ab12") is None


@pytest.mark.parametrize("case", CASES, ids=[c[1] + str(c[3].get("expect")) for c in CASES])
def test_the_cache_never_changes_an_outcome(tmp_path, cold, case):
    cache = OutcomeCache(tmp_path)
    fresh = check(*case)
    cold._memo.clear()
    stored = check(*case, cache=cache)
    cold._memo.clear()
    reread = check(*case, cache=cache)
    assert fresh == stored == reread


def test_cached_outcomes_are_not_recomputed_and_bad_ones_are(tmp_path, cold, monkeypatch):
    cache = OutcomeCache(tmp_path)
    first = check(*CASES[0], cache=cache)
    cold._memo.clear()

    def refuse(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr(worker, "compute", refuse)  # where every computation starts
    assert check(*CASES[0], cache=cache) == first      # read from disk
    for path in tmp_path.rglob("*.json"):
        data = json.loads(path.read_text())
        data["outcome"]["status"] = 7
        path.write_text(json.dumps(data))
    cold._memo.clear()
    with pytest.raises(AssertionError, match="recomputed"):
        check(*CASES[0], cache=cache)                    # damaged: computed again


def test_keys_change_with_text_and_versions(monkeypatch):
    from sphinx_vcr.core import cache as module

    assert cache_key("a") != cache_key("b")
    before = cache_key("a")
    monkeypatch.setattr(module, "versions", lambda: "another sympy")
    assert cache_key("a") != before


def test_timeouts_are_not_stored_but_paid_once_per_process(tmp_path, cold, monkeypatch):
    cache = OutcomeCache(tmp_path)
    slow = " * ".join(f"(x + {k})**200" for k in range(1, 6))
    case = ("derivative", slow, [], {"wrt": "x", "expect": slow})
    outcome = check(*case, verify.Settings(timeout=1), cache=cache)
    assert outcome.subtype == "timeout"
    assert not list(tmp_path.rglob("*.json"))
    # Memoised, so that reading after a prefetch does not pay for it again ...

    def refuse(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr(worker, "compute", refuse)
    assert check(*case, verify.Settings(timeout=1), cache=cache) == outcome
    # ... but a memo hit does not copy it to disk either: another build tries again.
    assert not list(tmp_path.rglob("*.json"))
