"""Property tests: whenever the index-free engine returns a form, it is the derivative.

Random well-shaped trees (vectors, matrices, quadratic forms, traces, element-wise
functions, sums and products) are differentiated by a vector and by a matrix, in both
layouts; every form the engine returns must equal SymPy's per-entry derivative at sizes
1, 2 and 3 with unstructured values, and be already simplified.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.calculus.indexfree import derive, to_text
from sphinx_vcr.core.calculus.indexfree.algebra import Algebra
from sphinx_vcr.core.calculus.indexfree.shape import Shapes
from sphinx_vcr.core.calculus.indexfree.simplify import simplify
from sphinx_vcr.core.language.parse import parse_declarations

from .indexfree_check import mismatch, parse

FUNCTIONS = ["exp", "sin", "tanh", "sigmoid"]


def trees(matrices: list[str], depth: int = 3):
    """Strategies for vector, scalar and matrix texts over x, y and the ``matrices``,
    nested at most ``depth`` deep (deeper trees only make the reference slow)."""
    vector = st.sampled_from(["x", "y"])
    matrix = st.sampled_from(matrices)
    scalar = st.sampled_from(["c", "2"])
    for _level in range(depth):
        vector, matrix, scalar = (
            st.one_of(
                vector,
                st.builds("({} @ {})".format, matrix, vector),
                st.builds("({} + {})".format, vector, vector),
                st.builds("({} - {})".format, vector, vector),
                st.builds("({} * {})".format, scalar, vector),
                st.builds("({} * {})".format, vector, vector),
                st.builds("{}({})".format, st.sampled_from(FUNCTIONS), vector)),
            st.one_of(
                matrix,
                st.builds("{}.T".format, matrix),
                st.builds("({} @ {})".format, matrix, matrix),
                st.builds("({} + {})".format, matrix, matrix),
                st.builds("({} * {})".format, st.sampled_from(["2", "c"]), matrix)),
            st.one_of(
                scalar,
                st.builds("({}.T @ {})".format, vector, vector),
                st.builds("({}.T @ {} @ {})".format, vector, matrix, vector),
                st.builds("sum({})".format, vector),
                st.builds("trace({})".format, matrix),
                st.builds("norm({})**2".format, vector),
                st.builds("({} * {})".format, scalar, scalar),
                st.builds("({} + {})".format, scalar, scalar),
                st.builds("{}({})".format, st.sampled_from(FUNCTIONS), scalar)))
    return vector, scalar, matrix


VECTOR, SCALAR, _ = trees(["A", "B"])
_, MATRIX_SCALAR, _ = trees(["A", "X", "X.T"])
LAYOUTS = st.sampled_from(["numerator", "denominator"])
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(text: str, wrt: str, params: str, layout: str) -> None:
    tree = parse(text)
    decls, others = parse_declarations(wrt, "wrt"), parse_declarations(params, "vars")
    result = derive(tree, decls, others, layout)
    if result is None:
        return
    why = mismatch(result, tree, decls, others, layout)
    assert why is None, f"d({text})/d({wrt}) = {to_text(result)} is wrong {why}"
    alg = Algebra(Shapes([*decls, *others]))
    assert simplify(result, alg) == result, "the returned form is not simplified"


@given(SCALAR, LAYOUTS)
@SETTINGS
def test_scalar_by_vector(text, layout):
    _check(text, "x[n]", "y[n], A[n, n], B[n, n]", layout)


@given(VECTOR, LAYOUTS)
@SETTINGS
def test_vector_by_vector(text, layout):
    _check(text, "x[n]", "y[n], A[n, n], B[n, n]", layout)


@given(MATRIX_SCALAR, LAYOUTS)
@SETTINGS
def test_scalar_by_matrix(text, layout):
    _check(text, "X[n, n]", "x[n], y[n], A[n, n]", layout)


# Ill-shaped and odd inputs too: the engine answers with a form or None, never raises.
PIECES = st.sampled_from(["x", "y", "A", "X", "c", "2", "n", "x.T", "A.T", "ones(n)",
                          "eye(n)", "zeros(n, n)", "[x, y]", "[[c, 1]]", "pi", "0"])
ODD = st.recursive(PIECES, lambda inner: st.one_of(
    st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*", "/", "@", "**"]),
              inner),
    st.builds("{}({})".format, st.sampled_from(
        ["exp", "log", "sqrt", "abs", "relu", "sum", "mean", "norm", "diag", "trace",
         "det", "inv", "logdet", "softmax", "logsumexp", "vec"]), inner),
    st.builds("{}({}, {})".format, st.sampled_from(["max", "min", "dot", "outer", "kron"]),
              inner, inner),
    st.builds("where({} > 0, {}, {})".format, inner, inner, inner),
    st.builds("-{}".format, inner)), max_leaves=8)


@given(ODD, st.sampled_from(["x[n]", "X[n, n]", "c", "x[n], c"]), LAYOUTS)
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
def test_the_engine_never_raises(text, wrt, layout):
    decls = parse_declarations(wrt, "wrt")
    params = [d for d in parse_declarations("x[n], y[n], A[n, n], X[n, n], c", "vars")
              if d.name not in {w.name for w in decls}]
    result = derive(parse(text), decls, params, layout)
    assert result is None or parse(to_text(result)) == result
