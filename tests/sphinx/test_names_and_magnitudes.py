"""Issue 10, items 1 and 2 where users meet them: a real Sphinx build fails each wrong
claim at its line and verifies each correct twin."""

from __future__ import annotations

import re

import pytest

from ..conftest import shown_type

#: The line of each wrong claim's :expect: in roots/test-names-magnitudes/index.rst.
WRONG_LINES = [9, 18, 26, 34, 42, 50]


@pytest.mark.sphinx("html", testroot="names-magnitudes", freshenv=True)
def test_names_and_tiny_magnitudes_in_a_build(app):
    app.build()
    text = app.warning.getvalue()
    errors = [line for line in text.splitlines() if "ERROR" in line]
    assert len(errors) == len(WRONG_LINES), text
    for line, error in zip(WRONG_LINES, errors):
        # headed by the claim as written and the index-free derivative
        assert re.search(rf"index\.rst:{line}: ERROR: \[vcr\.derivative\] claimed .* but the "
                         rf"derivative is .*; claim does not hold at "
                         rf".*{shown_type('mismatch')}", error), error
    assert "sphinx-vcr: 6 verified (6 claims), 6 failed, 0 errors" in app.status.getvalue()
    assert app.statuscode == 1
