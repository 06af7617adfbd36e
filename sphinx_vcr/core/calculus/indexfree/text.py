"""Trees back to text, in the author's syntax: ``to_text(parse_expression(s))``.

The text re-parses to an equal tree (:func:`..language.parse.parse_expression`), so a
message can quote a derived form as a claim the author can paste into ``:expect:``.
Parentheses are written exactly where Python's precedence needs them to keep the
tree's shape: ``*``, ``/`` and ``@`` share one level and group to the left, so
``2/N * r.T @ X`` is ``((2/N) * r.T) @ X``, and ``-x**2`` is ``-(x**2)``.
"""

from __future__ import annotations

from fractions import Fraction

from ...language.parse import MAX_DIGITS
from ...language.syntax import (
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Expr,
    Name,
    Num,
    Subscript,
    Transpose,
    Unary,
)

_LEVEL = {"+": 10, "-": 10, "*": 20, "/": 20, "@": 20, "**": 40}
_UNARY, _ATOM, _COMPARE = 30, 50, 5


def to_text(node: Expr) -> str:
    """``node`` in the language's own syntax."""
    return _text(node)[0]


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    # A terminating decimal reads back as the same rational; others need a quotient.
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        return _decimal(value)
    return f"({value.numerator}/{value.denominator})"


def _decimal(value: Fraction) -> str:
    """A terminating decimal as the parser reads it back to the same rational: its exact
    digits (a float would round 123456.1234567890123), in scientific form when they are
    more than a literal's 20 (1e-20), else as a power of ten."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    mantissa = abs((value * 10**places).numerator)
    sign = "-" if value < 0 else ""
    whole, part = divmod(mantissa, 10**places)
    plain = f"{whole}.{part:0{places}d}"
    if sum(c.isdigit() for c in plain) <= MAX_DIGITS:
        return sign + plain
    scientific = f"{mantissa}e-{places}"
    if sum(c.isdigit() for c in scientific) <= MAX_DIGITS and places <= MAX_DIGITS:
        return sign + scientific
    return f"({sign}{mantissa}*10**-{places})"


def _wrap(part: tuple[str, int], needed: bool) -> str:
    return f"({part[0]})" if needed else part[0]


def _text(node: Expr) -> tuple[str, int]:
    match node:
        case Num(value=value):
            text = _number(Fraction(value))
            return text, (_ATOM if value >= 0 and text[0] != "(" else _UNARY)
        case Const(name=name) | Name(id=name):
            return name, _ATOM
        case Unary(op=op, operand=operand):
            inner = _text(operand)
            return op + _wrap(inner, inner[1] < _UNARY), _UNARY
        case Transpose(operand=operand):
            inner = _text(operand)
            return _wrap(inner, inner[1] < _ATOM or isinstance(operand, Num)) + ".T", _ATOM
        case Binary(op="**", left=left, right=right):
            a, b = _text(left), _text(right)
            return f"{_wrap(a, a[1] <= _LEVEL['**'])}**{_wrap(b, b[1] < _UNARY)}", _LEVEL["**"]
        case Binary(op=op, left=left, right=right):
            level = _LEVEL[op]
            a, b = _text(left), _text(right)
            # 2/N reads as one number; a / (b + c) as a quotient.
            space = "" if op == "/" and isinstance(left, Num) and b[1] == _ATOM else " "
            return (f"{_wrap(a, a[1] < level)}{space}{op}{space}{_wrap(b, b[1] <= level)}",
                    level)
        case Call(func=func, args=args):
            return f"{func}({', '.join(to_text(a) for a in args)})", _ATOM
        case Subscript(base=base, indices=indices):
            return f"{base}[{', '.join(indices)}]", _ATOM
        case ArrayLit(items=items):
            return f"[{', '.join(to_text(i) for i in items)}]", _ATOM
        case Compare(ops=ops, operands=operands):
            parts = [_wrap(_text(o), _text(o)[1] <= _COMPARE) for o in operands]
            text = parts[0] + "".join(f" {op} {p}" for op, p in zip(ops, parts[1:]))
            return text, _COMPARE
    raise ValueError(f"no text for {node!r}")
