"""Names in a real build: distinct names render distinctly on the page, and a slip (an
empty :where:) is a counted error at its line (tests/roots/test-names)."""

from __future__ import annotations

import re

import pytest

from ..conftest import shown_type
from .test_latex_pdf import build_latex, latexmk, pdf_text, require_pdf_tools


@pytest.mark.sphinx("html", testroot="names", freshenv=True)
def test_names_render_distinctly_and_a_clash_is_a_located_error(app):
    app.build()
    warnings = app.warning.getvalue()
    assert app.statuscode == 1, warnings
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    # old: accepted as "no region", verified
    assert re.search(r"index\.rst:66: ERROR: \[vcr\.derivative\] :where: is empty; give "
                     r"the region, or leave the option out" + shown_type("parse"),
                     errors[0]), errors[0]
    assert "sphinx-vcr: 13 verified (5 claims), 0 failed, 1 error" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    for latex in (
        r"\left(\mathit{x2} x_{2}\right) = \mathit{x2}",             # not x_2 x_2 = x_2
        r"\mathbf{a} \mathbf{x}", r"\mathbf{A} \mathbf{x}",            # not both bold A
        r"\mathbf{w} \cdot \mathbf{x} + \mathit{w1}",                  # not w's entry w_1
        r"\left(\mathit{xabs} \cdot x\right) = \mathit{xabs}",               # SymPy wrote |x|
        r"\theta \mathbb{1}\left[x &gt; 0\right]",              # not theta theta(x)
        r"\sigma \operatorname{sigmoid}\left(x\right)",
        r"\frac{\mathrm{d} u_{1}}{\mathrm{d} \mathit{u1}}",              # two chain-rule steps
        r"\mathit{X\_1\_2}",                       # not X_{1,2}, entry (1, 2) of X (old: error)
        r"\mathit{xy} + x \cdot y\right) = y",     # not xy + xy = y
        r"\left(\mathit{w\_n}\right) = \mathbf{0}",  # not w_n, the n-th entry of w
        r"\mathbb{1}\left[\boldsymbol{\theta} &gt; 0\right]",  # not theta(theta_1)
        # across directives, each keeps its usual form: no clash there
        r"\frac{\mathrm{d}}{\mathrm{d} t}\left(x_{2} t\right) = x_{2}",
    ):
        assert latex in html, latex
    assert html.count(r"\left(x_{2} t\right)") == 2


def test_every_form_of_a_name_survives_latex_into_a_pdf(make_app, tmp_path):
    """Spelled names (x\\_), Greek with a number on the line, upright identity and step
    function, sizes as math in a text: all must be valid TeX, not only valid MathJax."""
    require_pdf_tools()
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\n', encoding="utf8")
    (src / "index.rst").write_text("""Forms
=====

.. derivative:: x_*x + alpha1*alpha_1*x
   :wrt: x

.. derivative:: theta*max(0, x) + e*exp(x)
   :wrt: x

.. jacobian:: X @ v + I_2*v
   :wrt: v[2]
   :vars: X[2, 2]
   :expect: X + I_2*eye(2)

.. gradient:: sum(a @ w) + sum(A @ w)
   :wrt: w[2]
   :vars: a[2, 2], A[2, 2]

.. gradient:: sum(w)
   :wrt: w[n_1]
""", encoding="utf8")
    app, tex = build_latex(make_app, src)
    assert app.statuscode == 0, app.warning.getvalue()
    text = tex.read_text(encoding="utf8")
    for latex in (r"\mathit{x\_}", r"\alpha1", r"\mathbb{1}", r"\exp\left(x\right)",
                  r"\mathrm{I}_{2}", r"\mathbf{1}_{n_{1}}^{\top}", r"\mathbf{a}"):
        assert latex in text, latex
    assert "Verified" in pdf_text(latexmk(tex))  # it compiles, badges and all
