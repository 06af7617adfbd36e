"""The region settles the pieces it decides in a derived form (indexfree/region.py):
under ``:where: z > 0`` relu's derivative is 1, not ``where(z > 0, 1, 0)``; what the
region leaves open stays a piece. Each form is verified by the pipeline as a claim."""

from __future__ import annotations

import pytest

from sphinx_vcr.core.calculus.indexfree import derive, to_text
from sphinx_vcr.core.language.parse import (
    parse_conditions,
    parse_declarations,
    parse_expression,
)
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def _derived(expr, wrt, where, params="", definitions=None):
    conditions = parse_conditions(where) if where else ()
    tree = derive(parse_expression(expr), parse_declarations(wrt, "wrt"),
                  parse_declarations(params, "vars") if params else (),
                  definitions=definitions, region=tuple(conditions))
    return None if tree is None else to_text(tree)


@pytest.mark.parametrize("expr, wrt, where, params, form", [
    ("sum(relu(z))", "z[n]", "z > 0", "", "ones(n).T"),
    ("sum(relu(z))", "z[n]", "0 < z", "", "ones(n).T"),
    ("relu(z)**2", "z", "z < 0", "", "0"),
    ("relu(z)", "z[n]", "z > 0", "", "eye(n)"),
    ("abs(z)", "z[n]", "z < 0", "", "-eye(n)"),
    ("sum(max(z, 1))", "z[n]", "z > 1", "", "ones(n).T"),
    ("norm(relu(W @ x))**2", "x[n]", "W @ x > 0", "W[m, n]", "2 * x.T @ W.T @ W"),
])
def test_the_region_settles_the_piece(expr, wrt, where, params, form):
    assert _derived(expr, wrt, where, params) == form
    kind = "derivative" if "[" not in wrt else "jacobian" if expr.startswith(
        ("relu", "abs")) else "gradient"
    options = {"wrt": wrt, "where": where, "expect": form, **({"vars": params} if params
                                                             else {})}
    out = compute(kind, expr, [], options, Settings(), f"region|{expr}|{where}")
    assert out.status == "verified", out.message


@pytest.mark.parametrize("expr, wrt, where", [
    ("sum(relu(z))", "z[n]", "z > 1"),        # a different tree: left to the points
    ("sum(relu(z))", "z[n]", "z < 1"),
    ("relu(z)", "z", "y > 0"),
    ("sum(relu(z))", "z[n]", "z >= 0"),      # relu'(0) is 0: z > 0 is not settled
])
def test_what_the_region_leaves_open_stays_a_piece(expr, wrt, where):
    form = _derived(expr, wrt, where, "y" if "y" in where else "")
    assert form is not None and "where(" in form


def test_region_conditions_use_let_names():
    definitions = {"z": parse_expression("W @ x + b")}
    form = _derived("sum(relu(z))", "x[n]", "z > 0", "W[m, n], b[m]", definitions)
    assert form == "ones(m).T @ W"


@pytest.mark.parametrize("kind, argument, options, shown", [
    ("derivative", "relu(z)", {"wrt": "z", "where": "z > 0"}, "= 1"),
    ("jacobian", "relu(z)", {"wrt": "z[n]", "where": "z > 0"}, "= I_{n}"),
    ("gradient", "norm(a)**2", {"wrt": "x[n]", "vars": "W[m, n]",
                                "let": "a = relu(W @ x)", "where": "W @ x > 0"},
     r"= 2 \mathbf{x}^{\top} \mathbf{W}^{\top} \mathbf{W}"),
])
def test_a_directive_without_claim_shows_the_settled_form(kind, argument, options, shown):
    out = compute(kind, argument, [], dict(options), Settings(), f"region|{argument}")
    assert out.status == "verified", out.message
    assert out.math and shown in out.math[0]
    assert "derived" in out.badge
