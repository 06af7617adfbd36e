"""Shared fixtures: Sphinx's testing fixtures, with our tiny projects under roots/; the
builds that tests of several files read (tests/building.py); and how the suite is spread
over processes (tests/distribution.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from .building import build, chapter_project, shared_build

pytest_plugins = ["sphinx.testing.fixtures", "tests.distribution"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@shared_build
def chapter_build(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """The worked chapter on its own, as the docs hold it, built once per process (in
    parallel, as the docs are), with its outcomes written to ``report.json``."""
    src = chapter_project(tmp_path_factory.mktemp("chapter") / "src",
                          'vcr_report = "report.json"\n')
    return build(src, parallel=2)


@pytest.fixture(autouse=True)
def _worker_after_patches(request: pytest.FixtureRequest) -> Iterator[None]:
    """Directives are computed in a worker process forked from this one
    (sphinx_vcr/core/running/worker.py), a copy of it taken at the fork. A test that patches
    modules gets a worker forked after its patches, and leaves none behind for others."""
    from sphinx_vcr.core.running import worker

    patches = "monkeypatch" in request.fixturenames
    if patches:
        worker.stop()
    yield
    if patches:
        worker.stop()


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The key of every directive text that the Sphinx layer hands to the check, in
    order (what the prefetch scanner must find)."""
    from sphinx_vcr.core.running import verify
    from sphinx_vcr.extension import directives

    keys: list[str] = []
    original = directives.check

    def recording(kind, argument, content, options, *rest):
        keys.append(verify._key(kind, argument, content, options))
        return original(kind, argument, content, options, *rest)

    monkeypatch.setattr(directives, "check", recording)
    return keys


def shown_type(subtype: str) -> str:
    """The ``[vcr.subtype]`` suffix as a regex: Sphinx shows warning types since 8.0."""
    import sphinx

    return rf" \[vcr\.{subtype}\]" if sphinx.version_info >= (8,) else ""


def copy_root(name: str, tmp_path: Path) -> Path:
    """A writable copy of ``roots/test-<name>`` at ``tmp_path/src``."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{name}", src)
    return src
