"""Assemble the LaTeX a verified (or failed) directive displays, and its badge text.

A directive shows its definitions, then ``derivative = result``: the author's claim when
there is one (it has just been verified), else SymPy's result. Chain rules show their
factorisation, with the factor matrices when every size is fixed. A ``:where:`` region
is stated beside the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import sympy

from ..calculus.derivatives import arrangement
from ..calculus.evaluate import evaluate
from ..calculus.instance import style_of
from ..calculus.sympy_text import entry_names, expression_text
from ..checking.compare import resolve_steps
from ..errors import VcrError
from ..language.syntax import Binary, Call, Name, Num, Unary, names_in
from ..running.limits import clock, soft_limit
from ..symbolic.walk import tree_size
from ..words import N_, _
from .latex import Printer, sympy_latex, wrt_latex
from .names import Names, names_of

if TYPE_CHECKING:
    from ..calculus.derivatives import Factor
    from ..calculus.instance import Instance
    from ..checking.compare import Comparison
    from ..checking.numeric import Probes
    from ..language.problem import Problem
    from ..language.syntax import Expr
    from ..records import Run
    from ..running.derived import Derived
    from ..running.factors import Values as FactorValues

MAX_SIMPLIFY_ENTRIES = 16  # beyond this, show SymPy's result as it is
MAX_NAMED = 3              # guards named in a badge


def _names(problem: Problem, run: Run) -> Names:
    """How the directive's names are written (each distinctly), as checked by the run."""
    return run.names or names_of(problem, run.instance)


def _printer(run: Run, names: Names) -> Printer:
    """A printer that knows which sub-expressions are arrays (for ⊙ and ⊘)."""
    return printer_for(run.instance, names)


def printer_for(instance: Instance, names: Names) -> Printer:
    """A printer of the expressions of ``instance``, which knows which of them are
    arrays (for ⊙ and ⊘) and how many arguments each abstract function takes."""

    known: dict[Expr, tuple | None] = {}

    def shape(node: Expr) -> tuple | None:
        # Asked of one node several times (is it an array, a matrix, a column?): each
        # answer evaluates the node at the instance's sizes, so it is evaluated once.
        if node not in known:
            try:
                known[node] = evaluate(node, instance.scope()).shape
            except VcrError:
                known[node] = None
        return known[node]

    def is_array(node: Expr) -> bool | None:
        found = shape(node)
        return None if found is None else bool(found)

    def is_matrix(node: Expr) -> bool | None:
        found = shape(node)
        return None if found is None else style_of(found) == "matrix"

    arities = {name: model.arity for name, model in instance.context.functions.items()}
    return Printer(instance.styles, is_array, names, arities, is_matrix, shape)


def _wrt(problem: Problem, names: Names) -> str:
    components = problem.components
    return wrt_latex([names.entry_prefix(d.name) + "".join(map(str, d.dims)) + "}"
                      if d in components else names(d.name) for d in problem.wrt])


def _definitions(problem: Problem, run: Run, names: Names) -> str:
    printer = _printer(run, names)
    lines = [f"{names(d.name)} &= {printer(d.expr)}" for d in problem.definitions]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


#: How a structure of ``:vars:``/``:wrt:`` is stated under the math.
_STRUCTURE_WORDS = {"symmetric": N_("symmetric"), "spd": N_("symmetric positive definite"),
                    "diagonal": N_("diagonal")}


def _lets(problem: Problem, run: Run, names: Names) -> list[str]:
    """The definitions of ``:let:`` and the structures of the declared matrices, stated
    once under the math that uses their names."""
    printer = _printer(run, names)
    parts = [f"{names(let.name)} = {printer(let.expr)}" for let in problem.lets]
    parts += [names(d.name) + r"\ \text{" + _(_STRUCTURE_WORDS[d.structure]) + "}"
              for d in (*problem.wrt, *problem.params) if d.structure]
    if not parts:
        return []
    return [r"\text{" + _("where") + r" }" + r",\quad ".join(parts)]


def _lhs(problem: Problem, run: Run, names: Names) -> str:
    """``d/dx (f)``, ``∂(f, g)/∂(x, y)`` or ``∂y/∂x``: the derivative being taken."""
    wrt = _wrt(problem, names)
    body = _printer(run, names)(problem.output.expr)
    if problem.kind == "derivative" and not problem.components:
        return rf"\frac{{\mathrm{{d}}}}{{\mathrm{{d}} {wrt}}}\left({body}\right)"
    if problem.kind == "hessian":
        # ∂²f/∂x∂xᵀ rather than ∇²f: it names the variables, and ∇² is also the
        # Laplacian (the Hessian's trace) in many texts.
        return (rf"\frac{{\partial^{{2}}}}{{\partial {wrt}\, \partial {wrt}^{{\top}}}}"
                rf"\left({body}\right)")
    if problem.anonymous:
        return rf"\frac{{\partial}}{{\partial {wrt}}}\left({body}\right)"
    if problem.kind == "jacobian" and len(problem.definitions) > 1:
        top = "(" + ", ".join(names(d.name) for d in problem.definitions) + ")"
    else:
        top = names(problem.output.name)
    d = r"\mathrm{d}" if problem.kind == "chain-rule" and _total_d(problem, run) \
        else r"\partial"
    return rf"\frac{{{d} {top}}}{{{d} {wrt}}}"


def _one_scalar(problem: Problem) -> bool:
    return len(problem.wrt) == 1 and not problem.wrt[0].dims


def _total_d(problem: Problem, run: Run) -> bool:
    """Whether total derivatives are written with d: by one scalar, or in the
    total-derivative form, where they must differ from the partial ones."""
    return _one_scalar(problem) or (run.chain is not None and run.chain.form == "total")


def _of_one_scalar(problem: Problem, run: Run, factor: Factor) -> bool:
    """Whether a factor between intermediates is an ordinary derivative: a scalar
    defined from that one scalar alone (``y = log(u)``: dy/du, not ∂y/∂u)."""
    styles = run.instance.styles
    if styles.get(factor.top) != "scalar" or styles.get(factor.bottom) != "scalar":
        return False
    definition = next((d for d in problem.definitions if d.name == factor.top), None)
    if definition is None:
        return False
    varying = {d.name for d in problem.definitions} | {w.name for w in problem.wrt}
    return names_in(definition.expr) & varying == {factor.bottom}


def _region(problem: Problem, run: Run, names: Names) -> str:
    if not problem.where:
        return ""
    printer = _printer(run, names)
    return (r"\qquad \text{" + _("for") + " } "
            + r",\ ".join(printer(c) for c in problem.where))


def _generic(problem: Problem) -> bool:
    return bool(problem.size_names)


def _shown_at(run: Run, names: Names) -> str:
    sizes = run.instance.case.assignment
    if not sizes:
        return ""
    words = _("(shown for {sizes})")
    if not any("_" in k for k in sizes):
        return r"\quad \text{" + words.format(
            sizes=", ".join(f"{k} = {v}" for k, v in sizes.items())) + "}"
    # An underscore cannot stand in \text (LaTeX stops there): write the sizes as math.
    before, _sizes, after = words.partition("{sizes}")
    math = ", ".join(f"{names(k)} = {v}" for k, v in sizes.items())
    return r"\quad \text{" + before + "}" + math + r"\text{" + after + "}"


def _refine(matrix: sympy.Matrix, run: Run) -> sympy.Matrix:
    """Resolve the step functions that the ``:where:`` region fixes (``z > 0``)."""
    return resolve_steps(matrix, run.instance.conditions, run.instance.substitution)


#: Entries with more distinct nodes than this are shown as SymPy wrote them, and so
#: is every entry not cancelled within CANCEL_SECONDS in all.
MAX_CANCELLED = 300
CANCEL_SECONDS = 1.0


def _simplified(matrix: sympy.Matrix, run: Run) -> sympy.Matrix:
    """SymPy's result made readable by cheap means: kinks resolved on the region, and
    fractions combined. (Full simplification took a fifth of all verification time in
    the benchmarks, for results SymPy already writes readably.)"""
    matrix = _refine(matrix, run)
    if len(matrix) > MAX_SIMPLIFY_ENTRIES:
        return matrix
    # (small entries only, and within a budget: cancel of the entries of Cookbook
    # (127) at n = 3, with nested inverses, took 40 s, and the directive timed out)
    deadline = clock() + CANCEL_SECONDS
    entries = list(matrix)
    for k, entry in enumerate(entries):
        left = deadline - clock()
        if left <= 0:
            break
        if tree_size([entry])[1] <= MAX_CANCELLED and entry.is_rational_function():
            with soft_limit(left):
                entries[k] = sympy.cancel(entry)
    return sympy.Matrix(matrix.rows, matrix.cols, entries)


def _result(problem: Problem, run: Run, names: Names) -> str:
    """The claim if there is one, else the computed derivative."""
    if problem.expect is not None and not problem.mistake:
        return _printer(run, names)(problem.expect)
    return _computed(problem, run, names)


def _computed(problem: Problem, run: Run, names: Names) -> str:
    """The derivative SymPy computed, as readably as cheap means make it."""
    shown = run.derivative if run.shown is None else run.shown
    return sympy_latex(_simplified(shown, run), names) + (
        _shown_at(run, names) if _generic(problem) else "")


def _chain(problem: Problem, run: Run, names: Names,
           values: FactorValues | None = None) -> str:
    """The factorisation line of a chain rule, ending in ``= result``; at generic
    sizes, with the factors' verified index-free ``values`` where there are any."""
    # With abstract functions, the factors of SymPy's undefined functions, not of the
    # replacements that checked them.
    factorisation = run.shown_chain or run.chain
    assert factorisation is not None
    wrt = _wrt(problem, names)
    denominator = problem.layout == "denominator"

    def symbol(factor: Factor) -> str:
        top = names(factor.top)
        below = wrt if factor.bottom is None else names(factor.bottom)
        total = not factor.partial and (factor.bottom is None
                                        or _of_one_scalar(problem, run, factor))
        d = r"\mathrm{d}" if total and _total_d(problem, run) else r"\partial"
        return rf"\frac{{{d} {top}}}{{{d} {below}}}"

    def matrix(factor: Factor) -> str:
        value = _refine(factor.matrix.T if denominator else factor.matrix, run)
        text = sympy_latex(value, names)
        # A sum among factors is bracketed: "cos u + 1 · 2x + 1" reads as three terms.
        if value.shape == (1, 1) and isinstance(value[0, 0], sympy.Add) and many:
            return rf"\left({text}\right)"
        return text

    def term(factors: list[Factor], show: Callable[[Factor], str]) -> str:
        nonlocal many
        ordered = list(reversed(factors)) if denominator else factors
        if show is by_value:
            # An identity among values multiplies nothing: vᵀ X, not vᵀ I_N X.
            ordered = [f for f in ordered if not _identity(known.get(id(f)))] \
                or ordered[:1]
        many = len(ordered) > 1
        # Scalars side by side would read as one number ("1 2x"): join them with a dot.
        # By value the factors are generic: 1 x 1 at a size 1 says nothing of them.
        scalars = (show is matrix or (show is by_value and not shown_at_one)) \
            and all(f.matrix.shape == (1, 1) for f in ordered)
        return (r" \cdot " if scalars else " ").join(show(f) for f in ordered)

    printer = _printer(run, names)
    sizes = frozenset(problem.size_names)
    shown_at_one = any(run.instance.case.sizes.get(n) == 1 for n in sizes)
    known = {id(f): v for t, vs in zip(factorisation.terms, values or [])
             for f, v in zip(t, vs)}

    def by_value(factor: Factor) -> str:
        # A factor without a verified value keeps its symbol: nothing unverified is
        # shown as a value.
        tree = known.get(id(factor))
        if tree is None:
            return symbol(factor)
        text = printer(tree)
        return rf"\left({text}\right)" if many and _needs_brackets(tree, sizes, printer) \
            else text

    many = False

    parts = [" + ".join(term(t, symbol) for t in factorisation.terms)]
    # The factors multiply to d L / d vec(W), a row, while the result has W's shape:
    # written out side by side, the two would seem to disagree.
    if not _generic(problem) and arrangement(problem, run.instance.output) == "flat":
        parts.append(" + ".join(term(t, matrix) for t in factorisation.terms))
    elif _generic(problem) and any(known.values()):
        parts.append(" + ".join(term(t, by_value) for t in factorisation.terms))
    result = _result(problem, run, names)
    if len(parts) > 1 and parts[-1] == result:
        parts.pop()  # the factors' values multiplied are the result as written
    return " = ".join(parts) + " = " + result


def _identity(tree: Expr | None) -> bool:
    """Whether a factor's value is an identity matrix, ``eye(N)``."""
    return isinstance(tree, Call) and tree.func == "eye"


def _needs_brackets(tree: Expr, sizes: frozenset[str] = frozenset(),
                    printer: Printer | None = None) -> bool:
    """Whether a factor's value must be bracketed beside others: a sum or a negation
    (``-I``), a Kronecker or Hadamard product (``I ⊗ X``, ``B ⊙ C A`` is not
    ``(B ⊙ C) A``), a dot product (``a · b xᵀ``) or a matrix product that starts with
    a sign (``C -A B``) would otherwise read as part of its neighbours. Any other
    matrix product is not bracketed: the factors multiply by ``@`` too, which is
    associative (``xᵀA A``). Nor is a number times an array (``2/N vᵀ``, with
    ``sizes`` the size names)."""
    if isinstance(tree, Unary) or (isinstance(tree, Call) and tree.func == "kron"):
        return True
    if not isinstance(tree, Binary) or tree.op == "**":
        return False
    if tree.op == "@":
        return _signed(tree) or _dotted(tree, printer)
    return tree.op in "+-" or not (_is_number(tree.left, sizes)
                                   or _is_number(tree.right, sizes))


def _signed(tree: Expr) -> bool:
    """Whether a product is printed with a sign in front (``-A B``)."""
    while isinstance(tree, Binary) and tree.op in ("@", "*", "/"):
        tree = tree.left
    return isinstance(tree, Unary)


def _dotted(tree: Binary, printer: Printer | None) -> bool:
    """Whether ``tree``, a ``@``, is printed as a dot product of two vectors (``a · b``):
    not associative with the matrix products beside it. Without a printer to tell,
    every ``@`` is taken to be one."""
    if printer is None:
        return True
    return printer.is_vector(tree.left) and printer.is_vector(tree.right)


def _is_number(tree: Expr, sizes: frozenset[str]) -> bool:
    if isinstance(tree, Num) or (isinstance(tree, Name) and tree.id in sizes):
        return True
    return isinstance(tree, Binary) and tree.op in "*/" and _is_number(tree.left, sizes) \
        and _is_number(tree.right, sizes)


def success(problem: Problem, runs: list[Run],
            values: FactorValues | None = None) -> list[str]:
    """The math blocks of a verified directive; ``values``: a chain rule's factors by
    their verified index-free values (see :mod:`..running.factors`)."""
    run = runs[-1]
    names = _names(problem, run)
    blocks = []
    if not problem.anonymous:
        blocks.append(_definitions(problem, run, names))
    region = _region(problem, run, names)
    if problem.kind == "chain-rule":
        top = _lhs(problem, run, names)
        blocks.append(f"{top} = {_chain(problem, run, names, values)}{region}")
    else:
        blocks.append(f"{_lhs(problem, run, names)} = {_result(problem, run, names)}{region}")
    return blocks + _lets(problem, run, names)


def mistake(problem: Problem, run: Run, derived: Derived | None = None) -> list[str]:
    """A wrong claim and the correct value beside it: the author's :correct:, else the
    index-free form ``derived`` (verified), else the entries. A known mistake is struck
    through, for students; a failed claim is marked as the author's claim."""
    names = _names(problem, run)
    printer = _printer(run, names)
    claim = printer(problem.expect)  # type: ignore[arg-type]
    blocks = [] if problem.anonymous else [_definitions(problem, run, names)]
    lhs = _lhs(problem, run, names)
    if problem.mistake and problem.correct is not None:
        correct = printer(problem.correct)
    elif derived is not None:
        correct = printer(derived.tree)
    else:
        correct = _computed(problem, run, names)
    if problem.mistake:
        blocks.append(rf"{lhs} = \cancel{{{claim}}}")
    else:
        claimed = _("(claimed)")
        blocks.append(rf"{lhs} \neq {claim} \quad \text{{{claimed}}}")
    blocks.append(rf"{lhs} = {correct}{_region(problem, run, names)}")
    return blocks + _lets(problem, run, names)


def mistake_badge(problem: Problem, detail: str) -> str:
    """What a confirmed mistake's box says: the author's reason, or the detail (never
    the hints, which are for authors and go to the build's messages)."""
    return problem.reason or _("Known mistake, confirmed wrong: {message}").format(
        message=detail)


def failure(problem: Problem, run: Run, derived: Derived | None = None) -> list[str]:
    """A failed claim: what was claimed, and what the derivative is."""
    return mistake(problem, run, derived)


#: What :func:`badge` says of a derivative shown without the author's claim: the
#: index-free form derived (and verified as a claim), or no such form found.
DERIVED, NO_FORM = "derived", "no form"


def _how(problem: Problem, runs: list[Run], exact: bool, form: str | None) -> str:
    """How the claim was verified; for a numeric verification, how completely the
    probes covered the pieces of the claim (see :mod:`.regions`)."""
    if form == NO_FORM:
        return _("derivative computed by SymPy (no index-free form found)")
    if problem.expect is None:
        return _("derivative computed by SymPy")
    how = how_verified([r.comparison for r in runs if r.comparison is not None], exact,
                       entries_named(r.instance for r in runs))
    if form == DERIVED:
        # The form was checked exactly as a claim is: the badge says how, in those words.
        return (_("index-free form derived, verified symbolically") if exact else
                _("index-free form derived, verified as a claim ({how})").format(how=how))
    return how


def entries_named(instances: Iterable[Instance]) -> dict[sympy.Basic, str]:
    """How the author writes the entry symbols of all of ``instances`` (see
    :func:`.sympy_text.entry_names`)."""
    names: dict[sympy.Basic, str] = {}
    for instance in instances:
        names.update(entry_names(instance.scope_values))
    return names


def how_verified(comparisons: list[Comparison], exact: bool,
                 names: dict[sympy.Basic, str] | None = None) -> str:
    """How claims were verified, from their comparisons (see :func:`_how`); ``names``:
    how the author writes the entries a guard named in it has (``x1``, ``W[1, 2]``)."""
    if exact:
        return _("claim verified symbolically")
    probes = [c.coverage for c in comparisons if c.coverage is not None]
    if not probes:
        return _("claim verified numerically at the sample points")
    how = _coverage(probes, names)
    if any(p.coarse for p in probes) and not any(p.unsolved for p in probes):
        how += _(" (pieces narrower than a double's spacing were looked for only beside "
                 "boundaries known exactly)")
    proven = sum(p.proven for p in probes)
    if proven:
        how += _("; at {proven} of them, proven equal exactly on the piece they lie "
                 "in").format(proven=proven)
    return how


def _coverage(probes: list[Probes], names: dict[sympy.Basic, str] | None) -> str:
    """How far the probe points of :func:`how_verified` covered the claim's pieces."""
    count = sum(len(p.points) for p in probes)
    unsolved = sorted({expression_text(g, names) for p in probes for g in p.unsolved})
    if unsolved:
        return _("claim verified numerically, checked at points only ({count} points): "
                 "the boundaries of {guards} were not found").format(
            count=count, guards=", ".join(unsolved[:MAX_NAMED]) + (
                ", ..." if len(unsolved) > MAX_NAMED else ""))
    if any(p.capped for p in probes):
        return _("claim verified numerically at {count} points; not every interval "
                 "between the boundaries of its pieces was checked (too many: capped)"
                 ).format(count=count)
    windows = [p.window for p in probes if p.window is not None]
    if any(p.cells for p in probes) and windows:
        # some boundaries were searched in a window only: say which, claim no more
        if all(p.dimensions == 1 for p in probes):
            return _("claim verified numerically at {count} points, covering every "
                     "interval between the boundaries of its pieces in [-{window:g}, "
                     "{window:g}] (beyond it, at points only)").format(
                count=count, window=min(windows))
        return _("claim verified numerically at {count} points, covering every interval "
                 "between the boundaries of its pieces along the coordinate lines through "
                 "the sample points, in [-{window:g}, {window:g}] in each coordinate "
                 "(beyond it, at points only)").format(count=count, window=min(windows))
    if any(p.cells for p in probes) and all(p.dimensions == 1 for p in probes):
        return _("claim verified numerically at {count} points, covering every interval "
                 "between the boundaries of its pieces").format(count=count)
    if any(p.cells for p in probes):
        # in several variables, the intervals are those along the lines probed
        return _("claim verified numerically at {count} points, covering every interval "
                 "between the boundaries of its pieces along the coordinate lines through "
                 "the sample points").format(count=count)
    return _("claim verified numerically at {count} points").format(count=count)


def _factors_note(problem: Problem, runs: list[Run], values: FactorValues) -> str:
    """What the badge says of a chain rule's factors written by value: verified, or
    which have no index-free form (those keep their symbol)."""
    factorisation = runs[-1].chain
    assert factorisation is not None
    wrt = ", ".join(d.name for d in problem.wrt)
    wrt = f"({wrt})" if len(problem.wrt) > 1 else wrt
    missing = [f"∂{f.top}/∂{f.bottom or wrt}" for t, vs in zip(factorisation.terms, values)
               for f, v in zip(t, vs) if v is None]
    if not missing:
        return _("the factors' index-free forms derived, each verified as a claim")
    if len(missing) == sum(len(t) for t in factorisation.terms):
        return _("no index-free form found for the factors")
    return _("the factors' index-free forms derived and verified, but no index-free form "
             "found for {factors}").format(factors=", ".join(missing))


def badge(problem: Problem, runs: list[Run], exact: bool, points: int,
          worst: float, form: str | None = None,
          values: FactorValues | None = None) -> str:
    """``verified symbolically; finite differences at 15 points (n = 1, 2, 3) ...``;
    ``form`` is :data:`DERIVED` or :data:`NO_FORM` for a directive without a claim;
    ``values``: a chain rule's factors by value, as :func:`success` shows them."""
    how = _how(problem, runs, exact, form)
    if values is not None and runs and runs[-1].chain is not None:
        how = _("{how}; {factors}").format(how=how,
                                           factors=_factors_note(problem, runs, values))
    sizes = sorted({v for r in runs for v in r.instance.sizes.values()})
    if sizes:
        text = _("{how}; checked by finite differences at {points} points at sizes "
                 "{sizes}, largest relative error {error}")
    else:
        text = _("{how}; checked by finite differences at {points} points, largest "
                 "relative error {error}")
    text = text.format(how=how, points=points, sizes=", ".join(map(str, sizes)),
                       error=f"{worst:.1e}")
    # A Hessian, or a matrix by a scalar, is the same in either layout: not said.
    arranged = arrangement(problem, runs[-1].instance.output) if runs else "flat"
    same = problem.kind == "hessian" or arranged == "entrywise"
    if problem.layout == "denominator" and not same:
        text = _("{badge}; denominator layout").format(badge=text)
    elif arranged == "matrix":
        # The Matrix Cookbook, and most readers, take d/dX to have X's shape: say when
        # the page shows the transpose.
        text = _("{badge}; numerator layout (the transpose of the Matrix Cookbook's, "
                 "which has the matrix's shape)").format(badge=text)
    return text
