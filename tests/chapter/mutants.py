"""Mutants of a page built together and read back: the part the mutation tests share.

Each mutant is a document of its own, listed in one index and built as one parallel
Sphinx project (one build, not one per mutant); :func:`misplaced` then names every mutant
that did not fail exactly once, at its own line.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from ..building import build

SUMMARY = re.compile(r"sphinx-vcr: (\d+) verified \(\d+ claims?\), (\d+) failed, (\d+) errors")


def directives(lines: list[str], pattern: re.Pattern[str]) -> list[tuple[int, list[str]]]:
    """Each directive of a page that ``pattern`` matches at its first line: the 0-based
    index of that line, and the directive's lines (its indented block)."""
    found = []
    for index, line in enumerate(lines):
        if pattern.match(line):
            end = index + 1
            while end < len(lines) and (not lines[end] or lines[end].startswith("   ")):
                end += 1
            found.append((index, lines[index:end]))
    return found


def build_documents(src: Path, documents: list[str]) -> SphinxTestApp:
    """``src`` (its conf.py and ``documents`` written) built with an index listing them."""
    (src / "index.rst").write_text("Mutations\n=========\n\n.. toctree::\n\n" + "".join(
        f"   {name}\n" for name in documents), encoding="utf8")
    return build(src, parallel=2)


def errors(app: SphinxTestApp) -> list[str]:
    """The build's error lines."""
    return [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]


def misplaced(app: SphinxTestApp, expected: dict[str, int]) -> dict[str, tuple[int, list[str]]]:
    """Each mutant (document ``name``, changed at ``expected[name]``) that has not exactly
    one error, a sphinx-vcr one at that line: its line and its errors."""
    found = errors(app)
    wrong = {}
    for name, line in expected.items():
        mine = [error for error in found if f"{name}.rst:" in error]
        if len(mine) != 1 or f"{name}.rst:{line}: ERROR: [vcr." not in mine[0]:
            wrong[name] = (line, mine)
    return wrong


def summary(app: SphinxTestApp) -> tuple[int, int, int]:
    """The summary line's counts: verified, failed, errors."""
    match = SUMMARY.search(app.status.getvalue())
    assert match is not None, app.status.getvalue()[-2000:]
    verified, failed, errored = (int(group) for group in match.groups())
    return verified, failed, errored
