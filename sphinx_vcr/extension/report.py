"""Reports for CI: every outcome as JSON (``vcr_report``) and as JUnit XML (``vcr_junit``).

Written at the end of the build, in the main process, from the domain's records, so a
parallel or incremental build reports every document's latest outcomes, exactly as the
summary counts them. A relative path is taken from the build's output directory and
must stay inside it (after ``..`` and symbolic links): one that leaves it is not written,
with a warning, since ``../../x.json`` is more likely a slip than a wish; an absolute path
is written where it says. A report replaces the file before it in one rename, so a CI
step never reads half of one.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .. import __version__
from ..core.outcome import ERROR, FAILED, SKIPPED
from ..core.running.cache import write_atomically
from .domain import Record, get_domain
from .i18n import _

logger = logging.getLogger(__name__)


def outcomes(records: list[tuple[str, Record]]) -> list[dict[str, Any]]:
    """One flat dictionary per directive, in document order."""
    rows = []
    for docname, record in records:
        source, line = _split(record["location"])
        rows.append({
            "document": docname, "source": source, "line": line,
            "directive_line": record["line"],
            "directive": record["kind"], "status": record["status"],
            "subtype": record["subtype"], "method": record["method"] or None,
            "points": record["points"], "max_error": record["max_error"],
            "claims": record["claims"],
            "seconds": round(record["seconds"], 6), "message": record["message"],
        })
    return rows


def json_report(rows: list[dict[str, Any]]) -> str:
    counts = Counter(row["status"] for row in rows)
    summary = {status: counts[status] for status in ("verified", FAILED, ERROR, SKIPPED)}
    return json.dumps({"tool": "sphinx-vcr", "version": __version__, "summary": summary,
                       "outcomes": rows}, indent=2, ensure_ascii=False) + "\n"


def junit_report(rows: list[dict[str, Any]]) -> str:
    """JUnit XML: a test suite per document, a test case per directive.

    A directive's claims are its test case's ``assertions`` (JUnit's count of what a
    test checked), summed on each suite and on the report, as the summary line sums
    them.
    """
    suites = ET.Element("testsuites", name="sphinx-vcr")
    by_document: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_document.setdefault(row["document"], []).append(row)
    for document, cases in by_document.items():
        suite = ET.SubElement(suites, "testsuite", name=document,
                              time=_seconds(sum(row["seconds"] for row in cases)))
        for row, name in zip(cases, _case_names(document, cases)):
            _testcase(suite, row, name)
        suite.attrib.update(_counts(cases))
    suites.attrib.update(time=_seconds(sum(row["seconds"] for row in rows)), **_counts(rows))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _counts(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The counts a suite (or the report) carries for its test cases ``rows``."""
    counts = Counter(row["status"] for row in rows)
    return {"tests": str(len(rows)), "failures": str(counts[FAILED]),
            "errors": str(counts[ERROR]), "skipped": str(counts[SKIPPED]),
            "assertions": str(sum(row["claims"] for row in rows))}


def _case_names(document: str, cases: list[dict[str, Any]]) -> list[str]:
    """A distinct name for each test case of a document.

    Named by the directive's own line, which does not move when a failure is fixed (the
    problem's line does), so CI systems see the same test fail and then pass. A directive
    of an included file is named by that file too (its line 12 is not the page's line
    12), and one file included twice numbers its repeats: CI systems merge test cases
    of one name, so a failure could hide behind a pass.
    """
    names = []
    seen: Counter[str] = Counter()
    for row in cases:
        name = f"{row['directive']} at line {row['directive_line']}"
        if not _own_source(document, row["source"]):
            name += f" of {row['source']}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _own_source(document: str, source: str) -> bool:
    """Whether ``source`` is the document's own file (``guide/index.rst`` of
    ``guide/index``) rather than one it includes."""
    stem = Path(source).with_suffix("").as_posix()
    return stem == document or stem.endswith("/" + document)


def _testcase(suite: ET.Element, row: dict[str, Any], name: str) -> None:
    # Its line attribute is the directive's line too (the problem's is in the failure's
    # text).
    case = ET.SubElement(suite, "testcase", name=name,
                         classname=row["document"].replace("/", "."),
                         assertions=str(row["claims"]), time=_seconds(row["seconds"]),
                         file=_xml(row["source"]), line=str(row["directive_line"]))
    tag = {FAILED: "failure", ERROR: "error", SKIPPED: "skipped"}.get(row["status"])
    if tag is None:
        return
    message = _xml(row["message"])
    element = ET.SubElement(case, tag, message=message.split("\n")[0])
    if tag != "skipped":
        element.set("type", f"vcr.{row['subtype']}")
        element.text = f"{_xml(row['source'])}:{row['line']}: {message}"


def _seconds(seconds: float) -> str:
    """JUnit's time: "0" for an outcome read from the cache, else in microseconds
    (a computed one takes at least one, so it never reads as cached)."""
    return f"{seconds:.6f}" if seconds else "0"


#: Characters XML 1.0 cannot hold even escaped (control characters, lone surrogates):
#: a message quotes the document's text, which may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _split(location: str) -> tuple[str, int | None]:
    """``path:line`` into a path relative to the working directory (as CI systems show
    it) and a line number."""
    path, _, line = location.rpartition(":")
    if not line.isdigit():
        path, line = location, ""
    relative = os.path.relpath(path) if path and os.path.isabs(path) else path
    if relative.startswith(".."):
        relative = path
    return relative, int(line) if line else None


def _write_reports(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.env is None:
        return
    wanted = [("vcr_report", json_report), ("vcr_junit", junit_report)]
    if not any(app.config[option] for option, _ in wanted):
        return
    rows = outcomes(list(get_domain(app.env).all_records()))
    for option, render in wanted:
        name = app.config[option]
        target = _target(Path(app.outdir), option, name, Path(app.confdir)) if name else None
        if target is None:
            continue
        try:
            # Readable by all, as any file the build writes (the umask narrows it).
            write_atomically(target, render(rows).encode("utf8"), mode=0o666)
        except OSError as err:
            logger.error("sphinx-vcr: " + _("cannot write the report %s: %s"), target, err,
                         type="vcr", subtype="report")
            app.statuscode = 1
            continue
        logger.info("sphinx-vcr: " + _("wrote %s"), target)


def _target(outdir: Path, option: str, name: str, confdir: Path) -> Path | None:
    """Where the report ``name`` (the value of ``option``) goes, or None (with a
    warning) if it is not a path at all, or a relative path that leaves the output
    directory."""
    try:
        # A NUL byte is no path on any system; resolving it raises ValueError.
        if Path(name).is_absolute():
            Path(name).resolve()
            return Path(name)
        target = outdir / name
        inside = target.resolve().is_relative_to(outdir.resolve())
    except (ValueError, OSError, RuntimeError) as err:
        logger.warning("sphinx-vcr: " + _("not writing the report %s = %r: it is not a "
                                          "valid path (%s)"), option, name, err,
                       type="vcr", subtype="config", location=_conf(confdir, option))
        return None
    if inside:
        return target
    logger.warning("sphinx-vcr: " + _("not writing the report %s = %r: it leaves the "
                                      "output directory %s; give an absolute path to "
                                      "write a report outside it"), option, name, outdir,
                   type="vcr", subtype="report")
    return None


def _conf(confdir: Path, option: str) -> nodes.Node | None:
    """Where a warning about ``option`` points: the line of conf.py that sets it (a
    Sphinx location given as a string is a document's name, not a file), or None if
    conf.py does not set it (``-D``)."""
    path = confdir / "conf.py"
    try:
        lines = path.read_text(encoding="utf8").splitlines()
    except (OSError, UnicodeError):
        return None
    for number, line in enumerate(lines, 1):
        if re.match(rf"\s*{option}\s*=", line):
            node = nodes.Element()
            node.source, node.line = str(path), number
            return node
    return None


def setup_report(app: Sphinx) -> None:
    app.connect("build-finished", _write_reports)
