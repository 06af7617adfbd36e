"""The exit status that CI sees: plain, -W, -j 2 and incremental builds agree."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import sphinx
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.extension.domain import VcrDomain

from ..conftest import copy_root


def build(src: Path, *, fresh: bool = False, parallel: int = 0) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, freshenv=fresh, parallel=parallel,
                        status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def sphinx_build(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", *extra,
                           str(src), str(out)], capture_output=True, text=True,
                          timeout=300)


def fix_wrong_claim(src: Path) -> None:
    index = src / "index.rst"
    index.write_text(index.read_text().replace("7*y**6", "8*y**7"))


@pytest.mark.parametrize("flags", [(), ("-W",), ("-j", "2"), ("-W", "--keep-going")],
                         ids=["plain", "W", "j2", "W-keep-going"])
def test_real_sphinx_build_exit_code(tmp_path, flags):
    src = copy_root("wrong", tmp_path)
    out = tmp_path / "out"
    result = sphinx_build(src, out, *flags)
    # Before 8.1, -W without --keep-going stops at the first problem with status 2.
    stops = "-W" in flags and "--keep-going" not in flags and sphinx.version_info < (8, 1)
    assert result.returncode == (2 if stops else 1), result.stderr
    assert "index.rst:10:" in result.stderr  # the line of the wrong :expect:
    assert "[vcr.jacobian] claim does not hold" in result.stderr
    fix_wrong_claim(src)
    result = sphinx_build(src, out, *flags)
    assert result.returncode == 0, result.stderr
    assert "sphinx-vcr: 3 verified (3 claims), 0 failed, 0 errors" in result.stdout


def test_parallel_build_merges_every_document(tmp_path, monkeypatch):
    merged: list[set[str]] = []
    original = VcrDomain.merge_domaindata

    def spy(self, docnames, otherdata):
        merged.append(set(docnames))
        return original(self, docnames, otherdata)

    monkeypatch.setattr(VcrDomain, "merge_domaindata", spy)
    src = copy_root("parallel", tmp_path)
    app = build(src, fresh=True, parallel=2)
    assert len(merged) >= 2  # really read by parallel workers, then merged
    assert app.statuscode == 1
    assert "sphinx-vcr: 11 verified (11 claims), 1 failed, 0 errors" in app.status.getvalue()
    assert "page4.rst:6: ERROR: [vcr.derivative] claimed " in app.warning.getvalue()
    assert "claim does not hold" in app.warning.getvalue()


def test_parallel_and_serial_builds_agree(tmp_path):
    serial = build(copy_root("parallel", tmp_path / "a"), fresh=True)
    parallel = build(copy_root("parallel", tmp_path / "b"), fresh=True, parallel=2)
    assert serial.statuscode == parallel.statuscode == 1
    for page in ("page0", "page4"):
        a = (serial.outdir / f"{page}.html").read_text()
        b = (parallel.outdir / f"{page}.html").read_text()
        assert a == b


def test_incremental_builds_keep_and_clear_outcomes(tmp_path):
    src = copy_root("parallel", tmp_path)
    assert build(src, fresh=True).statuscode == 1
    # nothing changed: nothing is re-read, but the failure still fails the build
    again = build(src)
    assert again.statuscode == 1
    assert "page4.rst:6: ERROR" in again.warning.getvalue()
    assert "not re-read in this build" in again.warning.getvalue()
    # fixing the claim brings the status back to 0
    page = src / "page4.rst"
    page.write_text(page.read_text().replace("3*x**2 + 1", "3*x**2"))
    fixed = build(src)
    assert fixed.statuscode == 0
    assert "sphinx-vcr: 12 verified (12 claims), 0 failed, 0 errors" in fixed.status.getvalue()
    # removing a page removes its outcomes
    (src / "page5.rst").unlink()
    index = src / "index.rst"
    index.write_text(index.read_text().replace("   page5\n", ""))
    removed = build(src)
    assert removed.statuscode == 0
    assert "sphinx-vcr: 10 verified (10 claims), 0 failed, 0 errors" in removed.status.getvalue()


def test_an_edit_re_verifies_only_the_edited_page(tmp_path):
    src = copy_root("parallel", tmp_path)
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + "vcr_show_successes = True\n")
    build(src, fresh=True)
    page = src / "page1.rst"
    page.write_text(page.read_text().replace("x**3 + 1", "x**3 + 7"))
    again = build(src)
    checked = [line for line in again.status.getvalue().splitlines() if "Verified:" in line]
    assert len(checked) == 2  # the two directives of page1
    assert all("page1.rst" in line for line in checked), checked


def test_the_time_limit_is_set_on_the_command_line(tmp_path):
    """``-D vcr_timeout=30`` as the docs' ``-D vcr_junit=...``: Sphinx converts an
    override to the type of the setting's default, and refused a float's ("cannot
    override config setting 'vcr_timeout' with unsupported type"), an error with -W."""
    src = copy_root("wrong", tmp_path)
    fix_wrong_claim(src)
    result = sphinx_build(src, tmp_path / "out", "-W", "-D", "vcr_timeout=30")
    assert result.returncode == 0, result.stderr
    assert "unsupported type" not in result.stderr
    result = sphinx_build(src, tmp_path / "out2", "-W", "-D", "vcr_timeout=-1")
    assert result.returncode != 0 and "vcr_timeout" in result.stderr, result.stderr
