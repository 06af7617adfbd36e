"""The hostile review of issue 13 in a real build (roots/test-attack13, rST and MyST).

Malformed new options (two structures on one matrix, a trailing comma in :let:, a
chain of ``==`` in :where:, :let: given twice or empty) are counted errors at their
lines, and the build goes on; a wrong claim on a complementary-slackness constraint
(once sampled on one of its branches only, see tests/core/test_attack13.py) must fail
the build: the constraint cannot be sampled whole, an error at its :where: line.
"""

from __future__ import annotations

import re

import pytest

MALFORMED = {  # file, line: a fragment of the message
    ("index.rst", 12): r"cannot read :vars: at 'spd'",
    ("index.rst", 20): r"each entry of :let: is 'name = expression', not ''",
    ("index.rst", 29): r"== is an equality constraint",
    ("index.rst", 38): r":let: is given twice, here and on line 37",
    ("index.rst", 46): r":let: is empty",
    ("myst.md", 5): r"cannot read :vars: at 'spd'",
    ("myst.md", 12): r"each entry of :let: is 'name = expression', not ''",
    ("myst.md", 20): r"== is an equality constraint",
    ("myst.md", 28): r":let: is empty",
}


def _errors(app) -> list[str]:
    return [line for line in app.warning.getvalue().splitlines() if "ERROR: [vcr." in line]


@pytest.mark.sphinx("html", testroot="attack13", freshenv=True)
def test_malformed_new_options_are_counted_at_their_lines(app):
    app.build()
    assert app.statuscode == 1
    errors = _errors(app)
    for (name, line), pattern in MALFORMED.items():
        assert any(re.search(rf"{re.escape(name)}:{line}: ERROR: .*{pattern}", e)
                   for e in errors), (name, line, errors)
    status = app.status.getvalue()
    # the 9 malformed directives, and the 2 unsamplable complementary-slackness ones
    assert re.search(r"sphinx-vcr: \d+ verified \(\d+ claims\), \d+ failed, 11 errors",
                     status), status
    # the correct claims around them still verify, on both pages
    for page in ("index.html", "myst.html"):
        html = (app.outdir / page).read_text(encoding="utf8")
        assert "vcr-badge vcr-verified" in html, page


@pytest.mark.sphinx("html", testroot="attack13", freshenv=True)
def test_a_wrong_claim_on_complementary_slackness_fails_the_build(app):
    app.build()
    errors = _errors(app)
    for name, line in (("index.rst", 54), ("myst.md", 42)):
        assert any(e.split("ERROR:")[0].rstrip().endswith(f"{name}:{line}:")
                   and "cannot sample on the equality" in e
                   for e in errors), (name, line, errors)
    assert "sphinx-vcr: 2 verified (2 claims)" in app.status.getvalue()
