"""Malformed directives are counted errors at their lines, in every builder and report.

docutils used to drop a directive whose option block it could not parse (a duplicated
option, a two-word name, ``:expect : 3*x``) with an error of its own: the directive was
not counted, the build exited 0 (with ``-b vcr`` too) and the reports left it out; MyST
kept the last of two equal options. roots/test-malformed (reStructuredText) and
roots/test-malformed-myst (MyST: backtick and colon fences, ``:option:`` lines and YAML
blocks) hold each malformed form between correct directives, which must still verify.
"""

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

from sphinx_vcr.core.language import scan
from sphinx_vcr.core.running import verify
from sphinx_vcr.extension import directives

from ..conftest import ROOTS, copy_root, shown_type

# (a text found on one line of the page only, how many lines below it the error is,
#  a fragment of the message); each is one malformed directive.
RST = [
    ("11*x", 0, ":expect: is given twice, here and on line 16"),
    (":WRT: x", 0, ":wrt: is given twice, here and on line 22"),
    ("12*x", 0, "'expect claim' is not an option name"),
    ("13*x", 0, "space before the colon in ':expect :'"),
    ("14*x", 0, "space after the opening colon in ': expect:'"),
    ("15*x", 0, "has no option name"),
    ("16*x", 0, "has no colon after the option name"),
    ("17*x", 0, "no space after ':expect:': write ':expect: 17*x'"),
    ("18*x", 0, "looks like the option :expect: without its leading colon"),
    ("19*x", 0, "follows the options but is not one"),
    ("20*x", 0, "comes after a blank line"),
    ("21*x", 0, "comes after a blank line (or after the content)"),
    ("22*x", 0, "is indented more than the option above it"),
    ("23*x", 0, "is written with '：' (fullwidth colon) instead of the colon"),
    ("24*x", 0, "':expect:' is written inside the line 'x**2 :expect: 24*x'"),
    ("27*x", 0, "space before the colon in ':expect :'"),
    ("An empty reference name", 5, ":name: is empty"),
    ("25*x", 0, "unknown option :expected:; did you mean :expect:?"),
    ("26*x", 0, "comes after a blank line"),
]
MYST = [
    ("31*x", 0, ":expect: is given twice, here and on line 16"),
    ("32*x", 0, ":expect: is given twice, here and on line 23"),
    ("33*x", 0, "'expect claim' is not an option name"),
    ("34*x", 0, "'expect claim' is not an option name"),
    ("35*x", 0, "space before the colon in ':expect :'"),
    ("36*x", 0, "space before the colon in 'expect :'"),
    ("37*x", 0, "a blank line separates the options from the directive's first line"),
    ("38*x", 0, "comes after a blank line"),
    ("39*x", -2, "the option block opened by '---' has no closing '---' line"),
    ("40*x", 0, "text after the opening '---' of the option block"),
    ("41*x", 0, "MyST drops the # comment from the value of :expect:"),
    ("42*x", 0, "looks like the option :expect: without its leading colon"),
    ("43*x", 0, "is written with '：' (fullwidth colon)"),
    ("44*x", 0, "no space after ':expect:'"),
    ("45*x", 0, "inside a '---' block, options are written without colons"),
    ("47*x", 0, "'expect claim' is not an option name"),
    ("46*x", 0, "unknown option :expected:; did you mean :expect:?"),
]
PROJECTS = {"malformed": ("index.rst", RST, 3), "malformed-myst": ("index.md", MYST, 4)}


def expected(name: str) -> tuple[str, dict[int, str], int]:
    """The page, its malformed directives' error lines and messages, and how many
    directives verify."""
    page, cases, verified = PROJECTS[name]
    lines = (ROOTS / f"test-{name}" / page).read_text(encoding="utf8").splitlines()
    where = {}
    for anchor, offset, fragment in cases:
        found = [n for n, text in enumerate(lines, 1) if anchor in text]
        assert len(found) == 1, (anchor, found)
        where[found[0] + offset] = fragment
    assert len(where) == len(cases)
    return page, where, verified


def summary(name: str) -> str:
    _page, where, verified = expected(name)
    # Every directive of these pages that verifies has an :expect:, one claim each.
    return f"sphinx-vcr: {verified} verified ({verified} claims), 0 failed, {len(where)} errors"


def errors(text: str) -> list[str]:
    """The error lines of a build's output, without terminal colours."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [line for line in plain.splitlines() if "ERROR" in line]


def check_errors(name: str, text: str) -> None:
    """Every malformed directive is one sphinx-vcr error at its line; nothing else errs
    (no docutils or MyST message about the options: the directive is never dropped)."""
    page, where, _verified = expected(name)
    found = errors(text)
    assert len(found) == len(where), found
    for line, fragment in where.items():
        at = [e for e in found if re.search(rf"{re.escape(page)}:{line}: ERROR: ", e)]
        assert len(at) == 1, (line, fragment, found)
        assert re.search(r"ERROR: \[vcr\.[a-z-]+\] .*" + shown_type("parse") + "$", at[0])
        assert fragment in at[0], at[0]
    assert "WARNING" not in text, text


def build(name: str, tmp_path: Path, builder: str = "html", **overrides) -> SphinxTestApp:
    app = SphinxTestApp(builder, srcdir=copy_root(name, tmp_path), freshenv=True,
                        status=StringIO(), warning=StringIO(), **overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.mark.parametrize("builder", ["html", "latex", "text"])
@pytest.mark.parametrize("name", list(PROJECTS))
def test_each_malformed_directive_is_a_counted_error_at_its_line(name, builder, tmp_path):
    app = build(name, tmp_path, builder)
    check_errors(name, app.warning.getvalue())
    assert summary(name) in app.status.getvalue()
    assert app.statuscode == 1


@pytest.mark.parametrize("name", list(PROJECTS))
def test_the_page_shows_a_failure_box_for_each_and_the_rest_verified(name, tmp_path):
    app = build(name, tmp_path)
    _page, where, verified = expected(name)
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert html.count("vcr-badge vcr-failed") == len(where)
    assert html.count("vcr-badge vcr-verified") == verified
    assert html.count("Input error [vcr.parse]") == len(where)
    assert 'id="cube"' in html and 'href="#cube"' in html  # :name: still a target


@pytest.mark.parametrize("name", list(PROJECTS))
def test_json_and_junit_reports_list_every_malformed_directive(name, tmp_path):
    app = build(name, tmp_path, confoverrides={"vcr_report": "vcr.json",
                                                "vcr_junit": "vcr.xml"})
    _page, where, verified = expected(name)
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    assert report["summary"] == {"verified": verified, "failed": 0, "error": len(where),
                                 "skipped": 0}
    failing = {row["line"]: row for row in report["outcomes"] if row["status"] == "error"}
    assert sorted(failing) == sorted(where)
    for line, fragment in where.items():
        assert failing[line]["subtype"] == "parse"
        assert fragment in failing[line]["message"]
        assert failing[line]["directive_line"] <= line
    root = ET.parse(app.outdir / "vcr.xml").getroot()
    assert (root.get("tests"), root.get("errors")) == (str(verified + len(where)),
                                                       str(len(where)))
    # A JUnit case carries the directive's own line; the problem's line is in the text.
    cases = {int(case.get("line")): case for case in root.iter("testcase")}
    for line in where:
        error = cases[failing[line]["directive_line"]].find("error")
        assert error is not None and error.get("type") == "vcr.parse"


def sphinx(src: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", *args, str(src), str(out)],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("name", list(PROJECTS))
def test_every_build_exits_1_and_check_only_and_parallel_builds_agree(name, tmp_path):
    src = copy_root(name, tmp_path)
    runs = {flags: sphinx(src, tmp_path / "-".join(flags), *flags) for flags in (
        ("-b", "html"), ("-b", "vcr"), ("-b", "vcr", "-j", "2"), ("-b", "html", "-j", "2"))}
    reported = {}
    for flags, result in runs.items():
        assert result.returncode == 1, (flags, result.stderr)
        check_errors(name, result.stderr)
        assert summary(name) in result.stdout, (flags, result.stdout)
        reported[flags] = sorted(errors(result.stderr))
    assert len({tuple(lines) for lines in reported.values()}) == 1, reported


def test_the_scanner_finds_exactly_the_well_formed_directives(tmp_path, monkeypatch,
                                                              received):
    """-j prefetches what the scanner finds: the well-formed directives, as they are
    checked when the page is read, and none of the malformed ones (which fail without
    any computation)."""
    build("malformed", tmp_path)
    text = (ROOTS / "test-malformed" / "index.rst").read_text(encoding="utf8")
    scanned = [verify._key(*found) for found in scan.directives(text)]
    # Every directive reaching the core: the correct ones and the misspelt option.
    assert len(received) == 4
    assert sorted(scanned) == sorted(received)


def test_the_errors_speak_the_projects_language(tmp_path):
    app = build("malformed", tmp_path, confoverrides={"language": "zh_CN"})
    text = "\n".join(errors(app.warning.getvalue()))
    assert "index.rst:17: ERROR: [vcr.derivative] :expect: 出现了两次（此处和第 16 行）" in text
    assert "':expect :' 中冒号前面多了空格" in text


NEAR_MISSES = {  # roots/test-nearmiss: what each directive docutils or MyST never ran is
    ("index.rst", 17): "[vcr.derivative] unknown directive 'derivatve', so nothing in it "
                       "is checked: did you mean derivative?",
    ("index.rst", 23): "[vcr.derivative] this is a comment, not a directive",
    ("index.rst", 27): "[vcr.jacobian] this is a comment, not a directive",
    ("markdown.md", 3): "[vcr.gradient] unknown directive 'gradiant'",
    ("markdown.md", 7): "[vcr.derivative] a code block in the language 'derivative' is "
                        "shown, not checked",
}


def check_near_misses(text: str) -> None:
    ours = [line for line in errors(text) if "[vcr." in line]
    assert len(ours) == len(NEAR_MISSES), ours
    for (page, line), fragment in NEAR_MISSES.items():
        assert any(f"{page}:{line}: ERROR: {fragment}" in e for e in ours), (page, line, ours)


def test_directives_docutils_or_myst_never_ran_are_counted_errors(tmp_path):
    app = build("nearmiss", tmp_path, confoverrides={"vcr_report": "vcr.json"})
    check_near_misses(app.warning.getvalue())
    assert "sphinx-vcr: 1 verified (1 claim), 0 failed, 5 errors" in app.status.getvalue()
    assert app.statuscode == 1
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    assert report["summary"]["error"] == len(NEAR_MISSES)
    rows = {(Path(row["source"]).name, row["line"]) for row in report["outcomes"]
            if row["status"] == "error"}
    assert rows == set(NEAR_MISSES)


def test_near_misses_fail_check_only_and_parallel_builds_too(tmp_path):
    src = copy_root("nearmiss", tmp_path)
    for flags in (("-b", "vcr"), ("-b", "vcr", "-j", "2")):
        result = sphinx(src, tmp_path / "-".join(flags), *flags)
        assert result.returncode == 1, result.stderr
        check_near_misses(result.stderr)
        assert "sphinx-vcr: 1 verified (1 claim), 0 failed, 5 errors" in result.stdout


@pytest.mark.parametrize("name", list(PROJECTS))
def test_a_bug_inside_a_directive_is_a_counted_error_not_a_crash(name, tmp_path,
                                                                 monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(directives, "check", broken)
    app = build(name, tmp_path)
    _page, where, verified = expected(name)
    text = "\n".join(errors(app.warning.getvalue()))
    # The directives that reach the check (all but the malformed ones, and the misspelt
    # option, which is the check's own error) are each one internal error.
    internal = text.count("internal error (RuntimeError: boom)")
    assert internal == verified + 1, text
    assert "Traceback" not in text
    assert (f"sphinx-vcr: 0 verified (0 claims), 0 failed, {len(where) + verified} errors"
            in app.status.getvalue())
    assert app.statuscode == 1


# roots/test-vanish and test-vanish-fence: directives no parser ran, or options left
# outside a directive's block; each was a build with exit 0 and no sphinx-vcr line.
# (page, a text found on one line of it only, a fragment of the message)
VANISH = [
    ("index.rst", "51*x", "is outside the block of the derivative directive"),
    ("index.rst", "52*x", "is outside the block"),   # no blank line before it
    ("index.rst", "53*x", "is outside the block"),   # in a list item
    ("index.rst", "x**54", "looks like a derivative directive but was never run"),
    ("index.rst", "x**55", "was never run"),  # full-width colons
    ("index.rst", "x**56", "was never run"),
    ("index.rst", "x**57", "was never run"),  # no space after ..
    ("index.rst", "x**58", "was never run"),  # a no-break space
    ("index.rst", "x**59", "was never run"),  # a byte-order mark
    ("index.rst", "x**60", "was never run"),  # right below a line of text
    ("page.md", "61*x", "is outside the block"),  # after the closing fence
    ("page.md", "x**62", "was never run"),  # ::: without colon_fence
    ("page.md", "x**63", "was never run"),
    ("page.md", "x**64", "was never run"),
    ("page.md", "x**65", "was never run"),
    ("page.md", "x**66", "was never run"),
    ("page.md", "x**67", "looks like a chain-rule directive"),
    ("page.md", "x**68", "was never run"),
    ("page.md", "x**69", "was never run"),  # a comment inside {eval-rst}
]
VANISH_FENCE = [
    ("index.markdown", "x**71", "was never run"),
    ("index.markdown", "x**72", "was never run"),
    ("index.markdown", "73*x", "is outside the block"),
]
# (cases, directives that verify, claims they verify)
UNRUN = {"vanish": (VANISH, 6, "3 claims"), "vanish-fence": (VANISH_FENCE, 2, "1 claim")}


def unrun_lines(name: str) -> dict[tuple[str, int], str]:
    """``{(page, line): fragment}``; a directive line is the line above its anchor when
    the anchor is the content of a fence (```Derivative / x**66)."""
    cases, _verified, _claims = UNRUN[name]
    where = {}
    for page, anchor, fragment in cases:
        lines = (ROOTS / f"test-{name}" / page).read_text(encoding="utf8").splitlines()
        found = [n for n, text in enumerate(lines, 1) if anchor in text]
        assert len(found) == 1, (anchor, found)
        line = found[0] - (1 if lines[found[0] - 1].strip() == anchor else 0)
        where[(page, line)] = fragment
    return where


def check_unrun(name: str, text: str) -> None:
    ours = [e for e in errors(text) if "[vcr." in e]
    where = unrun_lines(name)
    assert len(ours) == len(where), ours
    for (page, line), fragment in where.items():
        at = [e for e in ours if f"{page}:{line}: ERROR: [vcr." in e]
        assert len(at) == 1 and fragment in at[0], (page, line, ours)
        assert re.search(shown_type("parse") + "$", at[0]), at[0]


@pytest.mark.parametrize("name", list(UNRUN))
def test_directives_no_parser_ran_are_counted_errors_and_examples_are_not(name, tmp_path):
    """Each look-alike of a directive, and each option outside a block, is one counted
    error at its line; the correct directives verify; the examples in literal blocks,
    the commented-out block and the MyST comment (in a .markdown file) are no error."""
    app = build(name, tmp_path, confoverrides={"vcr_report": "vcr.json",
                                                "vcr_junit": "vcr.xml"})
    check_unrun(name, app.warning.getvalue())
    cases, verified, claims = UNRUN[name]
    assert (f"sphinx-vcr: {verified} verified ({claims}), 0 failed, {len(cases)} errors"
            in app.status.getvalue())
    assert app.statuscode == 1
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    rows = {(Path(row["source"]).name, row["line"]) for row in report["outcomes"]
            if row["status"] == "error"}
    assert rows == set(unrun_lines(name))
    assert all(row["subtype"] == "parse" for row in report["outcomes"]
               if row["status"] == "error")
    root = ET.parse(app.outdir / "vcr.xml").getroot()
    assert root.get("errors") == str(len(cases))


@pytest.mark.parametrize("name", list(UNRUN))
def test_directives_no_parser_ran_fail_check_only_and_parallel_builds(name, tmp_path):
    src = copy_root(name, tmp_path)
    cases, verified, claims = UNRUN[name]
    for flags in (("-b", "vcr"), ("-b", "vcr", "-j", "2"), ("-b", "html", "-j", "2")):
        result = sphinx(src, tmp_path / "-".join(flags), *flags)
        assert result.returncode == 1, (flags, result.stderr)
        check_unrun(name, result.stderr)
        assert (f"sphinx-vcr: {verified} verified ({claims}), 0 failed, {len(cases)} errors"
                in result.stdout), (flags, result.stdout)


def test_correct_twins_of_the_look_alikes_all_verify(tmp_path):
    """No over-correction: the same project with every look-alike written correctly
    (and the stray options indented into their blocks) has no error at all."""
    src = copy_root("vanish", tmp_path)
    page = src / "index.rst"
    text = page.read_text(encoding="utf8")
    for wrong in ("derivative  ::", "derivative：：", "derivative：:", "..derivative::",
                  "..\u00a0derivative::", "\ufeff.. derivative::"):
        text = text.replace(wrong, ".. derivative::" if wrong.startswith(("..", "\ufeff"))
                            else "derivative::")
    text = text.replace("The rule:\n", "The rule:\n\n")
    for n in ("51", "52"):
        text = text.replace(f"\n:expect: {n}*x", f"\n   :expect: {n}*x")
    text = text.replace("   :wrt: x\n\n   :expect: 51", "   :wrt: x\n   :expect: 51")
    text = text.replace("\n  :expect: 53*x", "\n     :expect: 53*x").replace(
        "     :wrt: x\n\n     :expect: 53", "     :wrt: x\n     :expect: 53")
    for n in ("51", "52", "53"):  # the claims, corrected
        text = text.replace(f"{n}*x", "3*x**2")
    page.write_text(text, encoding="utf8")
    (src / "page.md").write_text("# Markdown\n\n% derivative: a comment\n", encoding="utf8")
    app = SphinxTestApp("html", srcdir=src, freshenv=True, status=StringIO(),
                        warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    assert not [e for e in errors(app.warning.getvalue()) if "[vcr." in e], \
        app.warning.getvalue()
    assert "sphinx-vcr: 12 verified (5 claims), 0 failed, 0 errors" in app.status.getvalue(), \
        app.status.getvalue()[-400:]
