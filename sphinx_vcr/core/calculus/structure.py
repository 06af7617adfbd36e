"""Structured parameters and equality constraints: where a problem is evaluated.

A derivative is always taken with every entry of a matrix independent: the Matrix
Cookbook's convention for its unstructured derivatives. (Its section 2.8 warns that the
"symmetric derivative", which treats S_12 and S_21 as one variable, is another object:
it doubles the off-diagonal entries.) Structure (``S[n, n] symmetric``, ``spd``,
``diagonal``) and equality constraints of ``:where:`` (``sum(y) == 1``) restrict only
*where* the derivative is evaluated and compared: some entries become dependent,
expressions of the free ones (``S_21 -> S_12``, an off-diagonal ``D_12 -> 0``,
``y_3 -> 1 - y_1 - y_2``). The sampler draws the free entries and sets the dependent
ones, so finite differences still differentiate the unstructured function, at
structured points; the claim and the derivative are compared with the dependent
entries substituted, so an identity that holds only on the structure verifies, and one
that does not fails. A positive-definite matrix is also kept inside its cone by
conditions (its leading principal minors are positive), which bound every probe point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy

from ..errors import DomainError
from ..language.syntax import Declaration
from ..symbolic.walk import replaced
from ..words import _
from .evaluate import Value
from .sympy_text import entry_names, expression_text


@dataclass
class Structure:
    """The dependent entries of one instance and the conditions structure adds."""

    #: Dependent entry -> expression of free entries only (the map is closed).
    dependent: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    #: Each positive-definite matrix's entries (on and above the diagonal free), by rows.
    definite: list[list[list[sympy.Symbol]]] = field(default_factory=list)
    #: How many entries the equality constraints of ``:where:`` made dependent.
    constrained: int = 0

    def apply(self, expr: sympy.Basic) -> sympy.Basic:
        """``expr`` at the structured points: the dependent entries substituted, each
        distinct node once (``xreplace`` walks the tree: the entries of an inverse
        share one determinant, and Cookbook (125) spent a second there)."""
        if not self.dependent:
            return expr
        memo = dict(self.dependent)
        if isinstance(expr, sympy.MatrixBase):
            return expr.applyfunc(lambda entry: replaced(entry, memo))
        return replaced(expr, memo)

    def __bool__(self) -> bool:
        return bool(self.dependent or self.definite)


def structure_of(declarations: Sequence[Declaration], values: dict[str, Value],
                 conditions: list[sympy.Basic], sources: dict[sympy.Basic, str] | None = None
                 ) -> tuple[Structure, list[sympy.Basic]]:
    """The structure of an instance, and its ``:where:`` conditions at the structured
    points: the equalities solved into dependent entries, the inequalities with those
    substituted, and for each ``spd`` matrix its leading principal minors positive.
    ``sources`` gives the author's text of each condition, for messages."""
    structure = Structure()
    minors: list[sympy.Basic] = []
    for decl in declarations:
        if decl.structure:
            minors += _declared(structure, decl, values[decl.name].data)
    equalities = [c for c in conditions if isinstance(c, sympy.Eq)]
    names = entry_names(values)
    for equality in equalities:
        _solve(structure, equality, (sources or {}).get(equality), names)
    rest = [structure.apply(c) for c in conditions if not isinstance(c, sympy.Eq)]
    return structure, [*rest, *(structure.apply(m) for m in minors)]


def _declared(structure: Structure, decl: Declaration, data: sympy.Matrix
              ) -> list[sympy.Basic]:
    """Add the dependent entries of one structured matrix; its conditions, if any."""
    size = data.shape[0]
    for i in range(size):
        for j in range(i):
            structure.dependent[data[i, j]] = (sympy.Integer(0) if decl.structure ==
                                               "diagonal" else data[j, i])
            if decl.structure == "diagonal":
                structure.dependent[data[j, i]] = sympy.Integer(0)
    if decl.structure != "spd":
        return []
    structure.definite.append([[data[i, j] for j in range(size)] for i in range(size)])
    symmetric = data.xreplace(structure.dependent)
    # Sylvester's criterion: positive definite iff every leading minor is positive.
    return [sympy.StrictGreaterThan(symmetric[:k, :k].det(method="berkowitz").expand(),
                                    0) for k in range(1, size + 1)]


def _solve(structure: Structure, equality: sympy.Eq, written: str | None = None,
           names: dict[sympy.Basic, str] | None = None) -> None:
    """Solve one equality for an entry it is linear in, which becomes dependent;
    ``written`` is the condition as the author wrote it (else it is quoted in the
    language's syntax, its entries by ``names``: see :mod:`.sympy_text`)."""
    def text(expr: sympy.Basic) -> str:
        return expression_text(expr, names)

    written = written or f"{text(equality.lhs)} == {text(equality.rhs)}"
    residual = sympy.expand(structure.apply(equality.lhs - equality.rhs))
    if residual == 0:
        return  # it holds everywhere (or repeats an earlier constraint)
    if residual.is_number:
        raise DomainError(_("the equality {equality} never holds (with the structure and "
                            "the constraints before it, it reads {residual} = 0), so no "
                            "point can be sampled on it").format(
            equality=written, residual=text(residual)), option="where")
    unknown = _linear_entry(residual)
    if unknown is None:
        raise DomainError(_("cannot sample on the equality {equality}: it is not linear "
                            "in any of its entries, so none can be solved for; only "
                            "constraints linear in some entry (sum(y) == 1, a.T @ x == "
                            "b) can be sampled").format(equality=written),
                          option="where")
    rest = residual.xreplace({unknown[0]: 0})
    if not _nonzero_number(unknown[1]) and not _nonzero_number(rest):
        # Dividing by a coefficient that can vanish (a*(x - 1) == 0 solved for x) would
        # sample one branch of the constraint only (x = 1, never a = 0), and a claim
        # wrong on the other branch would verify. With a constant nonzero remainder
        # (x*y == 1) the coefficient cannot vanish on the constraint.
        raise DomainError(_("cannot sample on the equality {equality}: no entry in it has "
                            "a constant coefficient, and solving for {entry} would divide "
                            "by {coefficient}, which may be zero on the constraint (its "
                            "points there would never be sampled)").format(
            equality=written, entry=text(unknown[0]), coefficient=text(unknown[1])),
            option="where")
    symbol, coefficient = unknown
    value = sympy.expand(-rest / coefficient)
    structure.dependent = {k: v.xreplace({symbol: value})
                           for k, v in structure.dependent.items()}
    structure.dependent[symbol] = value
    structure.constrained += 1


def _linear_entry(residual: sympy.Expr) -> tuple[sympy.Symbol, sympy.Expr] | None:
    """An entry ``residual`` is linear in, and its coefficient: one with a constant
    coefficient if there is one (the only kind :func:`_solve` accepts), the last such
    in name order (``y_n`` for ``sum(y) == 1``)."""
    found: list[tuple[bool, str, sympy.Symbol, sympy.Expr]] = []
    for symbol in residual.free_symbols:
        # A polynomial in the entry, not just a constant derivative: where(y > 1, y - 5,
        # y) has derivative 1 in y, but two roots (0 and 5), and its value at y = 0 is
        # not what it takes off it.
        if residual.is_polynomial(symbol) is not True:
            continue
        coefficient = sympy.diff(residual, symbol)
        if coefficient != 0 and not coefficient.has(symbol) \
                and not _zero_number(coefficient):
            found.append((_nonzero_number(coefficient), str(symbol), symbol, coefficient))
    if not found:
        return None
    _constant, _name, symbol, coefficient = max(found, key=lambda f: f[:2])
    return symbol, coefficient


#: Digits to which a constant is evaluated to tell whether it is zero.
ZERO_DIGITS = 60


def _zero_number(value: sympy.Expr) -> bool:
    """Whether ``value`` is a constant that may be zero: ``log(6) - log(2) - log(3)``
    is not 0 as a tree, but dividing by it samples points off the constraint."""
    if not value.is_number:
        return False
    if value.is_Rational:
        return value == 0
    approx = sympy.N(value, ZERO_DIGITS)
    return not (approx.is_Number and abs(approx) > sympy.Float(10)**(10 - ZERO_DIGITS))


def _nonzero_number(value: sympy.Expr) -> bool:
    """Whether ``value`` is a constant that is certainly not zero."""
    return bool(value.is_number) and not _zero_number(value)
