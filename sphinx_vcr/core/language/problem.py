"""What a directive asks: the function, the variables, the claim; built from text.

:func:`build_problem` turns a directive's argument, content lines and option strings
into a :class:`Problem` (parsing everything, so syntax errors surface before any
mathematics), and :func:`size_assignments` says at which sizes it must hold.
:mod:`.instance` evaluates it at each.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import ParseError, ShapeError, VcrError
from ..words import _
from .parse import (
    is_definition,
    parse_conditions,
    parse_declarations,
    parse_definition,
    parse_expression,
)
from .syntax import Declaration, Definition, Expr, component_of, names_in

KINDS = ("derivative", "gradient", "jacobian", "chain-rule", "derivation")
OPTIONS = ("wrt", "vars", "index", "functions", "expect", "where", "layout", "mistake")
LAYOUTS = ("numerator", "denominator")


@dataclass(frozen=True)
class Problem:
    """A parsed directive: everything needed to compute, check and render it."""

    kind: str
    definitions: tuple[Definition, ...]
    wrt: tuple[Declaration, ...]
    params: tuple[Declaration, ...] = ()
    expect: Expr | None = None
    where: tuple[Expr, ...] = ()
    layout: str = "numerator"
    mistake: bool = False
    #: ``True`` when the body was one expression rather than ``name = expr`` lines.
    anonymous: bool = False

    @property
    def size_names(self) -> list[str]:
        """The generic sizes, in order of first appearance."""
        names: list[str] = []
        for decl in (*self.wrt, *self.params):
            for d in decl.dims:
                if isinstance(d, str) and d not in names:
                    names.append(d)
        return names

    @property
    def output(self) -> Definition:
        return self.definitions[-1]


def build_problem(kind: str, argument: str, content: list[str],
                  options: dict[str, str | None], default_layout: str = "numerator"
                  ) -> Problem:
    """Parse a directive's text into a :class:`Problem` (raises :class:`VcrError`)."""
    if kind not in KINDS:
        raise ParseError(_("unknown directive kind {kind!r}").format(kind=kind))
    _check_options(options)
    if "wrt" not in options or not (options["wrt"] or "").strip():
        raise ParseError(_(":wrt: is required: name the variables to differentiate "
                           "with respect to, such as :wrt: x or :wrt: w[n], b"))
    with about("wrt"):
        wrt = parse_declarations(options["wrt"] or "", "wrt")
    with about("vars"):
        params = parse_declarations(options["vars"], "vars") if options.get("vars") else ()
    _check_declarations(wrt, params)
    definitions, anonymous = _body(kind, argument, content)
    layout = (options.get("layout") or default_layout).strip()
    if layout not in LAYOUTS:
        raise ParseError(_(":layout: must be numerator or denominator, not {layout!r}")
                         .format(layout=layout), option="layout")
    expect = options.get("expect")
    where = options.get("where")
    if expect is not None and not expect.strip():
        raise ParseError(_(":expect: is empty; give the claimed derivative"),
                         option="expect")
    with about("expect"):
        claim = parse_expression(expect) if expect else None
    # An empty :where: is a slip (a region left out), as an empty :expect: is: never
    # silently "no region".
    if where is not None and not where.strip():
        raise ParseError(_(":where: is empty; give the region, or leave the option out"),
                         option="where")
    with about("where"):
        conditions = parse_conditions(where) if where else ()
    problem = Problem(
        kind=kind, definitions=definitions, wrt=wrt, params=params, expect=claim,
        where=conditions, layout=layout, mistake="mistake" in options,
        anonymous=anonymous)
    if problem.mistake and problem.expect is None:
        raise ParseError(_(":mistake: marks a wrong :expect: claim, but there is no "
                           ":expect:"))
    _check_definitions(problem)
    return problem


@contextmanager
def about(option: str) -> Iterator[None]:
    """Tag errors raised in the block as being about ``option``."""
    try:
        yield
    except VcrError as err:
        err.option = err.option or option
        raise


def _check_options(options: dict[str, str | None]) -> None:
    """Unknown options are our error (counted, failing the build), not docutils'."""
    for option in options:
        if option not in OPTIONS:
            close = difflib.get_close_matches(option, OPTIONS, n=1)
            known = ", ".join(f":{o}:" for o in (*OPTIONS, "name"))
            message = (_("unknown option :{option}:; did you mean :{close}:? The options "
                         "are {options}") if close
                       else _("unknown option :{option}: The options are {options}"))
            raise ParseError(message.format(option=option, close=close[0] if close else "",
                                            options=known), option=option)
    if (options.get("mistake") or "").strip():
        raise ParseError(_(":mistake: is a flag and takes no value"), option="mistake")


def _check_declarations(wrt: tuple[Declaration, ...],
                        params: tuple[Declaration, ...]) -> None:
    wrt_names = {d.name for d in wrt}
    for decl in params:
        if decl.name in wrt_names:
            raise ParseError(_("{name!r} is in both :wrt: and :vars:").format(name=decl.name))
    for decl in wrt:
        if len(decl.dims) > 1:
            raise ShapeError(_("{name} is a matrix; :wrt: takes scalars and vectors "
                               "(differentiating by a matrix gives a tensor)")
                             .format(name=decl.name))
    sizes = {d for decl in (*wrt, *params) for d in decl.dims if isinstance(d, str)}
    clash = sizes & (wrt_names | {d.name for d in params})
    if clash:
        raise ParseError(_("{name!r} is used both as a size and as a variable")
                         .format(name=sorted(clash)[0]))


def _body(kind: str, argument: str, content: list[str]) -> tuple[tuple[Definition, ...], bool]:
    lines = [(i, line) for i, line in enumerate(content) if line.strip()]
    if argument.strip() and lines:
        raise ParseError(_("give the expression either after the directive name or in the "
                           "body, not both"), line=lines[0][0])
    if argument.strip():
        lines = [(None, argument)]
    if not lines:
        raise ParseError(_("the {kind} directive has no expression: write it after "
                           "'.. {kind}::' or in the indented body").format(kind=kind))
    if kind == "chain-rule" or (len(lines) > 1 and kind == "jacobian"):
        definitions = tuple(parse_definition(text, line) for line, text in lines)
        names = [d.name for d in definitions]
        for d in definitions:
            if names.count(d.name) > 1:
                raise ParseError(_("{name!r} is defined twice").format(name=d.name),
                                 line=d.line)
        if kind == "chain-rule" and len(definitions) < 2:
            raise ParseError(_("a chain rule needs at least two definitions, from the "
                               "inside out, such as 'u = x**2' then 'y = sin(u)'"),
                             line=definitions[0].line)
        return definitions, False
    if len(lines) > 1:
        raise ParseError(_("the {kind} directive takes one expression; use jacobian or "
                           "chain-rule for several lines").format(kind=kind),
                         line=lines[1][0])
    line, text = lines[0]
    if is_definition(text) and kind == "jacobian":
        return (parse_definition(text, line or 0),), False
    # "_f" cannot be written in the language, so it never meets an author's name.
    return (Definition("_f", parse_expression(text, line=line), line or 0, text.strip()),), True


def _check_definitions(problem: Problem) -> None:
    if problem.anonymous:
        return
    declared = {d.name for d in (*problem.wrt, *problem.params)}
    for index, definition in enumerate(problem.definitions):
        if not problem.anonymous and definition.name in declared:
            raise ParseError(_("{name!r} is declared in :wrt: or :vars: and cannot be "
                               "defined again").format(name=definition.name),
                             line=definition.line)
        later = {d.name for d in problem.definitions[index:]}
        used = names_in(definition.expr) & later
        if used:
            raise ParseError(_("{name} uses {other}, which is defined at or after this "
                               "line: define from the inside out")
                             .format(name=definition.name, other=sorted(used)[0]),
                             line=definition.line)
    if problem.kind == "chain-rule":
        _check_chain_is_connected(problem, declared)


def _check_chain_is_connected(problem: Problem, declared: set[str]) -> None:
    """Every step but the last must feed a later one: an unused step is almost always
    a typo (``y = sin(v)`` after ``u = x**2``), which would otherwise surface as a
    baffling "claim does not hold ... the derivative is 0"."""
    known = declared | {d.name for d in problem.definitions}
    for index, step in enumerate(problem.definitions[:-1]):
        later = problem.definitions[index + 1:]
        if any(step.name in (name, _stem(name))
               for d in later for name in names_in(d.expr)):
            continue
        for other in later:
            stray = sorted(name for name in names_in(other.expr)
                           if name not in known and _stem(name) not in known)
            if stray:
                raise ParseError(_("{stray} is neither defined by a step nor declared in "
                                   ":wrt: or :vars:, and no step uses {name}: did you mean "
                                   "{name}?").format(stray=stray[0], name=step.name),
                                 line=other.line)
        raise ParseError(_("no later step uses {name}: each step of a chain rule must feed "
                           "the next").format(name=step.name), line=step.line)


def _stem(name: str) -> str:
    """``g`` for ``g1``, an entry of a vector ``g``; else the name itself."""
    split = component_of(name)
    return split[0] if split else name


def size_assignments(problem: Problem, sizes: tuple[int, ...]) -> list[dict[str, int]]:
    """The instantiations of the generic sizes that every claim must survive.

    Different size names get different values in each instantiation (when there are
    enough sizes), so a claim that confuses ``n`` with ``N`` cannot pass by accident.
    """
    names = problem.size_names
    if not names:
        return [{}]
    assignments = [{name: sizes[(i + k) % len(sizes)] for k, name in enumerate(names)}
                   for i in range(len(sizes))]
    if len(names) > len(sizes):
        # Rotation alone leaves some names equal in every instantiation: add one where
        # all of them differ.
        assignments.append({name: 2 + k for k, name in enumerate(names)})
    return assignments
