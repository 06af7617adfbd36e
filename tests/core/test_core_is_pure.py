"""The core imports nothing from Sphinx or docutils."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_sphinx():
    code = ("import sys, sphinx_vcr.core.running.verify; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
