"""Structured parameters, equality constraints and ``:let:`` in a real build (rST and
MyST): right claims verify, the symmetric-only claim on a general matrix, the wrong
sign on the simplex and a misspelt structure fail the build at their own lines (the
:expect: or :vars: line)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.sphinx("html", testroot="structure", freshenv=True)
def test_structure_constraints_and_lets_in_a_build(app):
    app.build()
    warnings = app.warning.getvalue()
    assert app.statuscode == 1
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 3, warnings
    assert re.search(r"index\.rst:22: ERROR: .*claim does not hold at n=2", warnings)
    assert re.search(r"index\.rst:32: ERROR: .*unknown structure 'symetric'.*did you "
                     r"mean symmetric\?", warnings), warnings
    assert re.search(r"index\.rst:41: ERROR: .*claim does not hold.*sign", warnings)
    assert "sphinx-vcr: 5 verified (5 claims), 2 failed, 1 error" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert r"\text{where }\mathbf{S}\ \text{symmetric}" in html
    assert r"\text{where }\mathbf{P}\ \text{symmetric positive definite}" in html
    assert r"\text{where }\mathbf{p} = " in html
    assert r"\operatorname{sum}\left(\mathbf{y}\right) = 1" in html
    myst = (app.outdir / "myst.html").read_text(encoding="utf8")
    assert myst.count("vcr-badge vcr-verified") == 2
    assert r"\text{where }\mathbf{r} = " in myst
    assert r"\text{where }\mathbf{D}\ \text{diagonal}" in myst
