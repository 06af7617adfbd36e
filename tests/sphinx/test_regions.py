"""Real builds of claims wrong only on narrow regions: each is a located mismatch, and
the badges of the right ones say how completely their pieces were checked."""

from __future__ import annotations

import re

import pytest

from ..conftest import ROOTS, shown_type


def wrong_lines() -> list[int]:
    """The 1-based lines of the ``:expect:`` of each directive marked ``.. wrong``."""
    lines = (ROOTS / "test-regions" / "index.rst").read_text(encoding="utf8").splitlines()
    found, marked = [], False
    for number, line in enumerate(lines, 1):
        if line.startswith(".. wrong") or line.startswith(".. right"):
            marked = line.startswith(".. wrong")
        elif marked and line.strip().startswith(":expect:"):
            found.append(number)
    return found


@pytest.mark.sphinx("html", testroot="regions", freshenv=True)
def test_each_narrow_wrong_claim_fails_at_its_line(app):
    app.build()
    assert app.statuscode == 1
    errors = [e for e in app.warning.getvalue().splitlines() if "ERROR" in e]
    lines = wrong_lines()
    assert len(lines) == 5
    assert len(errors) == len(lines), errors
    for line, error in zip(lines, errors):
        # headed by the claim and the index-free derivative where the engine has one
        assert re.search(rf"index\.rst:{line}: ERROR: \[vcr\.(derivative|jacobian)\] "
                         rf"(claimed .* but the derivative is .*; )?claim does not hold at "
                         rf".*{shown_type('mismatch')}", error), error
    assert "sphinx-vcr: 5 verified (5 claims), 5 failed, 0 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert html.count("covering every interval between the boundaries of its pieces") == 4
    assert html.count("checked at points only") == 1
    assert "the boundaries of sin(1/x) were not found" in html


@pytest.mark.sphinx("html", testroot="regions", freshenv=True,
                    confoverrides={"language": "zh_CN"})
def test_the_badges_are_translated(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert "仅在若干点上检查" in html
    assert "覆盖了其各分段边界之间的每一个区间" in html
