"""Index notation: ``:index:``, components, entries, rows, sums, builders and delta.

A free index makes a claim a statement for every value of it, checked for every value
at every instantiated size: a claim wrong only where two indices differ (or only where
they are equal) fails, and the hint names the index mix-up. Ranges are inferred from
what an index subscripts; every misuse is a located error. Pure core, no Sphinx.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error, failed_step, verified

VECTORS = {"vars": "w[n], x[n]", "index": "i, j"}
SAMPLES = {"vars": "X[N, n], w[n], y[N]", "index": "i"}


def test_the_dot_product_by_components():
    """DESIGN.md's example: only the term i = j depends on w_j."""
    outcome = verified(derivation(
        "diff(sum(w[i]*x[i], i), w[j])",
        "= sum(diff(w[i]*x[i], w[j]), i)   # only the term i = j depends on w_j",
        "= diff(w[j]*x[j], w[j])", "= x[j]", **VECTORS))
    assert outcome.exact and outcome.claims == 3
    assert "at sizes 1, 2, 3" in outcome.badge


# -- claims wrong only where the indices differ, or only where they agree ---------------

@pytest.mark.parametrize(("first", "wrong", "right"), [
    ("diff(w[i], w[j])", "1", "delta(i, j)"),
    ("diff(w[i]*x[i], w[j])", "x[j]", "delta(i, j)*x[i]"),
    ("diff(w[i]*x[j], w[j])", "x[j]", "delta(i, j)*x[j]"),
    ("diff(w[i]**2, w[j])", "2*w[j]", "2*delta(i, j)*w[i]"),
])
def test_a_claim_wrong_only_where_the_indices_differ_fails_and_says_so(first, wrong, right):
    outcome = failed_step(derivation(first, f"= {wrong}", **VECTORS), 1, 1)
    assert "it holds where i, j are equal but not where they differ: check the indices" in (
        outcome.message)
    # shown where it fails: two different index values
    assert "i=1, j=2" in outcome.message or "i=2, j=1" in outcome.message
    verified(derivation(first, f"= {right}", **VECTORS))


def test_a_claim_wrong_only_where_the_indices_agree_fails():
    # d(w_i w_j)/dw_j is w_i for i != j but 2 w_j for i = j
    failed_step(derivation("diff(w[i]*w[j], w[j])", "= w[i]", **VECTORS), 1, 1)
    verified(derivation("diff(w[i]*w[j], w[j])", "= w[i] + delta(i, j)*w[j]", **VECTORS))


def test_an_expect_claim_wrong_only_where_the_indices_differ_fails():
    options = {"wrt": "w[j]", **VECTORS}
    wrong = check("derivative", "w[i]*x[i]", [], {**options, "expect": "x[j]"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch"), wrong.message
    assert "i=1, j=2" in wrong.message or "i=2, j=1" in wrong.message
    right = check("derivative", "w[i]*x[i]", [], {**options, "expect": "delta(i, j)*x[i]"})
    assert right.ok and right.claims == 1, right.message


def test_every_value_of_a_free_index_is_checked_at_every_size():
    # 1 + 2 + 3 values of j at the sizes 1, 2, 3, with 5 sample points each for the
    # step and 5 where diff() is checked by finite differences
    outcome = verified(derivation("diff(w @ x, w[j])", "= x[j]", vars="w[n], x[n]",
                                  index="j"))
    assert outcome.points == 2 * 5 * (1 + 2 + 3)
    fixed = verified(derivation("diff(w @ x, w[j])", "= x[j]", vars="w[4], x[4]",
                                index="j"))
    assert fixed.points == 2 * 5 * 4


# -- :wrt: by a component ---------------------------------------------------------------

@pytest.mark.parametrize(("body", "options", "right", "wrong"), [
    ("sum(w[i]*x[i], i)", VECTORS, "x[j]", "w[j]"),
    ("w @ x", {"vars": "w[n], x[n]", "index": "j"}, "x[j]", "x[j]**2"),
    ("w @ w", {"vars": "w[n]", "index": "j"}, "2*w[j]", "w[j]"),
    ("w[i]*w[j]", {"vars": "w[n]", "index": "i, j"}, "w[i] + delta(i, j)*w[j]", "w[i]"),
    ("sum(log(1 + exp(X[i, j]*w[j])), i)", {"vars": "X[N, n], w[n]", "index": "i, j"},
     "sum(sigmoid(X[i, j]*w[j])*X[i, j], i)", "sum(sigmoid(X[i, j]*w[j]), i)"),
])
def test_wrt_a_component(body, options, right, wrong):
    for kind in ("derivative", "gradient"):
        ok = check(kind, body, [], {"wrt": "w[j]", **options, "expect": right})
        assert ok.ok and ok.claims == 1 and ok.exact, ok.message
        bad = check(kind, body, [], {"wrt": "w[j]", **options, "expect": wrong})
        assert (bad.status, bad.subtype) == ("failed", "mismatch"), bad.message


def test_wrt_an_entry_of_a_matrix():
    options = {"wrt": "X[i, j]", "vars": "a[m], X[m, n], b[n]", "index": "i, j"}
    right = check("derivative", "a @ X @ b", [], {**options, "expect": "a[i]*b[j]"})
    assert right.ok, right.message
    square = {**options, "vars": "a[n], X[n, n], b[n]", "expect": "a[j]*b[i]"}
    wrong = check("derivative", "a @ X @ b", [], square)
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch"), wrong.message


# -- sums over samples: the rows X[i] ---------------------------------------------------

LOSS = "diff(sum((dot(X[i], w) - y[i])**2, i), w)"


def test_the_loss_gradient_as_a_sum_over_samples_and_in_matrix_form():
    outcome = verified(derivation(
        LOSS, "= sum(2*(dot(X[i], w) - y[i])*X[i].T, i)   # each sample's row",
        "= 2*(X @ w - y).T @ X", **SAMPLES))
    assert outcome.exact and outcome.claims == 2


@pytest.mark.parametrize(("steps", "step", "hint"), [
    (["= sum((dot(X[i], w) - y[i])*X[i].T, i)"], 1, "it is 1/2 times"),
    (["= sum(2*(dot(X[i], w) - y[i])*X[i].T, i)", "= 2*(X @ w + y).T @ X"], 2, ""),
    (["= sum(2*(dot(X[i], w) - y[i])*X[i].T, i)", "= 2*(X @ w - y).T @ X / N"], 2,
     "it holds at N=1"),
])
def test_wrong_steps_of_the_loss_gradient_fail(steps, step, hint):
    outcome = failed_step(derivation(LOSS, *steps, **SAMPLES), step, step)
    assert hint in outcome.message


def test_a_transposed_matrix_form_is_a_located_error():
    outcome = derivation(LOSS, "= sum(2*(dot(X[i], w) - y[i])*X[i].T, i)",
                         "= 2*(X @ w - y).T @ X.T", **SAMPLES)
    error(outcome, "shape", "@ cannot multiply", line=2)


def test_the_mean_loss_gradient_by_expect():
    options = {"wrt": "w[n]", "vars": "X[N, n], y[N]", "index": "i"}
    body = "sum((dot(X[i], w) - y[i])**2, i) / N"
    right = check("gradient", body, [], {**options, "expect": "2/N*(X @ w - y).T @ X"})
    assert right.ok and right.exact, right.message
    # n for N: the sizes differ in every instantiation, so this cannot pass
    wrong = check("gradient", body, [], {**options, "expect": "2/n*(X @ w - y).T @ X"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch")


@pytest.mark.parametrize(("first", "right", "wrong"), [
    ("sum(X[i] * y[i], i)", "X.T @ y", "2 * X.T @ y"),
    ("sum(X[i], i)", "X.T @ ones(N)", "X.T @ ones(N) / N"),
    ("sum(X[i] @ X[i].T, i)", "X.T @ X", "X @ X.T"),
])
def test_rows_are_the_samples(first, right, wrong):
    verified(derivation(first, f"= {right}", **SAMPLES))
    outcome = derivation(first, f"= {wrong}", **SAMPLES)
    assert outcome.status in ("failed", "error") and outcome.line == 1, outcome.message


# -- builders and delta ----------------------------------------------------------------

@pytest.mark.parametrize(("first", "right", "wrong", "options"), [
    ("vector(x[i]**2, i)", "x*x", "2*x", {"vars": "x[n]", "index": "i"}),
    ("vector(sum(X[i, j]*w[j], j), i)", "X @ w", "X.T @ w",
     {"vars": "X[n, n], w[n]", "index": "i, j"}),
    ("vector(sum(X[i, j]*w[j], j), i)", "X @ w", "X @ w + w",
     {"vars": "X[N, n], w[n]", "index": "i, j"}),
    ("row(x[j], j)", "x.T", "x", {"vars": "x[n]", "index": "j"}),
    ("row(X[i, j], j)", "X[i].T", "X[i]", {"vars": "X[n, m]", "index": "i, j"}),
    ("matrix(A[j, i], i, j)", "A.T", "A", {"vars": "A[n, n]", "index": "i, j"}),
    ("matrix(A[i, j], i, j)", "A", "A.T", {"vars": "A[m, n]", "index": "i, j"}),
    ("matrix(x[i]*y[j], i, j)", "x @ y.T", "y @ x.T", {"vars": "x[n], y[n]",
                                                      "index": "i, j"}),
    ("matrix(delta(i, j)*x[i]*x[j], i, j)", "diag(x**2)", "x @ x.T",
     {"vars": "x[n]", "index": "i, j"}),
    ("sum(delta(i, j)*x[i], i)", "x[j]", "sum(x) + 0*x[j]", {"vars": "x[n]", "index": "i, j"}),
    ("sum(X[i, j]*delta(i, j), i)", "X[j, j]", "X[j, 1]",
     {"vars": "X[n, n]", "index": "i, j"}),
])
def test_builders_and_delta(first, right, wrong, options):
    verified(derivation(first, f"= {right}", **options))
    outcome = derivation(first, f"= {wrong}", **options)
    assert outcome.status in ("failed", "error") and outcome.line == 1, outcome.message


def test_a_builder_takes_scalar_entries():
    error(derivation("vector(X[i], i)", "= X", vars="X[n, n]", index="i"), "shape",
          "vector() builds an array from scalar entries", line=0)


def test_indices_render_as_subscripts_sums_and_deltas():
    math = verified(derivation("sum(X[i, j]*delta(i, j), i)", "= X[j, j]",
                               vars="X[n, n]", index="i, j")).math[0]
    assert r"\sum_{i} X_{ij} \delta_{ij} &= X_{jj}" in math
    built = verified(derivation("vector(x[i]**2, i)", "= x*x", vars="x[n]",
                                index="i")).math[0]
    assert r"\left[x_{i}^{2}\right]_{i}" in built


# -- every misuse is a located error ----------------------------------------------------

@pytest.mark.parametrize(("lines", "options", "subtype", "words", "line", "option"), [
    # an index that is not declared
    (["sum(x[i], i)", "= sum(x[k])"], {"vars": "x[n]", "index": "i"}, "parse",
     ["k in x[k] is not an index: declare it in :index:"], 1, None),
    (["sum(x[k], k)", "= sum(x)"], {"vars": "x[n]", "index": "i"}, "parse",
     ["sum() runs over indices declared in :index:"], 0, None),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]"}, "parse",
     ["sum() runs over indices declared in :index:"], 0, None),
    (["x[i]", "= x[i]"], {"vars": "x[n]"}, "parse",
     ["i in x[i] is not an index: declare it in :index:"], 0, None),
    (["delta(i, k)*x[i]", "= x[i]"], {"vars": "x[n]", "index": "i"}, "parse",
     ["delta(i, j) takes two indices declared in :index:"], 0, None),
    (["delta(i, 1)*x[i]", "= x[i]"], {"vars": "x[n]", "index": "i"}, "parse",
     ["delta(i, j) takes two indices"], 0, None),
    # an index used as a number
    (["sum(x[i], i) * i", "= sum(x)"], {"vars": "x[n]", "index": "i"}, "parse",
     ["index i is used as a number"], 0, None),
    (["sum(x[i]**i, i)", "= sum(x)"], {"vars": "x[n]", "index": "i"}, "parse",
     ["index i is used as a number"], 0, None),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "i", "where": "i > 1"},
     "parse", ["index i is used as a number"], None, "where"),
    (["sum(x[i], i)", "= exp(i)"], {"vars": "x[n]", "index": "i"}, "parse",
     ["index i is used as a number"], 1, None),
    # an ambiguous range
    (["sum(x[i]*y[i], i)", "= dot(x, y)"], {"vars": "x[n], y[m]", "index": "i"}, "shape",
     ["index i runs over n in x but over m in y: use a different index for each"], None,
     "index"),
    (["sum(X[i, i], i)", "= sum(diag(X))"], {"vars": "X[N, n]", "index": "i"}, "shape",
     ["index i runs over N in the rows of X but over n in the columns of X"], None,
     "index"),
    (["vector(sum(X[j, i]*w[j], j), i)", "= X @ w"],
     {"vars": "X[N, n], w[n]", "index": "i, j"}, "shape",
     ["index j runs over N in the rows of X but over n in w"], None, "index"),
    # an unused index, or one that subscripts nothing
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "i, j"}, "parse",
     ["index j is declared in :index: but not used"], None, "index"),
    (["matrix(delta(i, j), i, j)", "= eye(n)"], {"vars": "x[n]", "index": "i, j"},
     "parse", ["cannot tell what index i runs over: it subscripts nothing"], None, "index"),
    # shadowing: a free index run over, an index bound twice
    (["diff(sum(w[j]*x[j], j), w[j])", "= x[j]"], VECTORS | {"index": "j"}, "parse",
     ["index j is free in this directive", "cannot also be run over by sum()"], 0, None),
    (["sum(sum(X[i, i], i), i)", "= 0"], {"vars": "X[n, n]", "index": "i"}, "parse",
     ["index i is already in use here: use another index for the inner sum()"], 0, None),
    (["matrix(x[i], i, i)", "= 0"], {"vars": "x[n]", "index": "i"}, "parse",
     ["index i is already in use here"], 0, None),
    # subscripts of what is not an array, or too many
    (["x[i]", "= x[i]"], {"vars": "x", "index": "i"}, "shape",
     ["x[i] subscripts x, which is not declared as a vector or matrix"], 0, None),
    (["z[i]", "= z[i]"], {"vars": "x[n]", "index": "i"}, "shape",
     ["z[i] subscripts z, which is not declared"], 0, None),
    (["sum(x[i, i], i)", "= sum(x)"], {"vars": "x[n]", "index": "i"}, "shape",
     ["x[i, i] has two indices, but x is a vector: write x[i]"], 0, None),
    (["sum(x[i], i)", "= x[1]"], {"vars": "x[n]", "index": "i"}, "parse",
     ["a subscript is an index declared in :index:", "g1, g2"], 1, None),
    (["sum(x[i], i)", "= x[1:2]"], {"vars": "x[n]", "index": "i"}, "parse",
     ["a subscript is an index"], 1, None),
    (["sum(x[i], i)", "= (2*x)[i]"], {"vars": "x[n]", "index": "i"}, "parse",
     ["a subscript is an index declared in :index: on a declared name"], 1, None),
    # index names that clash
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n], i", "index": "i"}, "parse",
     ["'i' in :index: is also a size or a variable"], None, "index"),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "i, i"}, "parse",
     ["a name is listed twice in :index:"], None, "index"),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "i", "functions": "i"},
     "parse", ["'i' is both an index and a function"], None, "index"),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "sum"}, "parse",
     ["'sum' is a function or constant of the language"], None, "index"),
    (["sum(x[i], i)", "= sum(x)"], {"vars": "x[n]", "index": "2i"}, "parse",
     ["'2i' is not a valid name"], None, "index"),
])
def test_misused_indices_are_located_errors(lines, options, subtype, words, line, option):
    error(derivation(*lines, **options), subtype, *words, line=line, option=option)


@pytest.mark.parametrize(("options", "words"), [
    ({"wrt": "w[j]", "vars": "x", "index": "j"}, ["so w must be declared in :vars: as a "
                                                  "vector", ":vars: w[n]"]),
    ({"wrt": "w[j]", "index": "j"}, [":wrt: w[j] differentiates by a component"]),
    ({"wrt": "w[j]", "vars": "w", "index": "j"}, ["w must be declared in :vars:"]),
    ({"wrt": "w[j]", "vars": "w[n, n]", "index": "j"}, ["or a matrix, for w[i, j]"]),
    ({"wrt": "w[i, j]", "vars": "w[n]", "index": "i, j"}, ["w must be declared"]),
])
def test_an_index_in_wrt_needs_a_vector_of_vars(options, words):
    outcome = check("derivative", "w[j]*x", [], {**options, "expect": "x"})
    error(outcome, "shape", *words, option="wrt")


def test_an_index_in_expect_is_located_at_the_option():
    options = {"wrt": "w[j]", **VECTORS}
    error(check("derivative", "sum(w[i]*x[i], i)", [], {**options, "expect": "x[k]"}),
          "parse", "k in x[k] is not an index", option="expect")
    error(check("derivative", "sum(w[i]*x[i], i)", [], {**options, "expect": "j"}),
          "parse", "index j is used as a number", option="expect")
