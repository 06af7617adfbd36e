"""How a derivation is shown: one aligned display, its badge, and a wrong step's words.

The display is the chain as the author wrote it, one ``&=`` a step, each remark beside
its step; an ``assume`` line is a remark on the step it comes before. A step known to be
wrong (``:mistake:``) is crossed out, with the value it should have beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mpmath
import sympy

from ..checking.compare import DIGITS, Comparison, cheap_expand, evaluate_at, resolve_steps
from ..checking.numeric import format_point
from ..language.syntax import Apply, FunctionRef, Name
from ..words import _
from .latex import Printer, sympy_latex
from .messages import (
    agrees,
    entry_texts,
    expression_text,
    index_mix_up,
    pattern_hint,
    sizes_text,
)
from .render import MAX_SIMPLIFY_ENTRIES, entries_named, how_verified, printer_for

if TYPE_CHECKING:
    from ..checking.numeric import Sample
    from ..language.derivation import Step
    from ..language.problem import Problem
    from ..running.steps import Checked

#: Characters special in LaTeX, written in math mode between pieces of text: ``\_`` in
#: ``\text{}`` is an underscore to LaTeX but a backslash and one to MathJax, while
#: ``\_`` in math mode is an underscore to both.
_SPECIALS = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
             "#": r"\#", "^": r"{}^{\wedge}", "_": r"\_", "%": r"\%", "~": r"\sim ",
             # The math of a remark, which pdflatex does not take as text (Unicode
             # characters it has not been set up for fail the PDF build).
             "∂": r"\partial ", "≠": r"\neq ", "○": r"\circ ", "∘": r"\circ ",
             "⊙": r"\odot ", "·": r"\cdot ", "×": r"\times ", "≤": r"\leq ",
             "≥": r"\geq ", "→": r"\to ", "∈": r"\in ", "∑": r"\sum ", "Σ": r"\Sigma ",
             "∇": r"\nabla ", "∞": r"\infty ", "≈": r"\approx ", "±": r"\pm ",
             "²": r"{}^{2}", "³": r"{}^{3}", "ᵀ": r"{}^{\top}", "⊤": r"\top ",
             "α": r"\alpha ", "β": r"\beta ", "γ": r"\gamma ", "δ": r"\delta ",
             "ε": r"\epsilon ", "η": r"\eta ", "θ": r"\theta ", "λ": r"\lambda ",
             "μ": r"\mu ", "σ": r"\sigma ", "φ": r"\phi ", "ω": r"\omega "}


def text(words: str) -> str:
    """``words`` as LaTeX text: ``\\text{...}``, with special characters between the
    pieces, in math mode."""
    pieces, current = [], ""
    for char in words:
        if char in _SPECIALS:
            if current:
                pieces.append(r"\text{" + current + "}")
            pieces.append(_SPECIALS[char])
            current = ""
        else:
            current += char
    if current or not pieces:
        pieces.append(r"\text{" + current + "}")
    return "".join(pieces)


def _remark(problem: Problem, k: int, printer: Printer) -> str:
    """The remarks of step ``k``: the assumptions it is the first to take, as math, and
    the author's words (for step 1, the first form's too)."""
    step = problem.steps[k]
    earlier = problem.steps[k - 1].assumptions if k > 1 else ()
    parts = []
    for assumption in step.assumptions:
        if assumption in earlier:
            continue
        head = printer(Apply(FunctionRef(assumption.name),
                             tuple(Name(p) for p in assumption.params)))
        parts.append(text(_("taking") + " ") + f"{head} = {printer(assumption.body)}")
    words = [r for r in ((problem.steps[0].remark if k == 1 else ""), step.remark) if r]
    if words:
        # In brackets ("= 2x   + 3" would read as part of the formula), unless the
        # author bracketed it already.
        said = "; ".join(words)
        parts.append(text(said if said.startswith(("(", "（")) else f"({said})"))
    return (r"\qquad " + r"\text{; }".join(parts)) if parts else ""


def display(problem: Problem, case: Checked, marked: set[int]) -> list[str]:
    """The derivation as one aligned block; the steps in ``marked`` crossed out."""
    printer = printer_for(case.instance, case.names)
    lines = []
    for k, step in enumerate(problem.steps[1:], start=1):
        body = printer(step.expr)
        correction = ""
        if k in marked:
            body = rf"\cancel{{{body}}}"
            correction = _correct(problem, case, k)
        start = printer(problem.steps[0].expr) + " " if k == 1 else ""
        lines.append(f"{start}&= {body}{_remark(problem, k, printer)}")
        if correction:
            # On a line of its own: beside the struck step a long one runs off the page.
            lines.append(f"& {correction}")
    if problem.where:
        # A line of its own: beside a long chain it runs off the page.
        lines.append(r"& \qquad " + text(_("for") + " ")
                     + r",\ ".join(printer(c) for c in problem.where))
    return [r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"]


MAX_CORRECT = 160  # characters of LaTeX of a correct value shown beside a wrong step


def _correct(problem: Problem, case: Checked, k: int) -> str:
    """What a crossed-out step should be: the author's ``:correct:`` (for the first
    wrong step), else the form it was compared with, as SymPy writes it (not with
    abstract functions, whose stand-ins are no one's business)."""
    if problem.correct is not None and k == min(
            (s for s in case.results if not _held(case, s)), default=None):
        printer = printer_for(case.instance, case.names)
        return r"\quad " + text(_("(it is)")) + r"\ " + printer(problem.correct)
    if problem.functions:
        return r"\quad " + text(_("(wrong)"))
    before = case.pairs[k].before.value
    matrix = sympy.Matrix([[before.data]]) if before.is_scalar else sympy.Matrix(before.data)
    matrix = resolve_steps(matrix, case.instance.conditions)
    if len(matrix) <= MAX_SIMPLIFY_ENTRIES:
        matrix = matrix.applyfunc(lambda e: sympy.cancel(e) if e.is_rational_function()
                                  else e)
    at = case.instance.case.assignment
    value = sympy_latex(matrix, case.names)
    if len(value) > MAX_CORRECT:
        return r"\quad " + text(_("(wrong)"))  # a value too long to read, or to fit
    where = (r"\ " + text(_("(shown for {sizes})").format(sizes=sizes_text(at)))) if at else ""
    return r"\quad " + text(_("(wrong; it is)")) + r"\ " + value + where


def step_name(k: int) -> str:
    """``the first form`` or ``step 3``: the forms of a chain as messages name them
    (the steps are the lines that start with '=', counted from 1)."""
    return _("the first form") if k == 0 else _("step {k}").format(k=k)


def step_message(problem: Problem, checked: list[Checked], k: int, case: Checked,
                 hints: bool = True) -> str:
    """Why step ``k`` does not follow from the form it was compared with (the one before
    it, or under ``:mistake:`` the last one that held), with the values and a hint."""
    result = case.results[k]
    anchor = case.pairs[k].anchor if k in case.pairs else k - 1
    before, after = problem.steps[anchor], problem.steps[k]
    at = case.instance.case.assignment
    if isinstance(result, str):
        where = f" ({sizes_text(at)})" if at else ""
        return _("step {k} does not follow from {previous}{where}: {reason}").format(
            k=k, previous=step_name(anchor), where=where, reason=result)
    difference = result.difference
    assert difference is not None
    sample = case.sample(k)
    symbols = sample.symbols
    point = format_point(symbols, difference.point, exact=result.partial,
                         names=entry_texts(case.instance))
    if at:
        point = sizes_text(at) + ("; " + point if point else "")
    point = _(" at {point}").format(point=point) if point else ""
    claimed = evaluate_at(difference.claim, symbols, difference.point)
    actual = evaluate_at(difference.actual, symbols, difference.point)
    entry = "" if case.pairs[k].before.value.is_scalar else _(" (entry ({row}, {col}))").format(
        row=difference.row + 1, col=difference.col + 1)
    message = _("step {k} does not follow from {previous}{point}{entry}: {previous} "
                "is {before} -> {value} but step {k} is {after} -> {claimed}"
                ).format(k=k, previous=step_name(anchor), point=point, entry=entry,
                         before=_quote(before), after=_quote(after),
                         value=_number(actual), claimed=_number(claimed))
    gap = _gap(difference.gap, claimed, actual)
    if gap:
        message = _("{message} (they differ by {gap})").format(message=message, gap=gap)
    hint = _hints(problem, checked, k, case, result) if hints else ""
    if hint:
        message = _("{message} ({hint})").format(message=message, hint=hint)
    return message


def _quote(step: Step) -> str:
    text = step.text
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _number(value: object) -> str:
    value = complex(value)  # type: ignore[arg-type]
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.4g}{value.imag:+.4g}j"
    return f"{value.real:.6g}"


def _gap(certified: mpmath.mpf | None, claimed: object, actual: object) -> str:
    with mpmath.workdps(DIGITS):
        try:
            gap = certified if certified is not None else abs(claimed - actual)  # type: ignore
            return mpmath.nstr(gap, 3)
        except TypeError:
            return ""


def _hints(problem: Problem, checked: list[Checked], k: int, case: Checked,
           result: Comparison) -> str:
    """Sign, factor, transpose, a dropped term, an index mix-up, a size."""
    hints = []
    before, after = case.pairs[k].before.value, case.pairs[k].after.value
    claim = sympy.Matrix([[after.data]]) if after.is_scalar else sympy.Matrix(after.data)
    actual = sympy.Matrix([[before.data]]) if before.is_scalar else sympy.Matrix(before.data)
    hint = pattern_hint(claim, actual, case.sample(k), case.instance.case.assignment,
                        step=True)
    if hint:
        hints.append(hint)
    # (with abstract functions, a term would be written with their stand-ins)
    dropped = "" if problem.functions else _dropped_term(claim, actual, case.sample(k),
                                                         entry_texts(case.instance))
    if dropped:
        hints.append(_("it drops the term {term}").format(term=dropped))
    mixed = _index_mix_up(problem, checked, k, case)
    same_size = [c for c in checked if c.instance.sizes == case.instance.sizes
                 and c is not case and _held(c, k)]
    if mixed:
        hints.append(mixed)
    elif same_size and problem.indices.free:
        hints.append(_("it holds at other values of {indices} but not at {values}").format(
            indices=", ".join(problem.indices.free),
            values=sizes_text(case.instance.case.indices)))
    elif case.instance.sizes:
        passed = [sizes_text(c.instance.case.assignment) for c in checked
                  if k in c.results and c is not case and isinstance(c.results[k], Comparison)
                  and c.results[k].equal]
        if passed:
            hints.append(_("it holds at {sizes} but not at every size").format(
                sizes="; ".join(passed[:3]) + ("; ..." if len(passed) > 3 else "")))
    assumed = {a.name for a in problem.steps[k].assumptions}
    if any(name not in assumed for name, _arity in problem.functions):
        hints.append(_("checked with the abstract functions replaced by concrete ones: a "
                       "general rule must hold for every function"))
    if result.partial:
        hints.append(_("it holds on part of the domain only"))
    # TRANSLATORS: joins the hints about a wrong claim.
    return _("; ").join(hints)


def _held(case: Checked, k: int) -> bool:
    result = case.results.get(k)
    return isinstance(result, Comparison) and result.equal


def _dropped_term(claim: sympy.Matrix, actual: sympy.Matrix, sample: Sample,
                  names: dict[sympy.Basic, str] | None = None) -> str:
    """A term of the step before that the step leaves out (or adds), if one does."""
    if len(actual) != 1:
        return ""
    expanded = cheap_expand(actual[0])
    terms = sympy.Add.make_args(actual[0] if expanded is None else expanded)
    if len(terms) < 2 or len(terms) > 12:
        return ""
    for term in terms:
        for candidate in (actual[0] - term, actual[0] + term):
            if agrees(sympy.Matrix([[claim[0]]]), sympy.Matrix([[candidate]]), sample):
                return expression_text(term, names)
    return ""


def _index_mix_up(problem: Problem, checked: list[Checked], k: int, case: Checked) -> str:
    """"it holds where i = j only": a step true on the diagonal of its free indices."""
    free = problem.indices.free
    held = [c.instance.case.indices for c in checked
            if isinstance(c.results.get(k), Comparison) and c.results[k].equal]
    diagonal = [c for c in checked if len(set(c.instance.case.indices.values())) == 1]
    if not index_mix_up(free, case.instance.case.indices, held) or any(
            c.instance.case.indices not in held for c in diagonal):
        return ""
    return _("it holds where {indices} are equal but not where they differ: check the "
             "indices").format(indices=", ".join(free))


def badge(problem: Problem, checked: list[Checked], exact: bool, points: int,
          worst: float) -> str:
    """``4 steps verified symbolically; ...``."""
    steps = len(problem.steps) - 1
    how = how_verified([r for c in checked for r in c.results.values()
                        if isinstance(r, Comparison)], exact,
                       entries_named(c.instance for c in checked))
    count = (_("1 step") if steps == 1 else _("{count} steps")).format(count=steps)
    sizes = sorted({v for c in checked for v in c.instance.sizes.values()})
    parts = [_("{steps} verified: {how}").format(steps=count, how=how)]
    if problem.functions:
        count = len({c.instance.case.replacement for c in checked})
        parts.append((_("with 1 replacement of the abstract functions") if count == 1 else
                      _("with {count} replacements of the abstract functions"))
                     .format(count=count))
    if sizes:
        parts.append(_("at sizes {sizes}").format(sizes=", ".join(map(str, sizes))))
    parts.append(_("{points} sample points, largest finite-difference error {error}")
                 .format(points=points, error=f"{worst:.1e}"))
    # TRANSLATORS: joins the parts of a badge.
    return _("; ").join(parts)
