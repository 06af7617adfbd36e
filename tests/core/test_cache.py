"""The persistent cache: used when it can be trusted, ignored when it cannot, and never
changes an outcome."""

from __future__ import annotations

import os

import pytest

from sphinx_vcr.core.outcome import Outcome
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import verify, worker
from sphinx_vcr.core.running.cache import MAX_ENTRY_BYTES, SECRET_NAME, OutcomeCache, cache_key
from sphinx_vcr.core.running.verify import check

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
        path.write_text(path.read_text().replace('"status": "verified"', '"status": 7'))
    cold._memo.clear()
    with pytest.raises(AssertionError, match="recomputed"):
        check(*CASES[0], cache=cache)                    # damaged: computed again


def test_keys_change_with_text_and_versions(monkeypatch):
    from sphinx_vcr.core.running import cache as module

    assert cache_key("a") != cache_key("b")
    before = cache_key("a")
    monkeypatch.setattr(module, "versions", lambda: "another sympy")
    assert cache_key("a") != before


def test_timeouts_are_not_stored_but_paid_once_per_process(tmp_path, cold, monkeypatch):
    cache = OutcomeCache(tmp_path)
    # A Hessian of high powers, which SymPy cannot finish in time (a derivative's or a
    # chain rule's failure box is the index-free form, written at once).
    slow = " * ".join(f"(x**2 + {k}*x*y + 1)**900" for k in range(1, 31))  # 25 s
    case = ("hessian", slow, [], {"wrt": "x, y", "expect": "[[1, 0], [0, 1]]"})
    outcome = check(*case, Settings(timeout=1), cache=cache)
    assert outcome.subtype == "timeout"
    assert not list(tmp_path.rglob("*.json"))
    # Memoised, so that reading after a prefetch does not pay for it again ...

    def refuse(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr(worker, "compute", refuse)
    assert check(*case, Settings(timeout=1), cache=cache) == outcome
    # ... but a memo hit does not copy it to disk either: another build tries again.
    assert not list(tmp_path.rglob("*.json"))


# --- Entries are bound to their keys: an edit is recomputed, not trusted ---------------

WRONG = CASES[1]  # log(x**2) claimed to be 1/x: fails


def entry_of(tmp_path, status: str):
    """The file of the one stored entry whose outcome has ``status``."""
    return next(p for p in tmp_path.rglob("*.json") if f'"status": "{status}"' in p.read_text())


def test_a_hand_edited_failure_is_recomputed_and_fails_again(tmp_path, cold):
    cache = OutcomeCache(tmp_path)
    assert check(*WRONG, cache=cache).status == "failed"
    path = entry_of(tmp_path, "failed")
    text = path.read_text()
    for old, new in (('"status": "failed"', '"status": "verified"'),
                     ('"subtype": "mismatch"', '"subtype": ""'),
                     ('"option": "expect"', '"option": null')):
        text = text.replace(old, new)
    path.write_text(text)  # the key kept, everything else as a verified entry has it
    cold._memo.clear()
    assert check(*WRONG, cache=cache).status == "failed"
    cold._memo.clear()
    assert check(*WRONG, cache=cache).status == "failed"  # and the entry is sound again


def test_an_entry_signed_without_the_secret_is_not_trusted(tmp_path):
    import hashlib
    import hmac

    cache = OutcomeCache(tmp_path)
    cache.put("ab12", Outcome("failed", "mismatch", "no", option="expect"))
    path = next(tmp_path.rglob("ab12.json"))
    payload = path.read_bytes().partition(b"\n")[2].replace(b'"failed"', b'"verified"')
    # What an editor who cannot read the secret could sign with: nothing, another key,
    # a plain digest of key and content.
    for digest in (b"", hmac.new(b"guess" * 8, b"ab12\n" + payload, "sha256").hexdigest(),
                   hashlib.sha256(b"ab12\n" + payload).hexdigest()):
        path.write_bytes((digest.encode() if isinstance(digest, str) else digest)
                         + b"\n" + payload)
        assert OutcomeCache(tmp_path).get("ab12") is None


def test_an_entry_moved_to_another_key_is_not_trusted(tmp_path):
    cache = OutcomeCache(tmp_path)
    cache.put("ab12", Outcome("failed", "mismatch", "no"))
    cache.put("cd34", Outcome("verified", badge="fine"))
    wrong = next(tmp_path.rglob("ab12.json"))
    wrong.write_bytes(next(tmp_path.rglob("cd34.json")).read_bytes())
    assert cache.get("ab12") is None
    assert cache.get("cd34") == Outcome("verified", badge="fine")


def test_a_new_secret_invalidates_every_entry(tmp_path):
    cache = OutcomeCache(tmp_path)
    cache.put("ab12", Outcome("verified"))
    (tmp_path / SECRET_NAME).unlink()
    assert OutcomeCache(tmp_path).get("ab12") is None
    fresh = OutcomeCache(tmp_path)
    fresh.put("cd34", Outcome("verified"))           # makes a new secret
    assert OutcomeCache(tmp_path).get("ab12") is None
    assert OutcomeCache(tmp_path).get("cd34") == Outcome("verified")


def test_the_secret_is_random_and_private(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    OutcomeCache(first).put("ab12", Outcome("verified"))
    OutcomeCache(second).put("ab12", Outcome("verified"))
    secrets = [(d / SECRET_NAME).read_bytes() for d in (first, second)]
    assert secrets[0] != secrets[1] and len(secrets[0]) == 32
    assert (first / SECRET_NAME).stat().st_mode & 0o077 == 0


def test_every_field_of_an_outcomes_value_is_stored():
    import dataclasses

    from sphinx_vcr.core.running import cache as module

    value = {f.name for f in dataclasses.fields(Outcome) if f.compare}
    assert set(module._TYPES) == value


# --- Files that are not entries: ignored at once, never a traceback or a hang ----------

def finishes(call, *args):
    """``call(*args)``, guarded: a hang fails the test instead of stopping the suite."""
    import threading

    result = {}

    def run():
        try:
            result["value"] = call(*args)
        except BaseException as err:  # raised again below, in the test's own thread
            result["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)
    if "error" in result:
        raise result["error"]
    assert "value" in result, f"{call} hangs"
    return result["value"]


def signed(tmp_path, key: str, payload: bytes) -> bytes:
    """``payload`` as an entry signed with the cache's own secret (what only someone
    who can read the build directory could write)."""
    from sphinx_vcr.core.running.cache import _digest

    secret = (tmp_path / SECRET_NAME).read_bytes()
    return _digest(secret, key, payload).encode() + b"\n" + payload


def sparse(path, size: int) -> None:
    path.touch()
    os.truncate(path, size)


HOSTILE = {
    "deeply nested": lambda tmp, path: path.write_bytes(b"[" * 200_000 + b"]" * 200_000),
    "deeply nested, signed": lambda tmp, path: path.write_bytes(
        signed(tmp, path.stem, b"[" * 200_000 + b"]" * 200_000)),
    "signed, huge number": lambda tmp, path: path.write_bytes(
        signed(tmp, path.stem, b'{"key": 1' + b"0" * 100_000 + b"}")),
    "symlink to /dev/zero": lambda tmp, path: path.symlink_to("/dev/zero"),
    "symlink to a valid entry": lambda tmp, path: path.symlink_to(tmp / "valid.json"),
    "named pipe": lambda tmp, path: os.mkfifo(path),
    "sparse, 8 GiB": lambda tmp, path: sparse(path, 1 << 33),
    "valid, padded past the cap": lambda tmp, path: path.write_bytes(signed(
        tmp, path.stem, (tmp / "valid.json").read_bytes().partition(b"\n")[2]
        + b" " * MAX_ENTRY_BYTES)),
    "a directory": lambda tmp, path: path.mkdir(),
    "not UTF-8": lambda tmp, path: path.write_bytes(signed(tmp, path.stem, b"\xff\xfe{")),
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_file_that_is_not_an_entry_is_ignored_and_replaced(tmp_path, cold, make):
    cache = OutcomeCache(tmp_path)
    first = check(*WRONG, cache=cache)
    path = entry_of(tmp_path, "failed")
    os.replace(path, tmp_path / "valid.json")
    make(tmp_path, path)
    assert finishes(OutcomeCache(tmp_path).get, path.stem) is None
    cold._memo.clear()
    again = finishes(lambda: check(*WRONG, cache=OutcomeCache(tmp_path)))
    assert again == first and again.status == "failed"


@pytest.mark.parametrize("make", [
    lambda path: path.symlink_to("/dev/zero"), lambda path: os.mkfifo(path),
    lambda path: path.write_bytes(b"short"), lambda path: path.write_bytes(b"x" * 10**6),
], ids=["symlink to /dev/zero", "named pipe", "too short", "too long"])
def test_a_bad_secret_is_replaced_and_trusts_nothing(tmp_path, make):
    make(tmp_path / SECRET_NAME)
    assert finishes(OutcomeCache(tmp_path).get, "ab12") is None
    finishes(OutcomeCache(tmp_path).put, "ab12", Outcome("verified"))
    assert (tmp_path / SECRET_NAME).is_file() and not (tmp_path / SECRET_NAME).is_symlink()
    assert OutcomeCache(tmp_path).get("ab12") == Outcome("verified")


def test_an_outcome_too_large_to_read_back_is_not_written(tmp_path):
    cache = OutcomeCache(tmp_path)
    cache.put("ab12", Outcome("verified", math=["x" * MAX_ENTRY_BYTES]))
    assert not list(tmp_path.rglob("ab12.json"))


def test_seconds_are_the_time_computing_took_and_zero_when_read_from_disk(tmp_path, cold):
    computed = check(*CASES[0], cache=OutcomeCache(tmp_path))
    assert computed.seconds > 0
    assert check(*CASES[0], cache=OutcomeCache(tmp_path)).seconds == computed.seconds  # memo
    cold._memo.clear()
    reread = check(*CASES[0], cache=OutcomeCache(tmp_path))
    assert reread.seconds == 0 and reread == computed  # not part of the outcome's value
    assert '"seconds"' not in next(tmp_path.rglob("*.json")).read_text()


def test_a_file_system_without_hard_links_still_gets_a_secret(tmp_path, monkeypatch):
    def refuse(*args):
        raise PermissionError("no hard links here")

    monkeypatch.setattr(os, "link", refuse)
    OutcomeCache(tmp_path).put("ab12", Outcome("verified"))
    assert OutcomeCache(tmp_path).get("ab12") == Outcome("verified")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ab", SECRET_NAME]  # no litter
