"""The corpus of published-style identities (:mod:`.indexfree_corpus`): every form the
engine derives verifies at sizes 1-3, and at least 90% of the vector and matrix
derivatives come out index-free (issue 14, item 5); the ones not handled are listed, so
that a change of coverage shows here."""

from __future__ import annotations

import pytest

from sphinx_vcr.core.calculus.indexfree import derive

from .indexfree_check import declarations, derived, parse
from .indexfree_corpus import CORPUS

NOT_HANDLED = ["transposed matrix times a vector, by the matrix"]


@pytest.mark.parametrize("entry", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_derived_form_of_the_corpus_verifies(entry):
    name, expr, wrt, params, layout, _kind = entry
    form = derived(expr, wrt, params, layout, positive="log" in expr)
    assert (form is None) == (name in NOT_HANDLED)


def test_coverage_of_vector_and_matrix_derivatives():
    counted = [c for c in CORPUS if c[5] != "scalar"]
    missing = [name for name, expr, wrt, params, layout, _kind in counted
               if derive(parse(expr), declarations(wrt, "wrt"), declarations(params, "vars"),
                         layout) is None]
    assert len(counted) >= 60
    assert missing == NOT_HANDLED
    assert 1 - len(missing) / len(counted) >= 0.9
