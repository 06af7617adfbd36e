"""A real build of the acceptance examples of issue 14 (roots/test-indexfree): without a
claim, a gradient shows its verified index-free form; a wrong claim's error names that
form and suggests the fix; where the engine finds no form, the entries are shown and the
badge says so."""

from __future__ import annotations

import html as markup
import re

import pytest

from ..conftest import shown_type


@pytest.mark.sphinx("html", testroot="indexfree", freshenv=True)
def test_derived_forms_are_shown_and_a_wrong_claim_names_one(app):
    app.build()
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]
    assert len(errors) == 1, errors
    assert re.search(
        r"index\.rst:21: ERROR: \[vcr\.gradient\] claimed 2 \* x\.T @ A but the derivative "
        r"is x\.T @ \(A \+ A\.T\); claim does not hold at n=2; .*; the claim takes A to be "
        r"symmetric, which :vars: does not declare; did you mean :expect: "
        r"x\.T @ \(A \+ A\.T\)\?" + shown_type("mismatch"), errors[0]), errors[0]
    assert "sphinx-vcr: 3 verified (0 claims), 1 failed, 0 errors" in app.status.getvalue()
    page = markup.unescape((app.outdir / "index.html").read_text(encoding="utf8"))
    # x^T (A + A^T) and (2/N) (X w - y)^T X, each verified as a claim before it is shown
    assert page.count(r"= \mathbf{x}^{\top} \left(\mathbf{A} + \mathbf{A}^{\top}\right)") \
        == 2  # the first directive, and beside the wrong claim
    assert (r"= \frac{2}{N} \left(\mathbf{X} \mathbf{w} - \mathbf{y}\right)^{\top} "
            r"\mathbf{X}") in page
    assert page.count("index-free form derived, verified symbolically") == 2
    # the wrong claim, as written, struck beside the form
    assert r"\neq 2 \mathbf{x}^{\top} \mathbf{A} \quad \text{(claimed)}" in page
    # no form for X.T @ w by X: its entries, and the badge says why
    assert "derivative computed by SymPy (no index-free form found)" in page
    assert r"w_{1}" in page
