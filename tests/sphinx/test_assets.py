"""Stylesheets: HTML builds get ``vcr.css``, LaTeX builds ``sphinxvcr.sty``, each only its
own, and a rebuild of an unchanged project changes no configuration value and writes no
page again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import copy_root


def sphinx(builder: str, src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", builder, str(src), str(out)],
                          capture_output=True, text=True, timeout=300)


def test_a_plain_rebuild_changes_no_configuration_and_keeps_the_stylesheet(tmp_path):
    src, out = copy_root("basic", tmp_path), tmp_path / "html"
    builds = [sphinx("html", src, out) for _ in range(2)]
    for build in builds:
        assert build.returncode == 0, build.stderr
        assert "The configuration has changed" not in build.stdout + build.stderr
        assert (out / "_static" / "vcr.css").read_bytes() == (
            Path(__file__).parents[2] / "sphinx_vcr/extension/static/vcr.css").read_bytes()
    assert "no targets are out of date" in builds[1].stdout  # no page written again
    assert '_static/vcr.css' in (out / "index.html").read_text(encoding="utf8")
    assert not (out / "_static" / "sphinxvcr.sty").exists()


def test_latex_builds_get_the_package_and_not_the_css(tmp_path):
    src, out = copy_root("basic", tmp_path), tmp_path / "latex"
    for _ in range(2):
        build = sphinx("latex", src, out)
        assert build.returncode == 0, build.stderr
        assert "The configuration has changed" not in build.stdout
    assert (out / "sphinxvcr.sty").is_file()
    assert r"\usepackage{sphinxvcr}" in next(out.glob("*.tex")).read_text(encoding="utf8")
    assert not list(out.rglob("vcr.css"))
