"""A real build of chain rules by value and of claims quoted as written
(roots/test-chainvalue): a chain rule at generic sizes shows its factors' verified
index-free values, a factor without one keeps its symbol and the badge names it; a
wrong claim without an index-free form is quoted as the author typed it."""

from __future__ import annotations

import html as markup
import re

import pytest

from ..conftest import shown_type


@pytest.mark.sphinx("html", testroot="chainvalue", freshenv=True)
def test_factors_by_value_and_claims_as_written(app):
    app.build()
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]
    assert len(errors) == 2, errors
    # the entry as typed (SymPy would write 7*y**6)
    assert re.search(r"index\.rst:24: ERROR: \[vcr\.jacobian\] claim does not hold at "
                     r"x=\S+, y=\S+: entry \(2, 2\) is y\*\*6\*7 -> \S+ but the derivative "
                     r"is 8\*y\*\*7 -> \S+" + shown_type("mismatch"), errors[0]), errors[0]
    # quoted whole, and named by the composite's index-free derivative (verified)
    assert re.search(r"index\.rst:32: ERROR: \[vcr\.chain-rule\] claimed A @ B but the "
                     r"derivative is B @ A; claim does not hold at n=", errors[1]), errors[1]
    assert "sphinx-vcr: 2 verified (1 claim), 2 failed, 0 errors" in app.status.getvalue()
    page = markup.unescape((app.outdir / "index.html").read_text(encoding="utf8"))
    assert (r"= \frac{2}{N} \mathbf{v}^{\top} \left(-I_{N}\right) \operatorname{diag}"
            r"\left(\mathbb{1}\left[\mathbf{z} > 0\right]\right) \mathbf{X} = ") in page
    assert "the factors' index-free forms derived, each verified as a claim" in page
    # z = X.T @ w by X has no form: its symbol stays among the values, and it is named
    assert (r"= \mathbf{1}_{n}^{\top} \frac{\partial \mathbf{z}}{\partial \mathbf{X}} = "
            in page)
    assert "no index-free form found for ∂z/∂X" in page
