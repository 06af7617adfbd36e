"""Report holes the hostile review of issue 10 found: JUnit test cases of an included
file named like the page's own, and a report path that is no path crashing the build."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from ..conftest import copy_root, shown_type

# A directive at line 4 of the page, and one at line 4 of the file it includes (twice).
PAGE = """Page
====

.. derivative:: x**2
   :wrt: x

.. include:: part.txt

.. include:: part.txt
"""
PART = """Part
----

.. derivative:: x**3
   :wrt: x
   :expect: 2*x
"""


def build(src: Path, **overrides: str) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=StringIO(),
                        freshenv=True, confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def test_junit_names_the_test_cases_of_an_included_file_apart(tmp_path):
    # old: three test cases named "derivative at line 4", classname "index": a CI system
    # merged them, and the failures of part.txt could hide behind the page's pass
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\n', encoding="utf8")
    (src / "index.rst").write_text(PAGE, encoding="utf8")
    (src / "part.txt").write_text(PART, encoding="utf8")
    app = build(src, vcr_junit="vcr.xml")
    assert app.statuscode == 1
    cases = ET.parse(app.outdir / "vcr.xml").getroot().findall(".//testcase")
    names = [case.get("name") for case in cases]
    assert len(names) == 3 and len(set(names)) == 3, names
    assert names[0] == "derivative at line 4"  # the page's own: named as before
    assert re.fullmatch(r"derivative at line 4 of .*part\.txt", names[1]), names
    assert names[2] == names[1] + " (2)"
    assert [case.find("failure") is not None for case in cases] == [False, True, True]


@pytest.mark.parametrize("absolute", [False, True])
def test_a_report_path_with_a_nul_byte_is_a_located_config_warning(tmp_path, absolute):
    # old: ExtensionError traceback ("embedded null byte"), exit status 2
    src = copy_root("basic", tmp_path)
    name = str(tmp_path / "a\x00b.json") if absolute else "a\x00b.json"
    conf = src / "conf.py"
    lines = conf.read_text(encoding="utf8").splitlines()
    conf.write_text("\n".join([*lines, f"vcr_report = {name!r}", 'vcr_junit = "vcr.xml"'])
                    + "\n", encoding="utf8")
    app = build(src)
    warning = app.warning.getvalue()
    assert re.search(re.escape(f"{conf}:{len(lines) + 1}: WARNING: sphinx-vcr: not writing the "
                               f"report vcr_report = {name!r}: it is not a valid path")
                     + ".*" + shown_type("config"), warning), warning
    assert app.statuscode == 0  # the math is right: only that report is missing
    assert (app.outdir / "vcr.xml").exists()  # the other report is still written
