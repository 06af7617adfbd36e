"""Each class of bad input (DESIGN section 6) is a located error; the build goes on."""

from __future__ import annotations

import re
import shutil
from io import StringIO

import pytest
from sphinx.testing.util import SphinxTestApp

from ..conftest import ROOTS, shown_type

INDEX = ROOTS / "test-bad-input" / "index.rst"


def cases() -> list[tuple[str, str, int]]:
    """(name, subtype, line) from the ``.. case: name subtype [+k | @option]`` markers.

    ``+k``: the error is on the k-th content line; ``@option``: on that option's line;
    otherwise on the directive's line.
    """
    lines = INDEX.read_text(encoding="utf8").splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = re.match(r"\.\. case: (\S+) (\S+)(?: \+(\d+)| @(\S+))?", line)
        if match:
            directive = next(n for n in range(number, len(lines))
                             if lines[n].startswith(".. ") and "::" in lines[n]) + 1
            offset = int(match.group(3) or 0)
            target = directive
            if offset:
                body = [n for n in range(directive, len(lines))
                        if lines[n].startswith("   ") and not lines[n].strip().startswith(":")]
                target = body[offset - 1] + 1
            if match.group(4):
                target = next(n for n in range(directive, len(lines))
                              if lines[n].strip().startswith(f":{match.group(4)}:")) + 1
            found.append((match.group(1), match.group(2), target))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the bad-input project, shared by the tests of this module."""
    src = tmp_path_factory.mktemp("bad") / "src"
    shutil.copytree(ROOTS / "test-bad-input", src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True, status=StringIO(),
                        warning=StringIO())
    app.build()
    yield app
    app.cleanup()


@pytest.mark.parametrize("name,subtype,line", cases(), ids=[c[0] for c in cases()])
def test_each_bad_input_is_located(built, name, subtype, line):
    text = built.warning.getvalue()
    if subtype == "verified":
        assert not re.search(rf"index\.rst:{line}: ", text)
        return
    pattern = rf"index\.rst:{line}: ERROR: \[vcr\.[a-z-]+\] .*{shown_type(subtype)}"
    assert re.search(pattern, text), f"no {subtype} error at line {line}:\n{text}"


def test_no_traceback_and_the_build_goes_on(built):
    text = built.warning.getvalue()
    assert "Traceback" not in text and "internal error" not in text
    assert built.statuscode == 1
    errors = len(cases()) - 1
    assert f"sphinx-vcr: 1 verified, 0 failed, {errors} errors" in built.status.getvalue()


def test_messages_say_what_is_allowed(built):
    text = built.warning.getvalue()
    assert "unknown function 'foo'" in text
    assert "the only attribute is .T" in text
    assert "subscripts are not part of the language" in text
    assert "exponent 10000000000 is too large" in text
    assert "gave up after 3 s (vcr_timeout)" in text
    assert "transpose the claim with .T, or use :layout: denominator" in text
    assert "unknown option :expected:; did you mean :expect:?" in text
    assert ":mistake: is a flag and takes no value" in text
