"""Parallel builds check directives ahead of reading (sphinx_vcr/extension/prefetch.py).

Prefetching only pays off if the scanner finds each directive with exactly the text
the directive receives when its page is read; these tests hold it to that on every test
project and on the worked chapter, and check that a parallel build is served by it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.core.language import scan
from sphinx_vcr.core.running import verify

from ..conftest import copy_root

CHAPTER = Path(__file__).resolve().parents[2] / "docs" / "chapter"


def project(name: str, target: Path) -> Path:
    if name == "chapter":
        target = target / "src"
        target.mkdir(parents=True)
        shutil.copy(CHAPTER / "vector-chain-rule.zh.rst", target / "index.rst")
        (target / "conf.py").write_text('extensions = ["sphinx_vcr"]\n'
                                        'suppress_warnings = ["ref.citation"]\n')
        return target
    return copy_root(name, target)


def scanned_and_received(src: Path, received: list[str]) -> tuple[list[str], list[str]]:
    """``src`` built serially (so that every directive is read in this process, where
    ``received`` records it): what the scanner finds in its pages, and what was read."""
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    scanned = [verify._key(*found) for path in sorted(src.glob("*.rst"))
               for found in scan.directives(path.read_text(encoding="utf8"))]
    assert received, "the project has directives"
    return sorted(scanned), sorted(received)


@pytest.mark.parametrize("name", ["basic", "wrong", "layout", "parallel", "derivation"])
def test_scanner_finds_what_the_directives_receive(name, tmp_path, monkeypatch, received):
    scanned, read = scanned_and_received(project(name, tmp_path), received)
    assert scanned == read


def test_scanner_finds_what_the_chapters_directives_receive(chapter_build, tmp_path,
                                                            monkeypatch, received):
    """The worked chapter: its outcomes are known from the shared build of it (this
    process's memo), so this build only reads; what is compared is the text each
    directive hands to the check, which comes before any outcome."""
    scanned, read = scanned_and_received(project("chapter", tmp_path), received)
    assert scanned == read


def test_parallel_build_checks_every_directive_before_reading(tmp_path):
    src = project("parallel", tmp_path)
    verify._memo.clear()  # nothing known in this process: everything is computed
    app = SphinxTestApp("html", srcdir=src, freshenv=True, parallel=2,
                        confoverrides={"vcr_cache": False})
    try:
        app.build()
    finally:
        app.cleanup()
    distinct = {verify._key(*found) for path in src.glob("*.rst")
                for found in scan.directives(path.read_text(encoding="utf8"))}
    count = len(distinct)  # a directive repeated word for word is checked once
    assert count > 5
    assert f"sphinx-vcr: checked {count} directives in 2 processes" in app.status.getvalue()
    assert app.statuscode == 1  # the project's one wrong claim still fails the build
    assert "claim does not hold" in app.warning.getvalue()
