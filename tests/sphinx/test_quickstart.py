"""``python -m sphinx_vcr quickstart DIR``: a new project that builds at once, whose
commented-out wrong claim fails the build once uncommented; and the template really
ships in the wheel (an editable install would hide its absence)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_quickstart_project_builds_and_its_wrong_claim_fails(tmp_path):
    target = tmp_path / "notes"
    made = run("-m", "sphinx_vcr", "quickstart", str(target))
    assert made.returncode == 0, made.stderr
    assert "python -m sphinx -b html" in made.stdout
    assert sorted(p.name for p in target.iterdir()) == ["conf.py", "index.rst"]
    built = run("-m", "sphinx", "-W", "-b", "html", str(target), str(target / "_build"))
    assert built.returncode == 0, built.stderr
    assert "sphinx-vcr: 3 verified (3 claims), 0 failed, 0 errors" in built.stdout
    html = (target / "_build" / "index.html").read_text(encoding="utf8")
    assert html.count("vcr-badge vcr-verified") == 3

    index = target / "index.rst"
    lines = index.read_text(encoding="utf8").splitlines()
    marker = len(lines) - 1 - lines[::-1].index("..")  # the comment above the wrong claim
    wrong = [line[3:] for line in lines[marker + 1:]]
    index.write_text("\n".join(lines[:marker] + wrong) + "\n", encoding="utf8")
    line = marker + 1  # the directive moved up into the comment marker's line
    failed = run("-m", "sphinx", "-b", "html", str(target), str(target / "_build"))
    assert failed.returncode == 1
    assert f"index.rst:{line + 3}: ERROR: [vcr.jacobian] claimed diag(w) but the derivative " \
        "is diag(x); claim does not hold" in failed.stderr


def test_quickstart_never_overwrites(tmp_path):
    (tmp_path / "conf.py").write_text("project = 'mine'\n")
    refused = run("-m", "sphinx_vcr", "quickstart", str(tmp_path))
    assert refused.returncode == 2
    assert "already has conf.py" in refused.stderr
    assert (tmp_path / "conf.py").read_text() == "project = 'mine'\n"
    assert not (tmp_path / "index.rst").exists()


@pytest.mark.parametrize("setup, message", [
    (lambda d: (d / "index.md").write_text("# Mine\n"), "already has index.md"),
    (lambda d: (d / "notes").write_text("a file"), "cannot write to"),
])
def test_quickstart_explains_what_is_in_the_way(tmp_path, setup, message):
    setup(tmp_path)
    target = tmp_path if message.startswith("already") else tmp_path / "notes"
    refused = run("-m", "sphinx_vcr", "quickstart", str(target))
    assert refused.returncode == 2
    assert message in refused.stderr and "Traceback" not in refused.stderr


def test_printed_commands_quote_paths_with_spaces(tmp_path):
    made = run("-m", "sphinx_vcr", "quickstart", str(tmp_path / "my notes"))
    assert made.returncode == 0
    command = next(line for line in made.stdout.splitlines() if line.startswith("Build it"))
    built = subprocess.run(command.split(":", 1)[1].strip(), shell=True, capture_output=True,
                           text=True, timeout=300, executable="/bin/bash")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "my notes" / "_build" / "html" / "index.html").exists()


def test_wheel_ships_the_template_catalogs_and_stylesheets(tmp_path):
    # -v: pip shows the build backend's warnings only when verbose.
    built = run("-m", "pip", "wheel", "--no-deps", "-v",
                "-w", str(tmp_path), str(ROOT))
    assert built.returncode == 0, built.stderr
    # Such as "Package 'sphinx_vcr.extension.static' is absent from the `packages`
    # configuration" (setuptools' _Warning), or any deprecation of the configuration.
    warnings = re.findall(r"\w*Warning\b.*", built.stdout + built.stderr)
    assert not warnings, warnings
    wheel = next(tmp_path.glob("sphinx_vcr-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    template = sorted(p.name for p in (ROOT / "conf_template").iterdir()
                      if p.suffix in (".py", ".rst"))
    for name in template:
        assert f"sphinx_vcr/conf_template/{name}" in names
    assert "sphinx_vcr/extension/static/vcr.css" in names
    assert "sphinx_vcr/extension/static/sphinxvcr.sty" in names
    catalogs = [p.relative_to(ROOT).as_posix()
                for p in (ROOT / "sphinx_vcr" / "locales").glob("*/LC_MESSAGES/*.[mp]o")]
    assert "sphinx_vcr/locales/zh_CN/LC_MESSAGES/sphinx_vcr.mo" in catalogs
    assert set(catalogs) <= names  # every language's
    assert "sphinx_vcr/extension/assets.py" in names
