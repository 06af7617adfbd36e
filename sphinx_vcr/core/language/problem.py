"""What a directive asks: the function, the variables, the claim; built from text.

:func:`build_problem` turns a directive's argument, content lines and option strings
into a :class:`Problem` (parsing everything, so syntax errors surface before any
mathematics), and :func:`size_assignments` says at which sizes it must hold.
:mod:`.instance` evaluates it at each.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import ParseError, ShapeError, VcrError
from ..words import _
from .derivation import Step, parse_steps
from .indices import IndexInfo, Located, analyse
from .lets import Let, check_lets, parse_lets
from .parse import (
    DERIVATIVE,
    FUNCTIONS,
    check_name,
    is_definition,
    parse_conditions,
    parse_declarations,
    parse_definition,
    parse_expression,
)
from .syntax import (
    Apply,
    Call,
    Declaration,
    Definition,
    Expr,
    component_of,
    names_in,
    walk,
)

KINDS = ("derivative", "gradient", "jacobian", "chain-rule", "derivation", "hessian")
OPTIONS = ("wrt", "vars", "index", "functions", "expect", "where", "layout", "mistake",
           "correct", "reason", "let")
LAYOUTS = ("numerator", "denominator")


@dataclass(frozen=True)
class Problem:
    """A parsed directive: everything needed to compute, check and render it."""

    kind: str
    definitions: tuple[Definition, ...]
    wrt: tuple[Declaration, ...]
    params: tuple[Declaration, ...] = ()
    expect: Expr | None = None
    #: ``:expect:`` as the author wrote it, for messages.
    expect_text: str = ""
    where: tuple[Expr, ...] = ()
    layout: str = "numerator"
    mistake: bool = False
    #: ``True`` when the body was one expression rather than ``name = expr`` lines.
    anonymous: bool = False
    #: The abstract functions of ``:functions:``, and how many arguments each takes.
    functions: tuple[tuple[str, int], ...] = ()
    #: The indices of ``:index:``: their ranges, and which are free.
    indices: IndexInfo = field(default_factory=IndexInfo)
    #: The forms of a derivation, the first one its start (``()`` for other kinds).
    steps: tuple[Step, ...] = ()
    #: With ``:mistake:``: the right form as the author writes it (verified), and a
    #: one-line reason, both shown to students in the mistake's box.
    correct: Expr | None = None
    #: ``:correct:`` as the author wrote it, for messages.
    correct_text: str = ""
    reason: str = ""
    #: The named sub-expressions of ``:let:``, in order.
    lets: tuple[Let, ...] = ()

    def located(self) -> list[Located]:
        """Every expression of the directive, with its line or option."""
        trees: list[Located] = [(d.expr, d.line, None) for d in self.definitions]
        trees += [(s.expr, s.line, None) for s in self.steps]
        trees += [(a.body, a.line, None) for s in self.steps for a in s.assumptions]
        if self.expect is not None:
            trees.append((self.expect, None, "expect"))
        if self.correct is not None:
            trees.append((self.correct, None, "correct"))
        trees += [(c, None, "where") for c in self.where]
        trees += [(let.expr, None, "let") for let in self.lets]
        return trees

    @property
    def components(self) -> tuple[Declaration, ...]:
        """The ``:wrt:`` entries that name a component by a free index (``w[j]``)."""
        return tuple(d for d in self.wrt if d.dims and d.dims[0] in self.indices.ranges)

    @property
    def size_names(self) -> list[str]:
        """The generic sizes, in order of first appearance."""
        names: list[str] = []
        for decl in (*self.wrt, *self.params):
            if decl in self.components:
                continue
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
    _check_options(kind, options)
    index = _names_option(options, "index")
    functions = frozenset(_names_option(options, "functions"))
    wrt: tuple[Declaration, ...] = ()
    if kind != "derivation":
        if "wrt" not in options or not (options["wrt"] or "").strip():
            raise ParseError(_(":wrt: is required: name the variables to differentiate "
                               "with respect to, such as :wrt: x or :wrt: w[n], b"))
        with about("wrt"):
            wrt = parse_declarations(options["wrt"] or "", "wrt")
    with about("vars"):
        params = parse_declarations(options["vars"], "vars") if options.get("vars") else ()
    _check_declarations(wrt, params, index, functions)
    if kind == "hessian":
        _check_hessian_wrt(wrt, index)
    definitions, anonymous, steps = (((), False, _steps(argument, content, functions))
                                     if kind == "derivation" else
                                     (*_body(kind, argument, content, functions), ()))
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
        claim = parse_expression(expect, functions=functions) if expect else None
    # An empty :where: is a slip (a region left out), as an empty :expect: is: never
    # silently "no region".
    if where is not None and not where.strip():
        raise ParseError(_(":where: is empty; give the region, or leave the option out"),
                         option="where")
    with about("where"):
        conditions = parse_conditions(where, functions=functions) if where else ()
    correct, reason = _correction(options, functions)
    problem = Problem(
        kind=kind, definitions=definitions, wrt=wrt, params=params, expect=claim,
        expect_text=" ".join((expect or "").split()), where=conditions, layout=layout,
        mistake="mistake" in options, anonymous=anonymous, steps=steps, correct=correct,
        correct_text=" ".join((options.get("correct") or "").split()), reason=reason)
    if problem.mistake and problem.expect is None and kind != "derivation":
        raise ParseError(_(":mistake: marks a wrong :expect: claim, but there is no "
                           ":expect:"))
    _check_definitions(problem)
    if "let" in options:
        problem = _with_lets(problem, options["let"] or "", functions)
    return _with_indices_and_functions(problem, index, functions)


def _with_lets(problem: Problem, text: str, functions: frozenset[str]) -> Problem:
    """``problem`` with the named sub-expressions of ``:let:`` (see :mod:`.lets`)."""
    with about("let"):
        lets = parse_lets(text, functions)
    declared = {d.name for d in (*problem.wrt, *problem.params)} | set(problem.size_names)
    check_lets(lets, declared | functions, {d.name for d in problem.definitions},
               [tree for tree, _line, _option in problem.located()])
    return dataclasses.replace(problem, lets=lets)


def _correction(options: dict[str, str | None], functions: frozenset[str]
                ) -> tuple[Expr | None, str]:
    """``:correct:`` and ``:reason:``, which only a ``:mistake:`` takes."""
    for option in ("correct", "reason"):
        if option in options and "mistake" not in options:
            raise ParseError(_(":{option}: goes with :mistake: (it says what a known "
                               "mistake should have been)").format(option=option),
                             option=option)
        if option in options and not (options[option] or "").strip():
            raise ParseError(_(":{option}: is empty").format(option=option), option=option)
    correct = None
    if options.get("correct"):
        with about("correct"):
            correct = parse_expression(options["correct"] or "", functions=functions)
    return correct, " ".join((options.get("reason") or "").split())


def _names_option(options: dict[str, str | None], option: str) -> tuple[str, ...]:
    """``:index: i, j`` or ``:functions: f, g``: distinct names."""
    text = options.get(option)
    if text is None:
        return ()
    with about(option):
        names = tuple(check_name(n.strip(), None) for n in text.split(","))
    if len(set(names)) != len(names):
        raise ParseError(_("a name is listed twice in :{option}:").format(option=option),
                         option=option)
    reserved = [n for n in names if n in FUNCTIONS or n == DERIVATIVE]
    if reserved:
        raise ParseError(_("{name!r} is a function of the language and cannot be declared "
                           "in :{option}:").format(name=reserved[0], option=option),
                         option=option)
    return names


def _steps(argument: str, content: list[str], functions: frozenset[str]
           ) -> tuple[Step, ...]:
    lines = [(i, line) for i, line in enumerate(content) if line.strip()]
    if argument.strip():
        if lines and not lines[0][1].lstrip().startswith(("=", "assume")):
            raise ParseError(_("give the first form either after the directive name or in "
                               "the body, not both"), line=lines[0][0])
        lines.insert(0, (None, argument))  # type: ignore[arg-type]
    return parse_steps(lines, functions)


def _with_indices_and_functions(problem: Problem, index: tuple[str, ...],
                                functions: frozenset[str]) -> Problem:
    """``problem`` with its index ranges and the arity of each abstract function."""
    # A component w[j] of :wrt: is of the vector w of :vars:, whose dimensions count.
    components = tuple(d for d in problem.wrt if d.dims and d.dims[0] in index)
    declarations = {d.name: d.dims for d in (*problem.wrt, *problem.params)
                    if d not in components}
    for definition in problem.definitions:
        if definition.name in functions:
            raise ParseError(_("{name!r} is an abstract function of :functions: and cannot "
                               "be defined here").format(name=definition.name),
                             line=definition.line)
    info = analyse(problem.located(), index, declarations, components)
    arities = _arities(problem, functions)
    return dataclasses.replace(problem, indices=info, functions=tuple(arities.items()))


def _arities(problem: Problem, functions: frozenset[str]) -> dict[str, int]:
    """How many arguments each abstract function takes: the same at every use."""
    arities: dict[str, int] = {}
    for tree, line, option in problem.located():
        for node in walk(tree):
            if not isinstance(node, Apply):
                continue
            name, count = node.func.name, len(node.args)
            if arities.setdefault(name, count) != count:
                raise ParseError(_("{name} is applied to {count} and to {other} arguments; "
                                   "an abstract function takes the same number everywhere")
                                 .format(name=name, count=count, other=arities[name]),
                                 line=line, option=option)
            beyond = [k for k in node.func.orders if k > count]
            if beyond:
                raise ParseError(_("D({name}, {k}) differentiates by argument {k}, but "
                                   "{name} is applied to {count} here").format(
                    name=name, k=beyond[0], count=count), line=line, option=option)
            if count > 1 and 0 in node.func.orders:
                raise ParseError(_("{name} takes {count} arguments: say which one to "
                                   "differentiate by, as D({name}, 1)").format(
                    name=name, count=count), line=line, option=option)
    for step in problem.steps:
        for assumption in step.assumptions:
            count = arities.setdefault(assumption.name, len(assumption.params))
            if count != len(assumption.params):
                raise ParseError(_("{name} takes {count} arguments, but the assumption "
                                   "gives it {other}").format(
                    name=assumption.name, count=count, other=len(assumption.params)),
                    line=assumption.line)
    unused = sorted(functions - set(arities))
    if unused:
        raise ParseError(_("{name} is declared in :functions: but not used")
                         .format(name=unused[0]), option="functions")
    return {name: arities[name] for name in sorted(arities)}


@contextmanager
def about(option: str) -> Iterator[None]:
    """Tag errors raised in the block as being about ``option``."""
    try:
        yield
    except VcrError as err:
        err.option = err.option or option
        raise


#: Options a derivation does not take: it differentiates inside, with diff(), and every
#: step is its claim.
NOT_IN_DERIVATIONS = ("wrt", "expect")


def _check_options(kind: str, options: dict[str, str | None]) -> None:
    """Unknown options are our error (counted, failing the build), not docutils'."""
    for option in options:
        if kind == "derivation" and option in NOT_IN_DERIVATIONS:
            raise ParseError(_(":{option}: is not an option of a derivation: differentiate "
                               "inside a step with diff(expr, x), and write each claimed "
                               "form as a step '= ...'").format(option=option),
                             option=option)
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


def _check_declarations(wrt: tuple[Declaration, ...], params: tuple[Declaration, ...],
                        index: tuple[str, ...], functions: frozenset[str]) -> None:
    wrt_names = {d.name for d in wrt if not (d.dims and d.dims[0] in index)}
    vectors = {d.name: d.dims for d in params}
    for decl in params:
        indexed = [d for d in decl.dims if d in index]
        if indexed:
            raise ParseError(_("{index!r} is an index of :index:, not a size: give {name} "
                               "a size name that is not an index").format(
                index=indexed[0], name=decl.name), option="vars")
        if decl.name in wrt_names:
            component = next(d for d in wrt if d.name == decl.name).dims
            if decl.structure:
                raise ParseError(_("{name!r} is in both :wrt: and :vars:; to differentiate "
                                   "by a {structure} matrix, declare the structure in "
                                   ":wrt: ({name}[{dims}] {structure}) and leave {name} out "
                                   "of :vars:").format(
                    name=decl.name, structure=decl.structure,
                    dims=", ".join(map(str, decl.dims))), option="vars")
            # The hint fits a vector of :vars: differentiated by a component (x[n] and
            # x[i]); a scalar, or the same shape, is simply declared twice.
            if decl.dims and component != decl.dims and component \
                    and all(isinstance(d, str) for d in component):
                raise ParseError(_("{name!r} is in both :wrt: and :vars:; to differentiate "
                                   "by a component {name}[{index}], declare {index} in "
                                   ":index:").format(name=decl.name,
                                                     index=", ".join(map(str, component))),
                                 option="wrt")
            # Located at :vars:, the second place the name is declared.
            raise ParseError(_("{name!r} is in both :wrt: and :vars:").format(name=decl.name),
                             option="vars")
    for decl in wrt:
        if decl.dims and any(d in index for d in decl.dims):
            _check_component(decl, vectors, index)
            continue
    sizes = {d for decl in (*wrt, *params) for d in decl.dims
             if isinstance(d, str) and d not in index}
    variables = wrt_names | {d.name for d in params}
    clash = sizes & variables
    if clash:
        raise ParseError(_("{name!r} is used both as a size and as a variable")
                         .format(name=sorted(clash)[0]))
    for names, what in ((set(index), "index"), (set(functions), "functions")):
        clash = names & (sizes | variables)
        if clash:
            raise ParseError(_("{name!r} in :{option}: is also a size or a variable")
                             .format(name=sorted(clash)[0], option=what), option=what)
    if set(index) & functions:
        raise ParseError(_("{name!r} is both an index and a function").format(
            name=sorted(set(index) & functions)[0]), option="index")


def _check_hessian_wrt(wrt: tuple[Declaration, ...], index: tuple[str, ...]) -> None:
    """A Hessian by a matrix would need a layout of four indices: refused, by name."""
    for decl in wrt:
        if len(decl.dims) > 1 and not any(d in index for d in decl.dims):
            raise ShapeError(_("{name} is a matrix; the :wrt: of a hessian takes scalars "
                               "and vectors").format(name=decl.name), option="wrt")


def _check_component(decl: Declaration, vectors: dict[str, tuple[int | str, ...]],
                     index: tuple[str, ...]) -> None:
    """``:wrt: w[j]``: the component ``w_j`` of a vector ``w`` of ``:vars:``."""
    dims = vectors.get(decl.name)
    if not dims or len(dims) != len(decl.dims) or not all(d in index for d in decl.dims):
        raise ShapeError(_(":wrt: {name}[{indices}] differentiates by a component, so "
                           "{name} must be declared in :vars: as a vector (or a matrix, "
                           "for {name}[i, j]), as :vars: {name}[n]").format(
            name=decl.name, indices=", ".join(map(str, decl.dims))), option="wrt")


def _body(kind: str, argument: str, content: list[str], functions: frozenset[str]
          ) -> tuple[tuple[Definition, ...], bool]:
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
        definitions = tuple(parse_definition(text, line, functions) for line, text in lines)
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
        return (parse_definition(text, line or 0, functions),), False
    # "_f" cannot be written in the language, so it never meets an author's name.
    expr = parse_expression(text, line=line, functions=functions)
    return (Definition("_f", expr, line or 0, text.strip()),), True


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
        _check_no_diff_of_definitions(problem)


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


def _check_no_diff_of_definitions(problem: Problem) -> None:
    """A chain rule's factors treat each definition as a variable of its own, so
    ``diff(u, x)`` of a definition u would be 0 there: refused rather than wrong."""
    names = {d.name for d in problem.definitions}
    for definition in problem.definitions:
        for node in walk(definition.expr):
            if isinstance(node, Call) and node.func == "diff" and names_in(node) & names:
                raise ParseError(_("diff() of a definition ({name}) cannot be factored by "
                                   "the chain rule: write diff() of an expression in the "
                                   ":wrt: variables, or use .. derivative::").format(
                    name=sorted(names_in(node) & names)[0]), line=definition.line)


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
    if len(names) > 1:
        # ... and rotation never gives all of them large at once (m = 3 with n = 2): a
        # claim over several indices can fail only there.
        assignments.append({name: max(sizes) for name in names})
    if len(names) > 1 and len(names) <= len(sizes) and any(
            names_in(c) and names_in(c) <= set(names) for c in problem.where):
        # A condition on the sizes (m >= n) excludes some of them: every arrangement of
        # distinct sizes is offered too, so that the ones it keeps are not only those
        # of a vector or a square matrix (the rotations of 1, 2, 3 kept m = 3, n = 1
        # alone, and a claim wrong for every tall X verified).
        for values in itertools.permutations(sizes, len(names)):
            assignment = dict(zip(names, values))
            if assignment not in assignments:
                assignments.append(assignment)
    return assignments
