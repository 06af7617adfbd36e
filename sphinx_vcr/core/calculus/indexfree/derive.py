"""The index-free derivative of an expression tree, in the directive's layout.

:func:`derive` takes the author's expression, the ``:wrt:`` and ``:vars:``
declarations and the layout, and returns the derivative as another tree of the
language (``x.T @ (A + A.T)``), or ``None`` where no index-free form is found: a form the
rules do not cover is never guessed. Layouts follow :mod:`..derivatives`: a scalar by a
vector is a row in numerator layout and a column in denominator layout; a scalar by an
m x n matrix has the matrix's shape in denominator layout and its transpose in
numerator layout; a vector by a vector is m x n in numerator layout; several ``:wrt:``
entries give blocks side by side (numerator) or stacked (denominator).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ...errors import VcrError
from ...language.syntax import (
    ArrayLit,
    Binary,
    Call,
    Compare,
    Declaration,
    Expr,
    Name,
    Num,
    Transpose,
    Unary,
    component_of,
    substituted,
)
from .. import shapes
from .algebra import Algebra
from .differential import Differential, marker
from .readoff import Readoff
from .region import settle
from .shape import Shape, Shapes, Unsupported, declared_shape, is_vector, vector_length
from .simplify import simplify

LAYOUTS = ("numerator", "denominator")
#: Rounds of settling the region's pieces and simplifying again, at most.
SETTLE_ROUNDS = 3


def derive(expr: Expr, wrt: Sequence[Declaration], params: Sequence[Declaration] = (),
           layout: str = "numerator", definitions: Mapping[str, Expr] | None = None,
           reuse_names: bool = False, region: Sequence[Expr] = ()) -> Expr | None:
    """The derivative of ``expr`` by ``wrt`` in ``layout``, index-free, or ``None``.

    ``definitions`` are earlier ``name = expr`` lines (or ``:let:`` names) that
    ``expr`` may use; they are substituted first. With ``reuse_names``, a part of the
    result that is one of them is written as its name again (``where(z > 0, 1, 0)``).
    ``region`` (the ``:where:`` conditions) settles the pieces it decides
    (:mod:`.region`): ``relu(z)``'s derivative under ``z > 0`` is 1.
    """
    if layout not in LAYOUTS or not wrt:
        return None
    try:
        env = Shapes([*wrt, *params])
        alg = Algebra(env)
        body = inline(expr, definitions or {}, env)
        output = env.of(body)
        parts = [_part(alg, body, output, decl, layout) for decl in wrt]
        result = parts[0] if len(parts) == 1 else _blocks(alg, parts, layout)
        result = simplify(result, alg)
        if region:
            conditions = [inline(c, definitions or {}, env) for c in region]
            for _round in range(SETTLE_ROUNDS):  # (a settled part may simplify to more)
                settled = simplify(settle(result, conditions, alg), alg)
                if settled == result:
                    break
                result = settled
        if not shapes.same_shape(env.of(result), expected_shape(output, wrt, layout)):
            return None
        if reuse_names and definitions:
            result = _named(result, definitions, alg)
        return result
    except (Unsupported, VcrError, RecursionError, ZeroDivisionError, ValueError,
            TypeError):
        # No index-free form: the caller says so and shows the entries.
        return None


def expected_shape(output: Shape, wrt: Sequence[Declaration], layout: str) -> Shape:
    """The shape the derivative has, by the rules of DESIGN sections 2 and 9."""
    one = shapes.dim(1)
    if len(wrt) == 1 and not wrt[0].dims:
        if output and not is_vector(output):
            return output  # a matrix by a scalar: entry by entry
        numerator = (output and (vector_length(output), one)) or ()
        return numerator if layout == "numerator" or not numerator else (one, numerator[0])
    if len(wrt) == 1 and len(wrt[0].dims) == 2:
        rows, cols = declared_shape(wrt[0])
        if output:  # d vec(F) / d vec(X)
            shape = (output[0] * output[1], rows * cols)
            return shape if layout == "numerator" else (shape[1], shape[0])
        return (rows, cols) if layout == "denominator" else (cols, rows)
    width = shapes.total([vector_length(declared_shape(d)) if d.dims else one for d in wrt])
    height = vector_length(output) if output else one
    shape = (height, width)
    if shapes.is_one_by_one(shape):
        return ()
    return shape if layout == "numerator" else (width, height)


#: Most nodes an inlined tree may have. Definitions that reuse earlier ones
#: (``a1 = diag(a0) @ a0``) double the tree at each line, and the engine's rules walk
#: trees, not graphs: past this size no form a person would write comes out, and the
#: derivation alone took seconds (a chain of eleven squarings, 10 s).
MAX_INLINED = 2000


def inline(expr: Expr, definitions: Mapping[str, Expr], env: Shapes) -> Expr:
    """``expr`` with the names of ``definitions`` replaced by their trees; Unsupported
    past :data:`MAX_INLINED` nodes."""
    made = [0]

    def visit(node: Expr) -> Expr:
        made[0] += 1
        if made[0] > MAX_INLINED:
            raise Unsupported("too large a tree once its names are replaced")
        match node:
            case Name(id=name) if name in definitions:
                return visit(definitions[name])
            case Name(id=name) if _component(name, definitions, env):
                raise Unsupported("a component of a vector")
            case Unary(op=op, operand=operand):
                return Unary(op, visit(operand))
            case Transpose(operand=operand):
                return Transpose(visit(operand))
            case Binary(op=op, left=left, right=right):
                return Binary(op, visit(left), visit(right))
            case Call(func=func, args=args):
                return Call(func, tuple(visit(a) for a in args))
            case ArrayLit(items=items):
                return ArrayLit(tuple(visit(i) for i in items))
            case Compare(ops=ops, operands=operands):
                return Compare(ops, tuple(visit(o) for o in operands))
            case Name() | Num():
                return node
        raise Unsupported(type(node).__name__)  # indices, abstract functions
    return visit(expr)


def _named(result: Expr, definitions: Mapping[str, Expr], alg: Algebra) -> Expr:
    """``result`` with each subtree equal to a (simplified) definition replaced by its
    name, the latest definitions first (they contain the earlier ones)."""
    for name in reversed(list(definitions)):
        body = simplify(inline(definitions[name], definitions, alg.shapes), alg)
        if isinstance(body, Name | Num):
            continue  # a renaming or a number: nothing worth a name
        result = substituted(result, body, Name(name))
    return result


def _component(name: str, definitions: Mapping[str, Expr], env: Shapes) -> bool:
    split = component_of(name)
    return split is not None and (split[0] in definitions or bool(env.names.get(split[0])))


def _part(alg: Algebra, body: Expr, output: Shape, decl: Declaration, layout: str) -> Expr:
    """The derivative by one ``:wrt:`` entry, in ``layout``."""
    differential = Differential(alg, decl.name)
    alg.shapes.declare(marker(decl.name).id, declared_shape(decl))
    d = differential.d(body)
    variable = declared_shape(decl)
    if d is None:
        return alg.zero(expected_shape(output, [decl], layout))
    readoff = Readoff(alg, marker(decl.name))
    if not variable:
        # By a scalar: dx is a number, so df/dx is df with dx = 1.
        value = simplify(substituted(d, marker(decl.name), Num(Fraction(1))), alg)
        if output and is_vector(output) and layout == "denominator":
            return alg.transpose(alg.column(value))  # type: ignore[return-value]
        return alg.column(value) if output and is_vector(output) else value
    if not output:
        terms = readoff.gradient(d, Num(Fraction(1)))
        gradient = alg.add(*terms)
        if gradient is None:
            return alg.zero(expected_shape(output, [decl], layout))
        return gradient if layout == "denominator" else alg.transpose(gradient)  # type: ignore[return-value]
    if not is_vector(variable):  # d vec(F) / d vec(X)
        jacobian = readoff.vec_jacobian(d)
        if jacobian is None:
            return alg.zero(expected_shape(output, [decl], layout))
        return jacobian if layout == "numerator" else alg.transpose(jacobian)  # type: ignore[return-value]
    if not is_vector(output):
        raise Unsupported("a matrix by a vector is a tensor")
    jacobian = readoff.jacobian(d)
    if jacobian is None:
        return alg.zero(expected_shape(output, [decl], layout))
    return jacobian if layout == "numerator" else alg.transpose(jacobian)  # type: ignore[return-value]


def _blocks(alg: Algebra, parts: list[Expr], layout: str) -> Expr:
    for part in parts:
        shape = alg.shapes.of(part)
        if shape and not is_vector(shape) and len(parts) > 1 and False:
            raise Unsupported("blocks")
    if layout == "numerator":
        return ArrayLit((ArrayLit(tuple(parts)),))
    return ArrayLit(tuple(parts))

