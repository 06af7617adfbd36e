"""A real build of derivatives by matrices and Hessians (roots/test-matrix-wrt): the
Cookbook identities and the two-layer network's dL/dW1 verify; a transpose, the other
layout, A for A + Aᵀ and a factor 2 fail, each at its line; ``.. hessian::`` works in
MyST and a misspelt one is caught."""

from __future__ import annotations

import re

import pytest

from ..conftest import shown_type

LINES = {  # file, line, what it reports
    ("hessian.md", 12): r"\[vcr\.hessian\] claimed X\.T @ X but the derivative is "
                        r"2 \* X\.T @ X; claim does not hold at .*it is 1/2 times the "
                        r"derivative" + ".*" + shown_type("mismatch"),
    ("index.rst", 45): r"\[vcr\.gradient\] claimed b @ a\.T but the derivative is a @ b\.T; "
                       r"claim does not hold at n=\d; X\[1, 1\]=.*it is the transpose of the "
                       r"derivative: check the layout; did you mean :expect: a @ b\.T\?",
    ("index.rst", 50): r"\[vcr\.gradient\] the claim is a m x n matrix, but the derivative "
                       r"in numerator layout is a n x m matrix: transpose the claim with "
                       r"\.T, or use :layout: denominator .*Matrix Cookbook"
                       + ".*" + shown_type("shape"),
    ("index.rst", 55): r"\[vcr\.hessian\] claimed A but the derivative is A \+ A\.T; "
                       r"claim does not hold at n=1.*the claim has A where the derivative "
                       r"has A \+ A\.T.*"
                       r"did you mean :expect: A \+ A\.T\?",
    ("index.rst", 61): r"\[vcr\.gradient\] claimed \(X @ w - y\) @ w\.T but the derivative "
                       r"is 2 \* \(X @ w - y\) @ w\.T; claim does not hold at .*it is 1/2 "
                       r"times.*; did you mean :expect: 2 \* \(X @ w - y\) @ w\.T\?",
    ("index.rst", 63): r"\[vcr\.hessian\] unknown directive 'hesian', so nothing in it is "
                       r"checked: did you mean hessian\?",
}


@pytest.mark.sphinx("html", testroot="matrix-wrt", freshenv=True)
def test_matrix_claims_verify_and_wrong_ones_fail_at_their_lines(app):
    app.build()
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines()
              if "ERROR: [vcr." in line]
    assert len(errors) == len(LINES), errors
    for (name, line), pattern in LINES.items():
        assert any(re.search(rf"{re.escape(name)}:{line}: ERROR: {pattern}", e)
                   for e in errors), (name, line, errors)
    assert "sphinx-vcr: 6 verified (6 claims), 4 failed, 2 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert html.count("vcr-badge vcr-verified") == 5
    assert 'class="vcr vcr-hessian' in html
    # bold upper-case matrices, in the derivative and in the failure boxes alike
    assert html.count(r"\frac{\partial}{\partial \mathbf{X}}") >= 4
    assert r"\frac{\partial}{\partial \mathbf{W}_{1}}" in html
    assert (r"\frac{\partial^{2}}{\partial \mathbf{x}\, \partial \mathbf{x}^{\top}}"
            in html)
    myst = (app.outdir / "hessian.html").read_text(encoding="utf8")
    assert myst.count('class="vcr vcr-hessian') == 2
    assert myst.count("vcr-badge vcr-verified") == 1
