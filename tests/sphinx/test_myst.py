"""The directives in MyST Markdown (.md with myst-parser): fences with ``:option:`` lines,
YAML options, colon fences; errors at their exact lines (with every myst-parser version the
tox matrix installs), as in reStructuredText."""

from __future__ import annotations

import re

import pytest

from ..conftest import shown_type

ROOT_LINES = {  # what each wrong directive of roots/test-myst/index.md reports, where
    45: r"ERROR: \[vcr\.jacobian\] claimed diag\(w\) but the derivative is diag\(x\); claim "
        r"does not hold at n=1; w\[1\]=\S+, x\[1\]=\S+: the claim is \S+ there but the derivative "
        r"is x\[1\] -> \S+" + shown_type("mismatch"),
    52: r"ERROR: \[vcr\.chain-rule\] syntax error in 'sin\(u' at column 4: '\(' was never "
        r"closed" + shown_type("parse"),
    57: r"ERROR: \[vcr\.derivative\] unknown option :expected:; did you mean :expect:\?",
    63: r"ERROR: \[vcr\.derivative\] claimed 3\*x but the derivative is 3 \* x\*\*2; claim "
        r"does not hold at x=\S+: the claim is \S+ there",
}


@pytest.mark.sphinx("html", testroot="myst", freshenv=True)
def test_myst_directives_verify_and_fail_at_their_lines(app):
    app.build()
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]
    assert len(errors) == len(ROOT_LINES), errors
    for error, (line, pattern) in zip(errors, ROOT_LINES.items()):
        assert re.search(rf"index\.md:{line}: {pattern}", error), error
    assert "WARNING" not in app.warning.getvalue()  # no MyST complaint about our options
    assert "sphinx-vcr: 4 verified (4 claims), 2 failed, 2 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert html.count("vcr-badge vcr-verified") == 3
    assert html.count("vcr-badge vcr-mistake") == 1
    assert r"\frac{\mathrm{d} y}{\mathrm{d} u} \frac{\mathrm{d} u}{\mathrm{d} x}" in html
    assert r"\operatorname{diag}\left(\mathbf{x}\right)" in html
    assert 'id="elementwise"' in html and 'href="#elementwise"' in html


def test_yaml_option_blocks_are_read_as_myst_reads_them():
    from sphinx_vcr.core.language.block import BlockError
    from sphinx_vcr.extension.myst import split_myst

    body = ["---", "wrt: x", "# a comment line", "expect: |", "  2*x", "", "  + 1",
            "name: 'quoted'", "---", "", "content"]
    parts = split_myst("x**2", body, 0, line=10)
    assert parts.options == {"wrt": "x", "expect": "2*x\n\n+ 1", "name": "quoted"}
    assert parts.rows == {"wrt": 2, "expect": 4, "name": 8}
    assert (parts.content, parts.content_row) == (["content"], 11)
    # A comment at column 0 ends the value above it, as in YAML: what follows is not
    # silently joined to it.
    with pytest.raises(BlockError) as caught:
        split_myst("x**2", ["---", "expect: |", "  2*x", "# note", "  + 1", "---"], 0)
    assert caught.value.row == 5 and "no option precedes it" in caught.value.message
