"""The text of a ``.. derivation::``: its forms, remarks and ``assume`` lines.

The first form starts the chain; a line that begins with ``=`` starts the next form,
and any other line continues the form before it, so long forms can wrap. A ``#`` ends
a step's expression and starts its remark (an expression never holds ``#``). A line
``assume f(t) = t`` specialises an abstract function for every step after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ParseError
from ..words import _
from .parse import check_name, parse_expression
from .syntax import Expr, functions_in, names_in


@dataclass(frozen=True)
class Assumption:
    """``assume f(t) = body``: ``f`` is the function of ``params`` given by ``body``."""

    name: str
    params: tuple[str, ...]
    body: Expr
    line: int
    text: str


@dataclass(frozen=True)
class Step:
    """One form of the chain, with its remark and the assumptions in force for it."""

    expr: Expr
    line: int
    text: str
    remark: str = ""
    assumptions: tuple[Assumption, ...] = ()


_ASSUME = re.compile(r"assume\s+(?P<name>\w+)\s*\((?P<params>[^()]*)\)\s*=(?!=)\s*"
                     r"(?P<body>.*)\Z", re.S)


def parse_steps(lines: list[tuple[int, str]], functions: frozenset[str]) -> tuple[Step, ...]:
    """The forms of a derivation from its ``(line, text)`` lines (blank ones left out)."""
    pieces: list[list] = []  # [line, text lines, remark parts, assumptions]
    # In order: each body is evaluated with the assumptions before it.
    assumptions: list[Assumption] = []
    after_assume = False
    pending: list[str] = []  # remarks on lines of their own before the first form
    for line, raw in lines:
        text, _hash, remark = raw.partition("#")
        stripped = text.strip()
        if not stripped:  # a remark on a line of its own: the step's so far
            (pieces[-1][2] if pieces else pending).append(remark.strip())
            continue
        if re.match(r"assume\b", stripped):
            assumption = _assumption(stripped, line, functions)
            if any(a.name == assumption.name for a in assumptions):
                # Two bodies for one function would let the chain join steps that
                # hold under contradictory assumptions.
                raise ParseError(_("{name} is already assumed above; a function is "
                                   "assumed once").format(name=assumption.name), line=line)
            user = next((a for a in assumptions if assumption.name in
                         functions_in(a.body)), None)
            if user is not None:
                # f's body was read with the g of then, and would not follow this one.
                raise ParseError(_("the assumption of {user} above uses {name}: assume "
                                   "{name} before {user}").format(
                    user=user.name, name=assumption.name), line=line)
            assumptions.append(assumption)
            after_assume = True
            if remark.strip():  # said of the steps the assumption is for: the next one's
                pending.append(remark.strip())
            continue
        if stripped.startswith("\uff1d"):
            raise ParseError(_("this step starts with a full-width '＝' (U+FF1D): write "
                               "the ASCII '='"), line=line)
        if stripped.startswith("=") or not pieces:
            body = stripped[1:] if stripped.startswith("=") else stripped
            if stripped.startswith("==") or (pieces == [] and stripped.startswith("=")):
                raise ParseError(_("a derivation starts with its first form, and each "
                                   "later step starts with a single '='"), line=line)
            pieces.append([line, [body], [*pending, remark.strip()], tuple(assumptions)])
            pending = []
            after_assume = False
            continue
        if after_assume:
            raise ParseError(_("after an assume line comes a step, a line that starts "
                               "with '='"), line=line)
        pieces[-1][1].append(stripped)
        pieces[-1][2].append(remark.strip())
    if after_assume and pieces:
        raise ParseError(_("an assume line comes before the steps it applies to, but no "
                           "step follows this one"), line=assumptions[-1].line)
    if len(pieces) < 2:
        raise ParseError(_("a derivation needs a first form and at least one step, a line "
                           "that starts with '=', such as '= 2*x'"),
                         line=pieces[0][0] if pieces else None)
    return tuple(_step(*piece, functions) for piece in pieces)


def _step(line: int, texts: list[str], remarks: list[str],
          assumptions: tuple[Assumption, ...], functions: frozenset[str]) -> Step:
    text = " ".join(t.strip() for t in texts if t.strip())
    if not text:
        raise ParseError(_("this step has no expression after '='"), line=line)
    expr = parse_expression(text, line=line, functions=functions)
    return Step(expr, line, text, "; ".join(r for r in remarks if r), assumptions)


def _assumption(text: str, line: int, functions: frozenset[str]) -> Assumption:
    match = _ASSUME.match(text)
    if not match:
        raise ParseError(_("write an assumption as 'assume f(t) = expression', with f "
                           "declared in :functions:"), line=line)
    name = match.group("name")
    if name not in functions:
        raise ParseError(_("assume {name}(...) = ...: {name} is not an abstract function; "
                           "declare it in :functions:").format(name=name), line=line)
    if not match.group("params").strip():
        raise ParseError(_("an abstract function takes at least one argument: write "
                           "assume {name}(t) = ...").format(name=name), line=line)
    params = tuple(check_name(p.strip(), line) for p in match.group("params").split(","))
    if len(set(params)) != len(params):
        raise ParseError(_("the arguments of {name} in an assumption must be distinct "
                           "names").format(name=name), line=line)
    body = parse_expression(match.group("body"), line=line, functions=functions)
    if name in functions_in(body):
        raise ParseError(_("assume {name}(...) = ... cannot use {name} itself")
                         .format(name=name), line=line)
    # A body with a variable of its own (f(t) = x*t) is not a function of its arguments
    # alone: the general steps before it, true for every such f, need not hold for it.
    stray = sorted(names_in(body) - set(params))
    if stray:
        raise ParseError(_("the body of an assumption may use only its arguments ({params}), "
                           "not {name}").format(params=", ".join(params), name=stray[0]),
                         line=line)
    return Assumption(name, params, body, line, text)
