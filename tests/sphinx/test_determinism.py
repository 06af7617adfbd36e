"""Same source, same bytes: clean builds, serial or parallel, in fresh processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOTS


def build(src: Path, out: Path, *flags: str, hash_seed: str) -> dict[str, bytes]:
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    result = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-b", "html", *flags,
                             str(src), str(out)], capture_output=True, env=env,
                            timeout=300)
    assert result.returncode == 1, result.stderr  # the root has one wrong claim
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.html"))}


def test_clean_builds_are_byte_identical_serial_and_parallel(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-parallel", src)
    first = build(src, tmp_path / "a", hash_seed="1")
    second = build(src, tmp_path / "b", hash_seed="2")
    parallel = build(src, tmp_path / "c", "-j", "2", hash_seed="3")
    assert len(first) == 9  # 7 pages, genindex, search
    assert first == second == parallel


def test_thread_pools_are_capped_unless_the_user_set_them():
    script = ("import os, sys\n"
              "import sphinx_vcr\n"
              "class App:\n"
              "    def __getattr__(self, name):\n"
              "        return lambda *a, **k: None\n"
              "sphinx_vcr.setup(App())\n"
              "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])\n")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    capped = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env)
    assert capped.stdout.split() == ["1", "1"], capped.stderr
    chosen = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env | {"OMP_NUM_THREADS": "4"})
    assert chosen.stdout.split() == ["1", "4"], chosen.stderr
