"""Findings of the hostile review of the speed work that were fixed afterwards.

A power with a symbolic exponent guards its base: the Jacobian's own power rule writes
``y*x**(y - 1)``, without the division by ``x`` that used to mark the domain edge, so a
claim wrong just inside the domain was never probed there (and ``z*(x - 1)**y`` by z
never had that edge at all).
"""

from __future__ import annotations

import itertools

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

_keys = itertools.count()


def run(kind: str, argument: str, **options: str):
    return compute(kind, argument, [], dict(options), Settings(),
                   f"f-{next(_keys)}-{argument}-{options}")


SYMBOLIC_EXPONENT = [
    ("x**y", "y", "", "y*x**(y-1)*where(x > 10**-9, 1, 0)"),
    ("x**y", "y", "", "y*x**(y-1)*where(x > 10**-20, 1, 0)"),
    ("(x - 1)**y", "y", "", "y*(x - 1)**(y-1)*where(x > 1.001, 1, 0)"),
    ("(x - 1)**y", "y", "y > 0", "y*(x - 1)**(y-1)*where(x > 1.001, 1, 0)"),
    ("(x - 1)**y", "y", "", "y*(x - 1)**(y-1)*where(x > 1 + 10**-9, 1, 0)"),
    ("(x**2 - 1)**y", "y", "", "2*x*y*(x**2 - 1)**(y-1)*where(x**2 > 1 + 10**-9, 1, 0)"),
    ("(x - y)**z", "y, z", "", "z*(x - y)**(z-1)*where(x - y > 10**-9, 1, 0)"),
]


@pytest.mark.parametrize(("argument", "vars_", "where", "expect"), SYMBOLIC_EXPONENT)
def test_a_claim_wrong_just_inside_a_powers_domain_fails(argument, vars_, where, expect):
    options = {"wrt": "x", "vars": vars_, "expect": expect,
               **({"where": where} if where else {})}
    assert run("derivative", argument, **options).status == "failed"


def test_the_same_edge_by_another_variable_is_probed():
    outcome = run("derivative", "z*(x - 1)**y", wrt="z", vars="x, y",
                  expect="(x - 1)**y*where(x > 1.001, 1, 0)")
    assert outcome.status == "failed"


@pytest.mark.parametrize(("argument", "vars_", "expect"), [
    ("x**y", "y", "y*x**(y-1)"),
    ("(x - 1)**y", "y", "y*(x - 1)**(y - 1)"),
    ("z*(x - 1)**y", "x, y", "(x - 1)**y"),
])
def test_the_right_claims_still_verify(argument, vars_, expect):
    wrt = "z" if argument.startswith("z") else "x"
    assert run("derivative", argument, wrt=wrt, vars=vars_, expect=expect).ok
