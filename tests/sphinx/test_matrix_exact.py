"""A real build of determinant and inverse identities at sizes 1-3 (roots/
test-matrix-exact): each right one verifies with the badge "symbolically" (proven
exactly, not only at points), and its twin with a transpose missing fails at its line.
"""

from __future__ import annotations

import re

import pytest


@pytest.mark.sphinx("text", testroot="matrix-exact", freshenv=True)
def test_identities_are_proven_and_twins_fail_at_their_lines(app):
    app.build()
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines()
              if "ERROR: [vcr." in line]
    assert len(errors) == 2, errors
    for line in (35, 41):  # the lines of their :expect:
        assert any(re.search(rf"index.rst:{line}: ERROR: \[vcr\.gradient\] claimed .* but the "
                             r"derivative is .*; claim does not hold at n=[23]", e)
                   for e in errors), (line, errors)
    assert "sphinx-vcr: 4 verified (4 claims), 2 failed" in app.status.getvalue()
    text = (app.outdir / "index.txt").read_text(encoding="utf8")
    assert text.count("Verified: claim verified symbolically") == 4
