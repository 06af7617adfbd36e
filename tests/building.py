"""One Sphinx build of a project written by a test, its messages kept for the asserts;
and the builds that many tests read, made once per process.

The tests that make their own project (a copy of the chapter, a page of mutants, a root
with a page added) build it the same way: from scratch, output captured, the app cleaned
up even when the build raises. ``@pytest.mark.sphinx`` does this for the plain roots.

A build that tests of several files read (the worked chapter, as the docs hold it) is a
:func:`shared_build`: a session-scoped fixture, so made once in each worker process,
and its readers run in one worker (tests/distribution.py). It also leaves every outcome
of its directives in the process's memo (sphinx_vcr/core/running/verify.py), so a test
that must build the same directives under its own configuration (a serial build whose
directive texts are recorded) reads them instead of computing them again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sphinx.testing.util import SphinxTestApp

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHAPTER = DOCS / "chapter" / "vector-chain-rule.zh.rst"
#: What marks a fixture as a shared build, for tests/distribution.py.
SHARED = "vcr_shared_build"

Fixture = TypeVar("Fixture", bound=Callable[..., Any])


def build(srcdir: Path, builddir: Path | None = None, *, builder: str = "html",
          parallel: int = 0, **confoverrides: Any) -> SphinxTestApp:
    """``srcdir`` built afresh into ``builddir`` (default ``srcdir / "_build"``), with
    ``confoverrides`` for conf.py's values; ``app.status`` and ``app.warning`` hold what
    the build said, ``app.statuscode`` its exit status."""
    app = SphinxTestApp(builder, srcdir=srcdir, builddir=builddir, freshenv=True,
                        parallel=parallel, status=StringIO(), warning=StringIO(),
                        confoverrides=confoverrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def shared_build(function: Fixture) -> Fixture:
    """``function`` as a session-scoped fixture whose readers share one worker."""
    setattr(function, SHARED, True)
    return pytest.fixture(scope="session")(function)


def chapter_project(src: Path, conf: str = "") -> Path:
    """The worked chapter as the index of a project at ``src``, with the docs'
    references and figure, and ``conf`` added to its conf.py."""
    src.mkdir(parents=True)
    shutil.copy(CHAPTER, src / "index.rst")
    shutil.copy(DOCS / "refs.bib", src / "refs.bib")
    shutil.copytree(DOCS / "_static", src / "_static")
    (src / "conf.py").write_text('extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]\n'
                                 'bibtex_bibfiles = ["refs.bib"]\n' + conf, encoding="utf8")
    return src
