"""Time and memory limits in real builds: located errors, the rest still checked, a
build run from a thread limited too, a timeout paid once under -j."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.core.running import verify, worker
from sphinx_vcr.extension import prefetch

from ..conftest import copy_root, shown_type

#: Lines of the directives in roots/test-limits/index.rst
SQUARINGS, SLOW, WRT = 15, 42, 49


def located(warnings: str, kind: str, line: int, text: str, subtype: str) -> bool:
    pattern = (rf"index\.rst:{line}: ERROR: \[vcr\.{kind}\] {re.escape(text)}.*"
               rf"{shown_type(subtype)}")
    return re.search(pattern, warnings) is not None


def build_limits(tmp_path: Path, **kwargs: object) -> SphinxTestApp:
    verify._memo.clear()
    app = SphinxTestApp("html", srcdir=copy_root("limits", tmp_path), freshenv=True,
                        **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def check_limits(app: SphinxTestApp) -> None:
    warnings = app.warning.getvalue()
    assert located(warnings, "chain-rule", SQUARINGS, "a number in this expression has "
                   "more than 4000 digits", "limit"), warnings
    assert located(warnings, "hessian", SLOW, "gave up after 1 s (vcr_timeout)",
                   "timeout"), warnings
    assert located(warnings, "gradient", WRT, "checking this by finite differences would "
                   "take 4201 variables", "limit"), warnings
    assert "sphinx-vcr: 2 verified (1 claim), 0 failed, 3 errors" in app.status.getvalue()
    assert app.statuscode == 1


def test_limits_are_located_errors_and_the_twins_verify(tmp_path):
    check_limits(build_limits(tmp_path))


def test_a_build_run_from_a_thread_is_limited(tmp_path):
    """Signals reach only the main thread: such a build had no limit, and the first
    directive ran for twenty seconds of its one."""
    apps = []
    thread = threading.Thread(target=lambda: apps.append(build_limits(tmp_path)))
    thread.start()
    thread.join(300)
    assert not thread.is_alive()
    check_limits(apps[0])
    assert "without a time limit" not in apps[0].warning.getvalue()


def test_a_build_that_cannot_be_limited_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "available", lambda: False)  # as on Windows
    monkeypatch.setattr(prefetch, "_warned_unlimited", False)
    warnings = []

    def build(name: str) -> None:
        app = SphinxTestApp("html", srcdir=copy_root("basic", tmp_path / name),
                            freshenv=True)
        try:
            app.build()
        finally:
            app.cleanup()
        warnings.append(app.warning.getvalue())

    for name in ("first", "second"):
        thread = threading.Thread(target=build, args=(name,))
        thread.start()
        thread.join(300)
    build("main")  # the main thread has its signal limit: nothing to say
    said = [w.count("directives are checked without a time limit (vcr_timeout)")
            for w in warnings]
    assert said == [1, 0, 0]


def test_a_parallel_build_pays_a_timeout_once(tmp_path, monkeypatch):
    """Prefetched before reading, then reported by the reading process from the memo it
    inherits: once in the log, and computed once, not once more while reading."""
    src = copy_root("parallel", tmp_path)
    limits = (Path(__file__).parents[1] / "roots" / "test-limits" / "index.rst")
    text = limits.read_text(encoding="utf8")
    start, end = text.index("A product of high powers"), text.index("A gradient by 4201")
    page = "Slow\n====\n\n" + text[start:end]
    (src / "slow.rst").write_text(page, encoding="utf8")
    index = src / "index.rst"
    index.write_text(index.read_text() + "   slow\n")
    record = tmp_path / "submitted"
    original = worker.Worker.submit

    def submit(self, job):
        # Forked reading processes inherit this patch: every process appends here.
        with open(record, "a", encoding="utf8") as stream:
            stream.write(f"{'(x + 8)**300' in repr(job[:4])}\n")  # in its :expect:
        return original(self, job)

    monkeypatch.setattr(worker.Worker, "submit", submit)
    verify._memo.clear()
    app = SphinxTestApp("html", srcdir=src, freshenv=True, parallel=2,
                        confoverrides={"vcr_timeout": 1, "vcr_cache": False})
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = app.warning.getvalue()
    assert warnings.count("gave up after 1 s (vcr_timeout)") == 1, warnings
    assert re.search(r"slow\.rst:8: ERROR: \[vcr\.hessian\] gave up", warnings)
    submitted = record.read_text().split()
    assert submitted.count("True") == 1  # the slow directive: computed once
    assert "checked" in app.status.getvalue()  # by the prefetch
    shutil.rmtree(src)


@pytest.mark.sphinx("html", testroot="basic", freshenv=True,
                    confoverrides={"vcr_memory": 10})
def test_an_invalid_memory_bound_is_replaced_by_the_default(app):
    app.build()
    assert "invalid vcr_memory = 10" in app.warning.getvalue()
    assert app.config.vcr_memory == 500


@pytest.mark.sphinx("html", testroot="basic", freshenv=True,
                    confoverrides={"vcr_timeout": float("inf"), "vcr_memory": 10**13})
def test_limits_too_large_to_be_limits_are_replaced_by_the_defaults(app):
    app.build()
    warnings = app.warning.getvalue()
    assert "invalid vcr_timeout = inf" in warnings and "invalid vcr_memory" in warnings
    assert (app.config.vcr_timeout, app.config.vcr_memory) == (10.0, 500)
    assert app.statuscode == 0


def test_the_build_process_never_imports_sympy(rootdir, tmp_path):
    """SymPy and NumPy are imported by the worker that computes (half a second, and a
    worker forked from a process holding them copies their pages as it touches them)."""
    import subprocess
    import sys

    build = (f"from sphinx.cmd.build import build_main\n"
             f"status = build_main(['-q', '{rootdir / 'test-basic'}', '{tmp_path / 'out'}'])\n"
             "import sys\n"
             "print(status, sorted({'sympy', 'numpy', 'mpmath'} & set(sys.modules)))")
    cold = subprocess.run([sys.executable, "-c", build], check=True, capture_output=True,
                          text=True, timeout=300)
    assert cold.stdout.strip().splitlines()[-1] == "0 []", cold.stderr
    assert "verified" in (tmp_path / "out" / "index.html").read_text(encoding="utf8")
