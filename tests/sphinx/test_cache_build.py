"""The cache in real builds: whatever is found in the build directory's ``vcr-cache``
(a hand-edited entry, a link to ``/dev/zero``, a named pipe, deeply nested JSON), the
rebuild checks every directive again, fails the wrong claim and never crashes or hangs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..conftest import copy_root


def check_only(src: Path, out: Path) -> subprocess.CompletedProcess:
    # -E: every page is read again, so every directive goes to the cache. The timeout
    # only stops a hang from stopping the suite.
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "vcr", "-E", str(src),
                           str(out)], capture_output=True, text=True, timeout=600)


def entries(out: Path) -> list[Path]:
    return sorted((out / ".doctrees" / "vcr-cache").rglob("*.json"))


def test_a_tampered_cache_is_recomputed_and_the_wrong_claim_still_fails(tmp_path):
    src, out = copy_root("wrong", tmp_path), tmp_path / "out"
    first = check_only(src, out)
    assert first.returncode == 1
    summary = "sphinx-vcr: 2 verified (2 claims), 1 failed, 0 errors"
    assert summary in first.stdout
    files = entries(out)
    assert len(files) == 3
    failed = next(p for p in files if b'"status": "failed"' in p.read_bytes())
    failed.write_bytes(failed.read_bytes().replace(b'"status": "failed"',
                                                   b'"status": "verified"'))
    others = [p for p in files if p != failed]
    others[0].unlink()
    others[0].symlink_to("/dev/zero")
    others[1].unlink()
    os.mkfifo(others[1])
    (out / ".doctrees" / "vcr-cache" / "ab").mkdir(exist_ok=True)
    (out / ".doctrees" / "vcr-cache" / "ab" / "deep.json").write_text("[" * 100_000)

    again = check_only(src, out)
    assert again.returncode == 1
    assert summary in again.stdout
    assert "Traceback" not in again.stderr + again.stdout
    errors = [line for line in again.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and f"{src / 'index.rst'}:10: ERROR: [vcr.jacobian]" in errors[0]
    # Each hostile file was replaced by a sound entry, which a third build trusts.
    assert all(p.is_file() and not p.is_symlink() for p in files)
    third = check_only(src, out)
    assert third.returncode == 1 and summary in third.stdout
