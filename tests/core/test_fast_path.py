"""One source of truth: the symengine fast path and SymPy give the same derivatives.

Every identity of ``tests/core/indexfree_corpus.py`` and every Cookbook case of
``benchmarks/matrix.py`` (135 problems, matrix functions included) is differentiated by
both backends at the sizes 1-3, and each entry of the fast path's Jacobian must equal
SymPy's (the pipeline's own :func:`~sphinx_vcr.core.calculus.differentiate.jacobian`):
the difference expands to zero, or SymPy proves it zero (see :func:`agree`). Then the
soundness corners: kinks, ``where``, sigmoid, the domains of log and sqrt, big integers
and exact rationals.

The language's convention at a kink is the same on both: relu'(0) = 0, a step 0 at 0
(SymPy's own ``Heaviside(u)`` is ``Heaviside(u, 1/2)``; the Jacobian of
:mod:`~sphinx_vcr.core.calculus.differentiate` makes it ``Heaviside(u, 0)``), so the
derivatives are compared as they are, steps included;
``tests/core/test_relu_convention.py`` pins the value at the kink on both paths.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import symengine as se
import sympy

from benchmarks.matrix import CASES
from sphinx_vcr.core.calculus.differentiate import jacobian
from sphinx_vcr.core.calculus.evaluate import Context, Scope, evaluate
from sphinx_vcr.core.calculus.instance import instantiate, vec_entries
from sphinx_vcr.core.errors import LimitError
from sphinx_vcr.core.language.parse import parse_conditions, parse_expression
from sphinx_vcr.core.language.problem import build_problem, size_assignments
from sphinx_vcr.core.symbolic import Unsupported, backend
from sphinx_vcr.core.symbolic.instances import evaluate_on
from tests.core.indexfree_corpus import CORPUS

FAST = backend("symengine")
SYMPY = backend("sympy")
SIZES = (1, 2, 3)


def _problems() -> list[tuple[str, str, str, dict[str, str]]]:
    """(name, kind, body, options) of both corpora, claims left out."""
    cases = []
    for name, expr, wrt, vars_, layout, _kind in CORPUS:
        options = {"wrt": wrt, "layout": layout, **({"vars": vars_} if vars_ else {})}
        cases.append((name, "hessian" if "hessian" in name else "jacobian", expr, options))
    for name, (kind, body, options) in CASES.items():
        if kind == "derivation" or "let" in options:
            continue  # no body to differentiate; a :let: used only by the claim
        options = {k: v for k, v in options.items() if k != "expect"}
        cases.append((name, kind if kind == "hessian" else "jacobian", body, options))
    return cases


PROBLEMS = _problems()


def agree(reference: sympy.Expr, fast: sympy.Expr) -> bool:
    """Whether ``reference - fast`` is zero (wherever both are defined: SymPy's sign(u)
    of d sqrt(u**2) is symengine's u/|u|, undefined at the kink): it expands to zero,
    or SymPy proves it. The expansion is symengine's where it can hold SymPy's reference
    as it is (SymPy's ``expand`` of an inverse's derivative at size 3 takes a minute);
    it expands the reference itself, so no rule of the fast path enters it."""
    difference = reference - fast
    if difference == 0:
        return True
    try:
        if FAST.is_zero(FAST.from_sympy(difference)):
            return True
    except Unsupported:
        pass  # a step: SymPy's turn
    if sympy.expand(difference) == 0:
        return True
    unsigned = difference.replace(sympy.sign, lambda u: u / sympy.Abs(u))
    if sympy.expand(unsigned) == 0 or sympy.simplify(unsigned) == 0:
        return True
    rewritten = sympy.piecewise_fold(unsigned.rewrite(sympy.Piecewise))
    return sympy.simplify(rewritten) == 0


def _reference(problem, sizes) -> tuple[list[sympy.Expr], list[sympy.Symbol], list]:
    instance = instantiate(problem, sizes)
    outputs = vec_entries(instance.output)
    return outputs, instance.wrt_symbols, instance.conditions


def _compare(name: str, kind: str, body: str, options: dict[str, str]) -> int:
    """How many sizes compared; fails at the first entry where the backends differ."""
    problem = build_problem(kind, body, [], options)
    compared = 0
    for sizes in size_assignments(problem, SIZES):
        fast = evaluate_on(FAST, problem, sizes)
        outputs, symbols, _conditions = _reference(problem, sizes)
        assert [FAST.to_sympy(s) for s in fast.wrt] == symbols
        for mine, theirs in zip(vec_entries(fast.output), outputs):
            assert agree(theirs, FAST.to_sympy(mine)), (name, sizes, "value")
        expected = jacobian(outputs, symbols)
        got = fast.jacobian(resolve=False)
        for i, row in enumerate(got):
            for j, entry in enumerate(row):
                assert agree(expected[i, j], FAST.to_sympy(entry)), (name, sizes, i, j)
        if kind == "hessian":
            _compare_second(name, sizes, expected, got, symbols, fast.wrt)
        compared += 1
    return compared


def _compare_second(name, sizes, expected, got, symbols, fast_symbols) -> None:
    """Second derivatives: the derivative of a step is 0 on both sides."""
    for i, row in enumerate(got):
        for k, entry in enumerate(row):
            for j, symbol in enumerate(fast_symbols):
                theirs = jacobian([expected[i, k]], [symbols[j]])[0, 0]
                assert agree(theirs, FAST.to_sympy(FAST.diff(entry, symbol))), \
                    (name, sizes, i, k, j)


@pytest.mark.parametrize(("name", "kind", "body", "options"), PROBLEMS,
                         ids=[p[0] for p in PROBLEMS])
def test_both_backends_give_one_derivative(name, kind, body, options):
    try:
        assert _compare(name, kind, body, options) >= 1
    except Unsupported as reason:
        # Only abstract functions may fall back to SymPy.
        assert options.get("functions"), reason


def test_the_corpus_is_mostly_on_the_fast_path():
    """The fallback cannot quietly grow: the whole corpus is compared, none skipped
    (its only fallback, abstract functions, does not occur in it)."""
    fast = 0
    for _name, kind, body, options in PROBLEMS:
        problem = build_problem(kind, body, [], options)
        try:
            evaluate_on(FAST, problem, size_assignments(problem, SIZES)[0])
            fast += 1
        except Unsupported:
            pass
    assert fast == len(PROBLEMS) == 135, fast


# --- soundness corners -----------------------------------------------------------------

def _scalar(text: str, backend_=FAST):
    """``text`` (an expression or a condition) evaluated on a backend, with scalar names
    as its symbols."""
    scope = Scope({}, {}, None, Context(backend=backend_))
    tree = parse_conditions(text)[0] if any(c in text for c in "<>=!") \
        and "where" not in text else parse_expression(text)
    return evaluate(tree, scope).data


def _derivative_at(text: str, point: dict[str, float], by: str = "x") -> float:
    expr = _scalar(text)
    names = sorted(point)
    symbols = [FAST.symbol(n) for n in names]
    fn = FAST.compile([FAST.diff(expr, FAST.symbol(by))], symbols)
    return fn([point[n] for n in names])[0]


@pytest.mark.parametrize(("text", "point", "value"), [
    ("relu(x)", {"x": 0.0}, 0.0),          # relu'(0) = 0: the step is 0 at 0
    ("relu(x)", {"x": 1e-300}, 1.0),
    ("relu(x)", {"x": -1e-300}, 0.0),
    ("abs(x)", {"x": 0.0}, 0.0),           # sign(0) = 0
    ("abs(x)", {"x": -2.0}, -1.0),
    ("max(x, y)", {"x": 1.0, "y": 1.0}, 0.0),
    ("max(x, y)", {"x": 2.0, "y": 1.0}, 1.0),
    ("min(x, y)", {"x": 2.0, "y": 1.0}, 0.0),
    ("min(x, y)", {"x": 1.0, "y": 2.0}, 1.0),
    ("relu(x)**2", {"x": -3.0}, 0.0),
    ("relu(x)**2", {"x": 3.0}, 6.0),
    ("abs(relu(x) - 1)", {"x": 0.5}, -1.0),  # a kink inside a kink
    ("where(x > 0, x**2, -x)", {"x": 2.0}, 4.0),
    ("where(x > 0, x**2, -x)", {"x": -2.0}, -1.0),
])
def test_the_fast_path_keeps_the_language_convention_at_kinks(text, point, value):
    assert _derivative_at(text, point) == value


@pytest.mark.parametrize("text", [
    "relu(x)", "abs(x)", "max(x, y)", "min(x, y)", "max(x, 1)", "max(max(x, y), 1)",
    "abs(x*y - 1)", "relu(x)**2", "abs(relu(x) - 1)", "where(x > 0, x**2, -x)",
    "where(x*y < 1, sin(x), x)", "sigmoid(x)", "sigmoid(2*x)*relu(x)", "log(abs(x))",
    "log(abs(x**2 - 1))", "sqrt(abs(x))", "tanh(x)**3", "relu(relu(x) - y)",
])
def test_kink_derivatives_agree_with_sympy(text):
    fast = _scalar(text)
    reference = _scalar(text, SYMPY)
    for name in ("x", "y"):
        theirs = jacobian([reference], [SYMPY.symbol(name)])[0, 0]
        assert agree(theirs, FAST.to_sympy(FAST.diff(fast, FAST.symbol(name)))), name


def test_sigmoid_derivative_is_exactly_sympys():
    fast = FAST.diff(_scalar("sigmoid(x)"), FAST.symbol("x"))
    x = SYMPY.symbol("x")
    assert sympy.expand(FAST.to_sympy(fast) - sympy.exp(-x) / (1 + sympy.exp(-x))**2) == 0


@pytest.mark.parametrize(("text", "condition", "resolved"), [
    ("relu(x)", "x > 0", "x"),
    ("relu(x)", "0 < x", "x"),
    ("relu(-x)", "x > 0", "0"),
    ("abs(x - y)", "x > y", "x - y"),
    ("abs(x - y)", "y > x", "y - x"),
    ("max(x, y)", "x - y > 0", "x"),
    ("where(x > 0, x**2, -x)", "x > 0", "x**2"),
    ("relu(relu(x) - 1)", "x > 0", "relu(x - 1)"),  # resolves inside, not beyond
])
def test_strict_where_conditions_resolve_kinks(text, condition, resolved):
    for side in (FAST, SYMPY):
        got = side.resolve(_scalar(text, side), [_scalar(condition, side)])
        assert side.is_zero(got - _scalar(resolved, side)), (side.name, got)


@pytest.mark.parametrize(("text", "condition"), [
    ("relu(x)", "x >= 0"),   # the kink is in the region: relu'(0) = 0, not 1
    ("relu(x)", "y > 0"),
    ("abs(x)", "x != 0"),
    ("relu(x)", "x > 1"),    # true, but not a fact about x itself: left alone
])
def test_other_conditions_leave_kinks_alone(text, condition):
    for side in (FAST, SYMPY):
        expr = _scalar(text, side)
        assert side.resolve(expr, [_scalar(condition, side)]) == expr


def test_a_resolved_derivative_is_exact_on_the_region():
    """A relu layer under its :where: differentiates without steps: to W."""
    options = {"wrt": "x[n]", "vars": "W[m, n], b[m]", "where": "W @ x + b > 0"}
    problem = build_problem("jacobian", "relu(W @ x + b)", [], options)
    linear = build_problem("jacobian", "W @ x + b", [], options)
    for sizes in size_assignments(problem, SIZES):
        fast = evaluate_on(FAST, problem, sizes)
        assert fast.conditions
        outputs, symbols, _conditions = _reference(linear, sizes)
        expected = jacobian(outputs, symbols)
        for i, row in enumerate(fast.jacobian(resolve=True)):
            for j, entry in enumerate(row):
                converted = FAST.to_sympy(entry)
                assert not converted.has(sympy.Piecewise, sympy.Heaviside), converted
                assert converted == expected[i, j], (sizes, i, j)


@pytest.mark.parametrize("text", ["sqrt(x)", "log(x)", "x**(1/2)", "log(x - 1)"])
def test_partial_functions_are_noted_and_undefined_outside_their_domain(text):
    """Outside its domain a value is NaN, never a real number; its derivative (1/x)
    may be real there, which is why the value is noted in the domain."""
    context = Context(backend=FAST)
    value = evaluate(parse_expression(text), Scope({}, {}, None, context)).data
    assert value in context.domain
    (outside,) = FAST.compile([value], [FAST.symbol("x")])([-1.0])
    assert outside != outside, outside


def test_big_integers_stay_exact():
    expr = _scalar("2**200 * x**3 + 3**150")
    derivative = FAST.diff(expr, FAST.symbol("x"))
    x = SYMPY.symbol("x")
    assert FAST.to_sympy(derivative) == 3 * 2**200 * x**2
    assert FAST.exact_rational(FAST.diff(derivative, FAST.symbol("x")).subs(
        {FAST.symbol("x"): 1})) == (6 * 2**200, 1)


@pytest.mark.parametrize("text", ["10**5000", "x**2000", "(10**2000)**3"])
def test_the_limits_hold_on_the_fast_path(text):
    for side in (FAST, SYMPY):
        with pytest.raises(LimitError):
            _scalar(text, side)


def test_rationals_are_never_floats():
    expr = _scalar("x/3 + 2/7 * x**2 - 1/10")
    derivative = FAST.diff(expr, FAST.symbol("x"))
    assert FAST.exact_rational(FAST.subs(derivative, {FAST.symbol("x"): FAST.rational(1)})) \
        == (Fraction(1, 3) + Fraction(4, 7)).as_integer_ratio()
    converted = FAST.to_sympy(derivative)
    assert not converted.atoms(sympy.Float)
    assert converted == sympy.Rational(1, 3) + sympy.Rational(4, 7) * SYMPY.symbol("x")


def test_relations_of_numbers_are_decided_exactly():
    assert FAST.relation("<", FAST.rational(1, 3), FAST.rational(1, 3)) is FAST.false
    assert FAST.relation("<=", FAST.rational(1, 3), FAST.rational(1, 3)) is FAST.true
    big = FAST.rational(10**40 + 1)
    assert FAST.relation(">", big, FAST.rational(10**40)) is FAST.true  # beyond doubles


def test_zero_tests_never_claim_a_nonzero_difference():
    x = FAST.symbol("x")
    assert FAST.is_zero((x + 1)**2 - x**2 - 2*x - 1)
    assert not FAST.is_zero((x + 1)**2 - x**2 - 2*x)
    assert not FAST.is_zero(se.sin(x)**2 + se.cos(x)**2 - 1 + FAST.rational(1, 10**30))
    # Undecided (true, but not by expansion): the caller must go to SymPy or numbers.
    assert not FAST.is_zero(se.sin(x)**2 + se.cos(x)**2 - 1)


def test_undeclared_symbols_become_real_in_sympy():
    converted = FAST.to_sympy(_scalar("sqrt(x**2)"))
    assert converted == sympy.Abs(SYMPY.symbol("x"))  # SymPy knows x is real


@pytest.mark.parametrize("make", [
    lambda x: sympy.Heaviside(x, 0),
    lambda x: sympy.Function("f", real=True)(x),
    lambda x: sympy.Matrix([[x, sympy.Heaviside(x - 1, 0)]]),
])
def test_what_symengine_only_wraps_stays_in_sympy(make):
    """symengine would differentiate a wrapped SymPy function by its own rules."""
    with pytest.raises(Unsupported):
        FAST.from_sympy(make(SYMPY.symbol("x")))


def test_matrix_functions_go_through_sympy_and_come_back_native():
    problem = build_problem("jacobian", "logdet(X) + trace(inv(X) @ A)", [],
                            {"wrt": "X[n, n]", "vars": "A[n, n]"})
    fast = evaluate_on(FAST, problem, {"n": 2})
    (entry,) = vec_entries(fast.output)
    assert isinstance(entry, se.Basic)
    assert all(isinstance(d, se.Basic) for row in fast.jacobian() for d in row)
