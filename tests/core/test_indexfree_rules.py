"""The index-free engine, rule by rule: each derived form is the one a person writes,
and it equals SymPy's per-entry derivative at sizes 1, 2, 3 (and all sizes largest).

``derived`` (from :mod:`.indexfree_check`) asserts that the form re-parses to its own
tree and verifies; the exact text then pins the simplification. The wrong twins show
that the check itself would catch the usual mistakes, which often hold at size 1 or for
symmetric matrices.
"""

from __future__ import annotations

import pytest

from .indexfree_check import derived, holds

# (expression, :wrt:, :vars:, layout, the derived form)
RULES = [
    # acceptance examples of issue 14
    ("x.T @ A @ x", "x[n]", "A[n, n]", "numerator", "x.T @ (A + A.T)"),
    ("1/N * norm(X @ w - y)**2", "w[n]", "X[N, n], y[N]", "numerator",
     "2/N * (X @ w - y).T @ X"),
    ("sigmoid(z)", "z[n]", "", "numerator", "diag(sigmoid(z) * (1 - sigmoid(z)))"),
    # layouts
    ("x.T @ A @ x", "x[n]", "A[n, n]", "denominator", "(A + A.T) @ x"),
    ("a.T @ x", "x[n]", "a[n]", "numerator", "a.T"),
    ("a.T @ x", "x[n]", "a[n]", "denominator", "a"),
    ("A @ x", "x[n]", "A[m, n]", "numerator", "A"),
    ("A @ x", "x[n]", "A[m, n]", "denominator", "A.T"),
    # sums, scalars, broadcasting, like terms
    ("x.T @ x", "x[n]", "", "numerator", "2 * x.T"),
    ("3 * (a.T @ x) - a.T @ x", "x[n]", "a[n]", "denominator", "2 * a"),
    ("A @ x - b", "x[n]", "A[m, n], b[m]", "numerator", "A"),
    ("x + 1", "x[n]", "", "numerator", "eye(n)"),
    ("c * x", "x[n]", "", "numerator", "c * eye(n)"),
    ("x / c", "x[n]", "", "numerator", "eye(n) / c"),
    # scalar variables
    ("log(x**2)", "x", "", "numerator", "2/x"),
    ("3*x**2*y", "x, y", "", "numerator", "[[6 * x * y, 3 * x**2]]"),
    ("3*x**2*y", "x, y", "", "denominator", "[6 * x * y, 3 * x**2]"),
    ("x * v", "x", "v[n]", "numerator", "v"),
    ("x * v", "x", "v[n]", "denominator", "v.T"),
    ("x * M", "x", "M[m, n]", "numerator", "M"),
    # element-wise functions
    ("w * x", "w[n]", "x[n]", "numerator", "diag(x)"),
    ("exp(x)", "x[n]", "", "numerator", "diag(exp(x))"),
    ("tanh(W @ x + b)", "x[n]", "W[m, n], b[m]", "numerator",
     "diag(1 - tanh(W @ x + b)**2) @ W"),
    ("sum(sigmoid(z))", "z[n]", "", "denominator", "sigmoid(z) * (1 - sigmoid(z))"),
    ("mean(exp(x))", "x[n]", "", "denominator", "exp(x) / n"),
    ("sin(x) * cos(x)", "x", "", "numerator", "cos(x)**2 - sin(x)**2"),
    # kinks: where(), relu, abs, max
    ("relu(z)", "z[n]", "", "numerator", "diag(where(z > 0, 1, 0))"),
    ("max(0, z)", "z[n]", "", "numerator", "diag(where(z > 0, 1, 0))"),
    ("abs(x)", "x[n]", "", "numerator", "diag(where(x > 0, 1, -1))"),
    ("relu(w @ x + b)", "w[n], b", "x[n]", "numerator",
     "[[where(w @ x + b > 0, 1, 0) * x.T, where(w @ x + b > 0, 1, 0)]]"),
    # reductions and norms
    ("sum(x)", "x[n]", "", "numerator", "ones(n).T"),
    ("dot(a, x)", "x[n]", "a[n]", "denominator", "a"),
    ("norm(x)", "x[n]", "", "numerator", "x.T / norm(x)"),
    ("norm(x)**2", "x[n]", "", "denominator", "2 * x"),
    ("x / norm(x)", "x[n]", "", "numerator", "(eye(n) - x @ x.T / norm(x)**2) / norm(x)"),
    # diag of the variable
    ("y.T @ diag(x) @ y", "x[n]", "y[n]", "denominator", "y * y"),
    # scalar by matrix
    ("a.T @ X @ b", "X[m, n]", "a[m], b[n]", "denominator", "a @ b.T"),
    ("a.T @ X @ b", "X[m, n]", "a[m], b[n]", "numerator", "b @ a.T"),
    ("u.T @ tanh(W @ x)", "W[m, n]", "u[m], x[n]", "denominator",
     "(1 - tanh(W @ x)**2) * u @ x.T"),
    ("norm(X)**2", "X[m, n]", "", "denominator", "2 * X"),
    ("sum(X * A)", "X[m, n]", "A[m, n]", "denominator", "A"),
    ("1/N * norm(X @ W - Y)**2", "W[n, k]", "X[N, n], Y[N, k]", "denominator",
     "2/N * X.T @ (X @ W - Y)"),
    # Matrix Cookbook: traces, determinants, inverses (new functions, built as calls)
    ("trace(X)", "X[n, n]", "", "denominator", "eye(n)"),
    ("trace(A @ X)", "X[m, n]", "A[n, m]", "denominator", "A.T"),
    ("trace(X.T @ A)", "X[m, n]", "A[m, n]", "denominator", "A"),
    ("trace(X @ X.T)", "X[m, n]", "", "denominator", "2 * X"),
    ("trace(X.T @ A @ X)", "X[n, n]", "A[n, n]", "denominator", "(A + A.T) @ X"),
    ("det(X)", "X[n, n]", "", "denominator", "det(X) * inv(X).T"),
    ("logdet(X)", "X[n, n]", "", "denominator", "inv(X).T"),
    ("a.T @ inv(X) @ b", "X[n, n]", "a[n], b[n]", "denominator",
     "-inv(X).T @ a @ b.T @ inv(X).T"),
    ("trace(inv(X) @ A)", "X[n, n]", "A[n, n]", "denominator",
     "-inv(X).T @ A.T @ inv(X).T"),
    ("softmax(z)", "z[n]", "", "numerator", "diag(softmax(z)) - softmax(z) @ softmax(z).T"),
    ("logsumexp(z) - y.T @ z", "z[n]", "y[n]", "denominator", "softmax(z) - y"),
    ("outer(x, a) @ b", "x[n]", "a[n], b[n]", "numerator", "a.T @ b * eye(n)"),
    # arrays by a matrix: d vec(F) / d vec(X), column-stacking
    ("X @ w", "X[m, n]", "w[n]", "numerator", "kron(w.T, eye(m))"),
    ("w.T @ X", "X[m, n]", "w[m]", "numerator", "kron(eye(n), w.T)"),
    ("A @ X @ B", "X[m, n]", "A[k, m], B[n, l]", "numerator", "kron(B.T, A)"),
    ("A @ X", "X[m, n]", "A[k, m]", "denominator", "kron(eye(n), A.T)"),
    ("2 * X - X @ B", "X[m, n]", "B[n, n]", "numerator", "2 * eye(m * n) - kron(B.T, eye(m))"),
]


@pytest.mark.parametrize(("expr", "wrt", "params", "layout", "form"), RULES,
                         ids=[f"{r[0]} by {r[1]} {r[3][:3]}" for r in RULES])
def test_rule_gives_the_form_a_person_writes_and_it_verifies(expr, wrt, params, layout,
                                                               form):
    positive = "log" in expr
    assert derived(expr, wrt, params, layout, positive) == form


# (wrong claim, expression, :wrt:, :vars:, layout): each holds somewhere (size 1, a
# symmetric matrix) and must still be rejected.
WRONG = [
    ("x.T @ A", "x.T @ A @ x", "x[n]", "A[n, n]", "numerator"),           # A, not A + A.T
    ("2 * x.T @ A", "x.T @ A @ x", "x[n]", "A[n, n]", "numerator"),       # symmetric only
    ("(A + A.T) @ x", "x.T @ A @ x", "x[n]", "A[n, n]", "numerator"),     # the other layout
    ("1/N * (X @ w - y).T @ X", "1/N * norm(X @ w - y)**2", "w[n]", "X[N, n], y[N]",
     "numerator"),                                                       # a factor 2
    ("2/N * (X @ w - y).T @ X", "1/N * norm(X @ w - y)**2", "w[n]", "X[N, n], y[N]",
     "denominator"),                                                     # the layout
    ("det(X) * inv(X)", "det(X)", "X[n, n]", "", "denominator"),          # inv(X), not .T
    ("inv(X)", "logdet(X)", "X[n, n]", "", "denominator"),
    ("a @ b.T", "a.T @ X @ b", "X[m, n]", "a[m], b[n]", "numerator"),     # a transpose
    ("A", "trace(A @ X)", "X[n, n]", "A[n, n]", "denominator"),          # a transpose
    ("sigmoid(z) * (1 - sigmoid(z))", "sum(sigmoid(z))", "z[n]", "", "numerator"),
    ("diag(sigmoid(z))", "sigmoid(z)", "z[n]", "", "numerator"),
    ("diag(where(x > 0, 1, 0))", "abs(x)", "x[n]", "", "numerator"),
]


@pytest.mark.parametrize(("claim", "expr", "wrt", "params", "layout"), WRONG,
                         ids=[f"{w[0]} for {w[1]}" for w in WRONG])
def test_the_check_rejects_the_wrong_twins(claim, expr, wrt, params, layout):
    assert not holds(claim, expr, wrt, params, layout)


def test_wrong_twin_that_holds_at_size_one_is_still_rejected():
    # At n = 1, A + A.T is 2 * A: the wrong symmetric form is only visible from n = 2.
    assert holds("2 * x.T @ A", "x.T @ A @ x", "x[n]", "A[n, n]", sizes=(1,))
    assert not holds("2 * x.T @ A", "x.T @ A @ x", "x[n]", "A[n, n]")


@pytest.mark.parametrize(("expr", "wrt", "params"), [
    ("X.T @ w", "X[m, n]", "w[m]"),      # needs the commutation matrix
    ("X * X", "X[m, n]", ""),            # an entry-wise product by a matrix
    ("f(x)", "x", ""),                   # abstract functions are not the engine's
    ("[x**2, 3*x]", "x", ""),             # an array literal that depends on x
    ("x1 + g1", "x", "g[2]"),             # a component of a vector is not a scalar
])
def test_forms_outside_the_rules_give_none_not_a_guess(expr, wrt, params):
    from sphinx_vcr.core.calculus.indexfree import derive
    from sphinx_vcr.core.language.parse import parse_declarations, parse_expression

    tree = (parse_expression(expr, functions=frozenset({"f"})))
    decls = parse_declarations(wrt, "wrt")
    others = parse_declarations(params, "vars") if params else ()
    assert derive(tree, decls, others) is None


def test_definitions_are_inlined_before_deriving():
    # A chain-rule body: z = w @ x + b, a = max(0, z), differentiated by w and b.
    from sphinx_vcr.core.calculus.indexfree import derive, to_text
    from sphinx_vcr.core.language.parse import parse_declarations, parse_expression

    definitions = {"z": parse_expression("w @ x + b")}
    result = derive(parse_expression("max(0, z)"), parse_declarations("w[n], b", "wrt"),
                    parse_declarations("x[n]", "vars"), definitions=definitions)
    assert result is not None
    assert to_text(result) == "[[where(w @ x + b > 0, 1, 0) * x.T, where(w @ x + b > 0, 1, 0)]]"
    assert holds(to_text(result), "max(0, w @ x + b)", "w[n], b", "x[n]")


def test_let_names_are_reused_in_the_result():
    from sphinx_vcr.core.calculus.indexfree import derive, to_text
    from sphinx_vcr.core.language.parse import parse_declarations, parse_expression

    definitions = {"z": parse_expression("w @ x + b"), "r": parse_expression("X @ w - y")}
    wrt, params = parse_declarations("w[n]", "wrt"), parse_declarations(
        "x[n], X[N, n], y[N]", "vars")
    relu = derive(parse_expression("max(0, z)"), wrt, params, definitions=definitions,
                  reuse_names=True)
    assert relu is not None and to_text(relu) == "where(z > 0, 1, 0) * x.T"
    loss = derive(parse_expression("1/N * norm(r)**2"), wrt, params,
                  definitions=definitions, reuse_names=True)
    assert loss is not None and to_text(loss) == "2/N * r.T @ X"



def test_a_tree_that_doubles_with_each_definition_is_no_form():
    """Definitions that reuse the one before double the inlined tree each line; the
    engine walks trees, so past MAX_INLINED nodes it gives no form (eleven squarings
    took 10 s to derive), while a short chain still has its form."""
    from sphinx_vcr.core.calculus.indexfree.derive import MAX_INLINED, derive, inline
    from sphinx_vcr.core.calculus.indexfree.shape import Shapes, Unsupported
    from sphinx_vcr.core.language.parse import parse_expression
    from sphinx_vcr.core.language.syntax import Declaration

    def chain(count: int) -> dict:
        lines = {"a0": parse_expression("x * v")}
        for k in range(1, count + 1):
            lines[f"a{k}"] = parse_expression(f"a{k - 1} * a{k - 1}")
        return lines

    wrt, params = [Declaration("x", ())], [Declaration("v", ("n",))]
    assert derive(parse_expression("sum(a2)"), wrt, params, definitions=chain(2)) \
        is not None
    assert derive(parse_expression("sum(a12)"), wrt, params, definitions=chain(12)) is None
    with pytest.raises(Unsupported, match="too large"):
        inline(parse_expression("sum(a12)"), chain(12), Shapes([*wrt, *params]))
    assert MAX_INLINED < 2 ** 12
