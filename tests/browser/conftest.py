"""Browser tests need Chromium and npm; without them they are skipped, saying why,
unless VCR_REQUIRE_BROWSER is set (as CI does), where a missing browser fails."""

from __future__ import annotations

import os

import pytest

from .chromium import BrowserUnavailable, chromium, mathjax


@pytest.fixture(scope="session")
def browser():
    try:
        return chromium(), mathjax()
    except BrowserUnavailable as reason:
        if os.environ.get("VCR_REQUIRE_BROWSER"):
            pytest.fail(f"browser test required but {reason}")
        pytest.skip(str(reason))
