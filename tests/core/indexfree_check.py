"""Verification of the index-free engine's forms, for its tests and its benchmark.

A derived tree is evaluated with the language's own evaluator
(:mod:`sphinx_vcr.core.calculus.evaluate`) at every instantiation of the sizes that a
claim must survive (1, 2, 3 and all sizes largest), and compared with SymPy's derivative
of the original, entry by entry: exactly (expanded to zero) for polynomial entries, and
otherwise at random points with 40 significant digits, where a wrong form is off by far
more than rounding. The matrix functions that the evaluator does not know yet (trace,
det, inv, ...) are evaluated here, so that their rules can be checked before they land.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from fractions import Fraction

import sympy
from sympy.matrices import kronecker_product

from sphinx_vcr.core.calculus.differentiate import jacobian, real_diff
from sphinx_vcr.core.calculus.evaluate import Scope, Value, evaluate
from sphinx_vcr.core.calculus.indexfree import derive, to_text
from sphinx_vcr.core.calculus.indexfree.shape import is_vector
from sphinx_vcr.core.calculus.instance import variable
from sphinx_vcr.core.language.parse import FUNCTIONS, parse_declarations, parse_expression
from sphinx_vcr.core.language.problem import Problem, size_assignments
from sphinx_vcr.core.language.syntax import Apply, Call, Declaration, Expr, FunctionRef, Name

SIZES = (1, 2, 3)
DIGITS = 40
POINTS = 3


def _new_function(func: str, args: list[Value]) -> Value:
    """The functions of issue 13 that the evaluator may not know yet."""
    first = args[0]
    data = first.data
    if func in ("trace", "tr"):
        return Value((), data.trace())
    if func == "det":
        return Value((), data.det())
    if func == "logdet":
        return Value((), sympy.log(sympy.Abs(data.det())))
    if func == "inv":
        return Value(first.shape, data.inv())
    if func == "vec":
        rows, cols = first.shape
        return Value((rows * cols, sympy.Integer(1)), data.T.reshape(1, data.rows * data.cols).T)
    if func == "kron":
        second = args[1]
        shape = (first.shape[0] * second.shape[0], first.shape[1] * second.shape[1])
        return Value(shape, kronecker_product(data, second.data))
    if func == "outer":
        second = args[1]
        return Value((first.shape[0], second.shape[0]), data * second.data.T)
    exps = data.applyfunc(sympy.exp)
    total = sum(exps)
    if func == "softmax":
        return Value(first.shape, exps / total)
    if func == "logsumexp":
        return Value((), sympy.log(total))
    raise KeyError(func)


NEW = ("trace", "tr", "det", "logdet", "inv", "vec", "kron", "outer", "softmax", "logsumexp")


def evaluate_tree(node: Expr, scope: Scope) -> Value:
    """``evaluate``, with the new functions computed here until the evaluator has them."""
    counter = itertools.count()

    def lower(n: Expr) -> Expr:
        fields = {}
        for f in dataclasses.fields(n):
            value = getattr(n, f.name)
            if isinstance(value, tuple) and value and not isinstance(value[0], str):
                value = tuple(lower(v) for v in value)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                value = lower(value)
            fields[f.name] = value
        n = dataclasses.replace(n, **fields)
        if isinstance(n, Call) and n.func in NEW and n.func not in FUNCTIONS:
            name = f"zqnew{next(counter)}"
            scope.values[name] = _new_function(n.func, [evaluate(a, scope) for a in n.args])
            return Name(name)
        return n

    return evaluate(lower(node), scope)


def _matrix(value: Value) -> sympy.Matrix:
    return sympy.Matrix([[value.data]]) if value.is_scalar else sympy.Matrix(value.data)


def reference(expr: Expr, wrt: tuple[Declaration, ...], scope: Scope, layout: str
              ) -> sympy.Matrix:
    """SymPy's derivative of ``expr``, per entry, in ``layout``."""
    value = evaluate_tree(expr, scope)
    variables = [scope.values[d.name] for d in wrt]
    if len(wrt) == 1 and len(wrt[0].dims) == 2 and not value.is_scalar:
        # d vec(F) / d vec(X), column-stacking: the entries of F.T in SymPy's order
        matrix = jacobian(list(value.data.T), list(variables[0].data.T))
        return matrix if layout == "numerator" else matrix.T
    if len(wrt) == 1 and len(wrt[0].dims) == 2:
        X = variables[0].data
        grad = sympy.Matrix(X.rows, X.cols, lambda i, j: real_diff(value.data, X[i, j]))
        return grad if layout == "denominator" else grad.T
    if len(wrt) == 1 and not wrt[0].dims and not value.is_scalar and not is_vector(value.shape):
        return value.data.applyfunc(lambda e: real_diff(e, variables[0].data))
    outputs = [value.data] if value.is_scalar else list(value.data)
    symbols = [s for v in variables for s in ([v.data] if v.is_scalar else list(v.data))]
    matrix = jacobian(outputs, symbols)
    return matrix if layout == "numerator" else matrix.T


def _point(symbols: set[sympy.Symbol], rng: random.Random, positive: bool) -> dict:
    point = {}
    for s in sorted(symbols, key=str):
        magnitude = Fraction(rng.randint(30, 200), 100)
        point[s] = sympy.Rational(magnitude) * (1 if positive or rng.random() < 0.5 else -1)
    return point


def _equal(a: sympy.Expr, b: sympy.Expr, rng: random.Random, positive: bool) -> bool:
    difference = a - b
    if difference.is_polynomial():
        return sympy.expand(difference) == 0
    for _ in range(POINTS):
        point = _point(a.free_symbols | b.free_symbols, rng, positive)
        left = sympy.N(a.xreplace(point), DIGITS)
        right = sympy.N(b.xreplace(point), DIGITS)
        if not (left.is_number and right.is_number):
            return False
        if abs(complex(left - right)) > 1e-25 * (1 + abs(complex(right))):
            return False
    return True


def mismatch(tree: Expr, expr: Expr, wrt: tuple[Declaration, ...],
             params: tuple[Declaration, ...], layout: str, positive: bool = False,
             sizes: tuple[int, ...] = SIZES) -> str | None:
    """Why ``tree`` is not the derivative of ``expr`` (``None``: it is, at every size)."""
    rng = random.Random(1234)
    problem = Problem("gradient", (), wrt, params)
    for assignment in size_assignments(problem, sizes):
        values = {d.name: variable(d, assignment) for d in (*wrt, *params)}
        scope = Scope(values, assignment)
        expected = reference(expr, wrt, scope, layout)
        got = _matrix(evaluate_tree(tree, Scope(dict(values), assignment)))
        if got.shape != expected.shape:
            return f"at {assignment}: shape {got.shape}, expected {expected.shape}"
        for (i, j) in itertools.product(range(got.rows), range(got.cols)):
            if not _equal(got[i, j], expected[i, j], rng, positive):
                return f"at {assignment}: entry {(i + 1, j + 1)} is {got[i, j]}, " \
                       f"expected {expected[i, j]}"
    return None


def parse(text: str) -> Expr:
    """``parse_expression``, reading the new matrix functions as calls even before the
    parser knows them (as abstract functions first, then turned into calls)."""
    pending = frozenset(f for f in NEW if f not in FUNCTIONS)
    return _calls(parse_expression(text, functions=pending))


def _calls(node: Expr) -> Expr:
    fields = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple) and value and not isinstance(value[0], str | int):
            value = tuple(_calls(v) for v in value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type | FunctionRef):
            value = _calls(value)
        fields[f.name] = value
    node = dataclasses.replace(node, **fields)
    if isinstance(node, Apply):
        return Call(node.func.name, node.args)
    return node


def declarations(text: str, option: str) -> tuple[Declaration, ...]:
    return parse_declarations(text, option) if text.strip() else ()


def derived(expr: str, wrt: str, params: str = "", layout: str = "numerator",
            positive: bool = False) -> str | None:
    """The derived form's text, after checking that it verifies; ``None`` if none."""
    tree, decls, others = parse(expr), declarations(wrt, "wrt"), \
        declarations(params, "vars")
    result = derive(tree, decls, others, layout)
    if result is None:
        return None
    text = to_text(result)
    assert parse(text) == result, f"{text} does not re-parse to its tree"
    why = mismatch(result, tree, decls, others, layout, positive)
    assert why is None, f"d({expr})/d({wrt}) = {text} is wrong {why}"
    return text


def holds(claim: str, expr: str, wrt: str, params: str = "", layout: str = "numerator",
          positive: bool = False, sizes: tuple[int, ...] = SIZES) -> bool:
    """Whether ``claim`` (text) is the derivative, by the same check."""
    return mismatch(parse(claim), parse(expr),
                    declarations(wrt, "wrt"), declarations(params, "vars"), layout,
                    positive, sizes) is None
