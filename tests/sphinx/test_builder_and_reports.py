"""``-b vcr`` (check only), ``vcr_report`` (JSON) and ``vcr_junit`` (JUnit XML), read the
way a CI system reads them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from ..conftest import copy_root, shown_type


def check_only(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "vcr", *extra, str(src),
                           str(out)], capture_output=True, text=True, timeout=300)


def test_check_only_builder_prints_failures_and_summary_and_writes_nothing(tmp_path):
    src = copy_root("wrong", tmp_path)
    out = tmp_path / "out"
    result = check_only(src, out)
    assert result.returncode == 1, result.stderr
    assert (result.stdout.strip().splitlines()[-1]
            == "sphinx-vcr: 2 verified (2 claims), 1 failed, 0 errors")
    for progress in ("reading sources", "writing output", "build finished", "build succeeded"):
        assert progress not in result.stdout
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and f"{src / 'index.rst'}:10: ERROR: [vcr.jacobian]" in errors[0]
    assert not [p for p in out.rglob("*") if p.is_file() and ".doctrees" not in p.parts]


def test_check_only_builder_passes_a_right_project_and_checks_every_page(tmp_path):
    src = copy_root("basic", tmp_path)
    result = check_only(src, tmp_path / "out", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # Built again over the same environment, it still counts every directive.
    again = check_only(src, tmp_path / "out")
    assert again.returncode == 0
    assert "sphinx-vcr: 7 verified (6 claims), 0 failed, 0 errors" in again.stdout


def build_with_reports(src: Path, **overrides) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=StringIO(),
                        confoverrides={"vcr_report": "reports/vcr.json",
                                       "vcr_junit": "reports/vcr.xml"}, **overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def test_json_report_has_every_outcome(tmp_path):
    src = copy_root("wrong", tmp_path)
    app = build_with_reports(src, freshenv=True)
    report = json.loads((app.outdir / "reports" / "vcr.json").read_text(encoding="utf8"))
    assert report["summary"] == {"verified": 2, "failed": 1, "error": 0, "skipped": 0}
    rows = report["outcomes"]
    assert [(r["directive"], r["directive_line"], r["line"], r["status"]) for r in rows] == [
        ("derivative", 4, 4, "verified"), ("jacobian", 8, 10, "failed"),
        ("gradient", 15, 15, "verified")]
    for row in rows:
        assert row["document"] == "index"
        assert Path(row["source"]).resolve() == (src / "index.rst").resolve()
    verified, failed = rows[0], rows[1]
    assert verified["method"] == "exact" and verified["points"] > 0
    assert 0 <= verified["max_error"] < 1e-6
    assert failed["method"] is None and failed["subtype"] == "mismatch"
    assert failed["message"].startswith("claim does not hold at")


def test_junit_report_is_what_ci_systems_read(tmp_path):
    src = copy_root("wrong", tmp_path)
    app = build_with_reports(src, freshenv=True)
    root = ET.parse(app.outdir / "reports" / "vcr.xml").getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "index"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "derivative at line 4", "jacobian at line 8", "gradient at line 15"]
    # The line of the name (the directive's), not the problem's (the :expect: line 10),
    # which is in the failure's text.
    assert [c.get("line") for c in cases] == ["4", "8", "15"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "vcr.mismatch"
    assert failure.get("message", "").startswith("claim does not hold at")
    assert failure.text and failure.text.split(": ", 1)[0].endswith("index.rst:10")
    assert cases[0].find("failure") is None and cases[2].find("failure") is None


def test_a_fixed_claim_is_the_same_junit_test_passing(tmp_path):
    src = copy_root("wrong", tmp_path)
    before = ET.parse(build_with_reports(src, freshenv=True).outdir / "reports" / "vcr.xml")
    index = src / "index.rst"
    index.write_text(index.read_text().replace("7*y**6", "8*y**7"))
    after = ET.parse(build_with_reports(src).outdir / "reports" / "vcr.xml")
    names = [[c.get("name") for c in tree.iter("testcase")] for tree in (before, after)]
    assert names[0] == names[1]
    assert after.getroot().get("failures") == "0"


def test_reports_of_incremental_parallel_builds_cover_pages_not_reread(tmp_path):
    src = copy_root("parallel", tmp_path)
    first = build_with_reports(src, freshenv=True, parallel=2)
    before = json.loads((first.outdir / "reports" / "vcr.json").read_text())
    page = src / "page1.rst"
    page.write_text(page.read_text() + "\nAn edit.\n")
    second = build_with_reports(src, parallel=2)
    after = json.loads((second.outdir / "reports" / "vcr.json").read_text())
    assert len({r["document"] for r in after["outcomes"]}) == 6  # every page but index
    assert after == before  # (seconds too: page1 is served from memory, the rest kept)
    assert after["summary"]["failed"] == 1


def test_junit_stays_well_formed_whatever_the_message_quotes():
    from xml.dom import minidom

    from sphinx_vcr.extension.report import junit_report

    row = {"document": "index", "source": "index.rst", "line": 3, "directive_line": 3,
           "directive": "derivative", "status": "error", "subtype": "parse",
           "method": None, "points": 0, "max_error": 0.0, "claims": 0, "seconds": 0.0,
           "message": "unknown option :exp\x01ect: in 'x\x00' & <y>"}
    document = minidom.parseString(junit_report([row]))  # raises if not well-formed
    error = document.getElementsByTagName("error")[0]
    assert error.getAttribute("message") == "unknown option :exp\ufffdect: in 'x\ufffd' & <y>"


# --- Where reports may go ------------------------------------------------------------

def basic_outdir(tmp_path: Path) -> Path:
    """The output directory of a copy of the basic project, made ahead of its build."""
    outdir = copy_root("basic", tmp_path) / "_build" / "html"
    outdir.mkdir(parents=True)
    return outdir


def build_basic_with_report(tmp_path: Path, name: str) -> SphinxTestApp:
    src = tmp_path / "src"
    if not src.exists():
        copy_root("basic", tmp_path)
    app = SphinxTestApp("html", srcdir=src, status=StringIO(),
                        warning=StringIO(), freshenv=True, confoverrides={"vcr_report": name})
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.mark.parametrize("name", ["../../../escaped.json", "reports/../../escaped.json",
                                  "link/escaped.json"])
def test_a_relative_report_path_that_leaves_the_output_directory_is_refused(tmp_path, name):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    outdir = basic_outdir(tmp_path)
    (outdir / "link").symlink_to(outside)  # leaves it by a symbolic link
    app = build_basic_with_report(tmp_path, name)
    assert not list(tmp_path.rglob("escaped.json"))
    warning = app.warning.getvalue()
    assert f"not writing the report vcr_report = {name!r}: it leaves the output" in warning
    assert re.search("give an absolute path.*" + shown_type("report"), warning)
    assert app.statuscode == 0  # the math is right: only the report is missing


def test_an_absolute_report_path_is_written_where_it_says(tmp_path):
    target = tmp_path / "ci" / "vcr.json"
    app = build_basic_with_report(tmp_path, str(target))
    assert json.loads(target.read_text())["summary"]["verified"] == 7
    assert "not writing" not in app.warning.getvalue()
    assert app.statuscode == 0


def test_a_relative_report_path_inside_the_output_directory_is_written(tmp_path):
    app = build_basic_with_report(tmp_path, "a/../b/vcr.json")
    assert json.loads((app.outdir / "b" / "vcr.json").read_text())["summary"]["verified"] == 7
    assert app.warning.getvalue() == ""
    assert oct((app.outdir / "b" / "vcr.json").stat().st_mode & 0o444) == oct(0o444)


def test_a_report_replaces_a_named_pipe_instead_of_hanging_on_it(tmp_path):
    import os

    outdir = basic_outdir(tmp_path)
    os.mkfifo(outdir / "vcr.json")
    app = build_basic_with_report(tmp_path, "vcr.json")
    assert json.loads((app.outdir / "vcr.json").read_text())["summary"]["verified"] == 7


# --- Time -----------------------------------------------------------------------------

def junit_times(src: Path, out: Path, *extra: str) -> list[str]:
    """The time of every test case of a check-only build (a new process) of ``src``."""
    check_only(src, out, "-E", "-D", "vcr_junit=vcr.xml", *extra)
    root = ET.parse(out / "vcr.xml").getroot()
    return [case.get("time", "") for case in root.iter("testcase")]


def test_junit_times_are_the_check_times_and_zero_only_from_the_cache(tmp_path):
    src, out = copy_root("wrong", tmp_path), tmp_path / "out"
    computed = junit_times(src, out)
    assert len(computed) == 3 and all(float(time) > 0 for time in computed), computed
    cached = junit_times(src, out)  # -E: every page read again, every outcome cached
    assert cached == ["0", "0", "0"]
    root = ET.parse(out / "vcr.xml").getroot()
    assert root.get("time") == "0" and root.find("testsuite").get("time") == "0"
    check_only(src, out, "-E", "-D", "vcr_report=vcr.json")
    report = json.loads((out / "vcr.json").read_text())
    assert [row["seconds"] for row in report["outcomes"]] == [0, 0, 0]


def test_junit_times_of_a_parallel_build_are_the_prefetch_check_times(tmp_path):
    src, out = copy_root("parallel", tmp_path), tmp_path / "out"
    times = junit_times(src, out, "-j", "2")
    assert len(times) >= 6 and all(float(time) > 0 for time in times), times
    root = ET.parse(out / "vcr.xml").getroot()
    assert float(root.get("time", "0")) >= max(float(time) for time in times)
