"""Browser tests need Chromium and npm; without them they are skipped, saying why,
unless VCR_REQUIRE_BROWSER is set (as CI does), where a missing browser fails."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from . import devtools
from .chromium import BrowserUnavailable, chromium, mathjax, mathjax4


def _available(*needs: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return tuple(need() for need in needs)
    except BrowserUnavailable as reason:
        if os.environ.get("VCR_REQUIRE_BROWSER"):
            pytest.fail(f"browser test required but {reason}")
        pytest.skip(str(reason))


@pytest.fixture(scope="session")
def browser():
    return _available(chromium, mathjax)


@pytest.fixture(scope="session")
def browser4():
    """Chromium and MathJax 4 (with its font) from npm."""
    return _available(chromium, mathjax4)


@pytest.fixture(scope="session", autouse=True)
def _one_chromium():
    """The browser the offline tests share (tests/browser/devtools.py), closed at the end."""
    yield
    devtools.close_shared()
