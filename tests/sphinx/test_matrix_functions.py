"""The matrix functions and lambda in a real build (tests/roots/test-matrix-functions):
verified identities render with their notation in HTML and survive LaTeX into a PDF,
and a missing transpose fails the build at its line."""

from __future__ import annotations

import re

import pytest

from ..conftest import copy_root, shown_type
from .test_latex_pdf import build_latex, latexmk, pdf_text, require_pdf_tools

NOTATION = (
    r"\det\left(\mathbf{X} + t \mathbf{B}\right) \operatorname{tr}\left(\left(\mathbf{X}"
    r" + t \mathbf{B}\right)^{-1} \mathbf{B}\right)",
    r"\log\left|\det\left(\mathbf{X} + t \mathbf{B}\right)\right|",
    r"\left(\mathbf{A}^{-1} + \mathbf{A}^{-\top}\right) \mathbf{x}",
    r"\operatorname{softmax}\left(\mathbf{z}\right) \operatorname{softmax}\left("
    r"\mathbf{z}\right)^{\top}",
    r"\operatorname{logsumexp}\left(\mathbf{z}\right) + \lambda \left\lVert \mathbf{X} "
    r"\right\rVert_{F}^{2}",
    r"\operatorname{vec}\left(\mathbf{B} \otimes \mathbf{X}\right)",
    r"\log\left|\det\left(\mathbf{X}\right)\right|\right) &= \mathbf{X}^{-\top}",
)


@pytest.mark.sphinx("html", testroot="matrix-functions", freshenv=True)
def test_matrix_identities_verify_and_a_missing_transpose_fails_at_its_line(app):
    app.build()
    warnings = app.warning.getvalue()
    assert app.statuscode == 1, warnings
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(r"index\.rst:51: ERROR: \[vcr\.derivation\] step 1 does not follow "
                     r"from the first form at n=2.*it is the transpose of the form before "
                     r"it.*" + shown_type("step"), errors[0]), errors[0]
    assert "sphinx-vcr: 7 verified (7 claims), 1 failed, 0 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8").replace("&amp;", "&")
    for latex in NOTATION:
        assert latex in html, latex


def test_matrix_notation_survives_latex_into_a_pdf(make_app, tmp_path):
    """A^{-T}, braced superscripts, the Kronecker product, ||X||_F and lambda must be
    valid TeX, not only valid MathJax."""
    require_pdf_tools()
    app, tex = build_latex(make_app, copy_root("matrix-functions", tmp_path))
    assert app.statuscode == 1
    text = tex.read_text(encoding="utf8")
    for latex in NOTATION:
        assert latex in text, latex
    assert "softmax" in pdf_text(latexmk(tex))
