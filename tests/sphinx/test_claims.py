"""Claims counts travel from each outcome to the summary line and the reports, in every
kind of build.

The core says how many claims a verified outcome checked (``Outcome.claims``); the
Sphinx layer keeps it in the domain's records, sums it in the summary line, and writes
it into the JSON (``claims``) and JUnit (``assertions``) reports. These tests give every
outcome a known count (the core's own counts are tested with real directives in
test_derivations.py), so they hold the layer alone to it: serial, ``-j 2`` (records
merged from the reading processes) and incremental builds (records of pages not read
again) must all sum the same claims, and a count on an outcome that is not verified
is never added.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.extension import directives

from ..conftest import copy_root

#: The claims given to each verified outcome, and to each other one (never counted).
VERIFIED_CLAIMS, OTHER_CLAIMS = 3, 5


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every outcome the directives receive carries a claims count."""
    original = directives.check

    def check(*args, **kwargs):
        outcome = original(*args, **kwargs)
        outcome.claims = VERIFIED_CLAIMS if outcome.ok else OTHER_CLAIMS
        return outcome

    monkeypatch.setattr(directives, "check", check)


def build(src: Path, *, fresh: bool = True, parallel: int = 0) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, freshenv=fresh, parallel=parallel,
                        status=StringIO(), warning=StringIO(),
                        confoverrides={"vcr_report": "vcr.json", "vcr_junit": "vcr.xml"})
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def summary(app: SphinxTestApp) -> str:
    return next(line for line in app.status.getvalue().splitlines()
                if line.startswith("sphinx-vcr: ") and " verified" in line)


def test_the_claims_of_verified_outcomes_reach_the_summary_and_reports(tmp_path, counted):
    app = build(copy_root("wrong", tmp_path))
    assert app.statuscode == 1
    assert summary(app) == "sphinx-vcr: 2 verified (6 claims), 1 failed, 0 errors"
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    assert [(row["status"], row["claims"]) for row in report["outcomes"]] == [
        ("verified", 3), ("failed", 0), ("verified", 3)]
    root = ET.parse(app.outdir / "vcr.xml").getroot()
    assert [case.get("assertions") for case in root.iter("testcase")] == ["3", "0", "3"]
    assert root.get("assertions") == "6"
    assert [suite.get("assertions") for suite in root.iter("testsuite")] == ["6"]


def test_one_claim_is_said_in_the_singular(tmp_path, monkeypatch):
    original = directives.check

    def one(*args, **kwargs):
        outcome = original(*args, **kwargs)
        outcome.claims = int(outcome.ok and args[0] == "derivative")
        return outcome

    monkeypatch.setattr(directives, "check", one)
    app = build(copy_root("wrong", tmp_path))
    assert summary(app) == "sphinx-vcr: 2 verified (1 claim), 1 failed, 0 errors"


def test_parallel_and_incremental_builds_sum_the_same_claims(tmp_path, counted):
    src = copy_root("parallel", tmp_path)
    serial = build(copy_root("parallel", tmp_path / "serial"))
    expected = "sphinx-vcr: 11 verified (33 claims), 1 failed, 0 errors"
    assert summary(serial) == expected
    first = build(src, parallel=2)
    assert summary(first) == expected  # merged from the reading processes
    before = json.loads((first.outdir / "vcr.json").read_text(encoding="utf8"))
    page = src / "page1.rst"
    page.write_text(page.read_text() + "\nAn edit.\n")
    for parallel in (2, 0):  # only page1 is read again; the others keep their records
        again = build(src, fresh=False, parallel=parallel)
        assert "not re-read in this build" in again.warning.getvalue()
        assert summary(again) == expected
        after = json.loads((again.outdir / "vcr.json").read_text(encoding="utf8"))
        assert ([row["claims"] for row in after["outcomes"]]
                == [row["claims"] for row in before["outcomes"]])
        page.write_text(page.read_text() + "\nAnother edit.\n")


def test_near_misses_and_skipped_directives_have_no_claims(tmp_path, counted):
    app = build(copy_root("nearmiss", tmp_path))
    assert summary(app) == "sphinx-vcr: 1 verified (3 claims), 0 failed, 5 errors"
    src = copy_root("wrong", tmp_path / "fast")
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\nvcr_fail_fast = True\n')
    app = build(src)
    assert summary(app).startswith("sphinx-vcr: 1 verified (3 claims), 1 failed, 0 errors (1 "
                                   "not checked")
