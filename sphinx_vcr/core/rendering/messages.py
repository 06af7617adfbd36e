"""The words of a failure: where a claim fails, by how much, and the likely cause.

A student reads these messages, so they name the point, the entry, the claimed and the
actual values, and, when the values show it, the kind of slip (a sign, a constant
factor, a transpose, a claim that holds only at some sizes or only on a branch).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import mpmath
import sympy

from ..calculus.derivatives import flatten
from ..calculus.evaluate import evaluate
from ..calculus.indexfree.text import to_text
from ..calculus.sympy_text import entry_names, expression_text
from ..checking.compare import DIGITS, agree, evaluate_at, resolve_steps, values_at
from ..checking.numeric import Sample, format_point
from ..checking.replacements import REPLACEMENTS
from ..errors import VcrError
from ..language.parse import parse_expression
from ..language.syntax import ArrayLit, Expr
from ..words import _

if TYPE_CHECKING:
    from ..calculus.instance import Instance
    from ..language.problem import Problem
    from ..records import Run


def sizes_text(sizes: dict[str, int]) -> str:
    """``n=2, N=3``: an instantiation of the sizes as a message shows it."""
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def mismatch_message(problem: Problem, runs: list[Run], hints: bool = True,
                     derivative: str = "", suggestion: str = "") -> str:
    """Why the claim of ``runs[-1]`` fails: the first point and entry where it differs
    from the derivative, the hints, and ``suggestion``. With ``derivative`` (the
    index-free form, verified) the message starts with the claim as the author wrote it
    and that form; without one, the derivative's entries are quoted, in the language's
    syntax (:func:`expression_text`)."""
    run = runs[-1]
    difference = run.comparison.difference  # type: ignore[union-attr]
    sample = run.sample
    point = difference.point
    claim_value = evaluate_at(difference.claim, sample.symbols, point)
    actual_value = evaluate_at(difference.actual, sample.symbols, point)
    # a probe may lie in an interval narrower than three digits show
    names = entry_texts(run.instance)
    where = format_point(sample.symbols, point, exact=run.comparison.partial,  # type: ignore
                         names=names)
    sizes = run.instance.case.assignment
    if sizes:
        where = sizes_text(sizes) + "; " + where
    shown = _number(claim_value), _number(actual_value)
    actual = resolve_steps(difference.actual, run.instance.conditions)
    valued = _valued(expression_text(actual, names), shown[1])
    written = ""
    if problem.functions:
        # The replacements' formulas mean nothing to the author: the claim as written,
        # and the values.
        detail = _("the claim {claim} is {claimed} there but the derivative is {value}, "
                   "with the abstract functions replaced by concrete ones (replacement "
                   "{which} of {count}): a general rule must hold for every function")
        detail = detail.format(claim=repr(problem.expect_text), claimed=shown[0],
                               value=shown[1], which=run.instance.case.replacement + 1,
                               count=REPLACEMENTS)
    elif derivative:
        # Beside the claim as written and the index-free form, the claim's entry is not
        # quoted: it would be SymPy's rewriting of the claim, which the author did not
        # write.
        if run.derivative.shape == (1, 1):
            detail = _("the claim is {claimed} there but the derivative is {actual}")
        else:
            detail = _("entry ({row}, {col}) of the claim is {claimed} but the "
                       "derivative's is {actual}")
        # The index-free form says what the derivative is; an entry written out that
        # is longer than a line or two is only its value (a softmax network's was
        # thousands of characters, after the useful part).
        detail = detail.format(row=difference.row + 1, col=difference.col + 1,
                               claimed=shown[0],
                               actual=valued if len(valued) <= MAX_ENTRY_TEXT else shown[1])
    else:
        # The claim as the author wrote it (never SymPy's rewriting of it): the whole
        # claim, or the entry of an array literal as typed.
        written = (problem.expect_text if run.derivative.shape == (1, 1)
                   else written_entry(problem, run, difference.row, difference.col))
        if run.derivative.shape == (1, 1):
            detail = _("the claim is {claim} but the derivative is {actual}")
        elif written:
            detail = _("entry ({row}, {col}) is {claim} but the derivative is {actual}")
        else:
            detail = _("entry ({row}, {col}) of the claim is {claimed} but the "
                       "derivative's is {actual}")
        detail = detail.format(row=difference.row + 1, col=difference.col + 1,
                               claim=_valued(written, shown[0]), claimed=shown[0],
                               actual=valued)
    message = _("claim does not hold at {point}: {detail}").format(point=where,
                                                                   detail=detail)
    if derivative:
        message = _("claimed {claim} but the derivative is {derivative}; {message}").format(
            claim=problem.expect_text, derivative=derivative, message=message)
    elif not problem.functions and run.derivative.shape != (1, 1) and not written:
        # The claim is quoted whole, and the derivative only by its entry: say why.
        message = _("claimed {claim} (no index-free form of the derivative found: its "
                    "entries are quoted one by one); {message}").format(
            claim=problem.expect_text, message=message)
    if shown[0] == shown[1]:
        with mpmath.workdps(DIGITS):
            # The comparison's own (certified) gap, where 50 digits would show none.
            gap = mpmath.nstr(difference.gap if difference.gap is not None
                              else abs(claim_value - actual_value), 3)
        message = _("{message} (they differ by {gap})").format(message=message, gap=gap)
    # A suggestion names the slip itself: the hint from the values would repeat it.
    hint = _hint(problem, runs, pattern=not suggestion) if hints else ""
    if hint:
        message = _("{message} ({hint})").format(message=message, hint=hint)
    if suggestion:
        message = _("{message}; {suggestion}").format(message=message,
                                                     suggestion=suggestion)
    return message


#: Beside an index-free derivative, an entry's formula longer than this is left out.
MAX_ENTRY_TEXT = 240


def _valued(text: str, value: str) -> str:
    """``x**2 -> 4``: an expression and its value at the point; a number written as
    its value is given once ("0", not "0 -> 0")."""
    return text if text == value else f"{text} -> {value}"


def written_entry(problem: Problem, run: Run, row: int, col: int) -> str:
    """Entry (``row``, ``col``) of the claim as the author typed it, where the claim
    is an array literal of scalars laid out as the derivative (``[[6*x*y, 3*x**2],
    [2, 7*y**6]]``); ``""`` where its entries are not written one by one."""
    return claim_entry_text(problem, run.instance, run.claim, row, col)


def claim_entry_text(problem: Problem, instance: Instance, value: sympy.Matrix | None,
                     row: int, col: int) -> str:
    """Entry (``row``, ``col``) of the claim (``value``, laid out as the derivative) as
    the author typed it, or ``""`` (see :func:`written_entry`)."""
    claim = problem.expect
    if not isinstance(claim, ArrayLit) or value is None:
        return ""
    rows = [item.items if isinstance(item, ArrayLit) else (item,) for item in claim.items]
    if (len(rows), len(rows[0])) != value.shape \
            or any(len(r) != len(rows[0]) for r in rows):
        return ""
    entry = rows[row][col]
    try:
        if evaluate(entry, instance.scope()).shape:
            return ""  # a block (x.T), not one entry
    except VcrError:
        return ""
    return _typed(problem.expect_text, row, col, entry) or to_text(entry)


def _typed(text: str, row: int, col: int, entry: Expr) -> str:
    """The text of entry (row, col) of the literal ``text``, split at its commas (the
    language has no strings, so brackets are the only nesting); ``""`` unless it parses
    back to ``entry`` itself."""
    cells = _items(text)
    if cells and all(c.startswith("[") for c in cells):
        cells = _items(cells[row]) if row < len(cells) else []
        index = col
    else:
        index = row
    if index >= len(cells):
        return ""
    try:
        return cells[index] if parse_expression(cells[index]) == entry else ""
    except VcrError:
        return ""


def _items(text: str) -> list[str]:
    """The items of one bracketed literal ``[a, b, ...]``, as typed."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return []
    items, depth, start = [], 0, 1
    for k, char in enumerate(text[1:-1], start=1):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            items.append(text[start:k].strip())
            start = k + 1
    items.append(text[start:-1].strip())
    return items


def entry_texts(instance: Instance) -> dict[sympy.Basic, str]:
    """How the author writes each entry symbol of ``instance``'s arrays (see
    :func:`.sympy_text.entry_names`)."""
    return entry_names(instance.scope_values)


def quoted_text(expr: sympy.Basic, quotes: dict[sympy.Basic, Expr],
                entries: dict[sympy.Basic, str] | None = None) -> str:
    """``expr`` as the author wrote it where the text that raised it is known
    (:attr:`.evaluate.Context.quotes`), else in the language's syntax."""
    node = quotes.get(expr)
    if node is not None:
        try:
            return to_text(node)
        except ValueError:  # no text for the node (an abstract function applied)
            pass
    return expression_text(expr, entries)


def _number(value: mpmath.mpc) -> str:
    value = complex(value)
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.4g}{value.imag:+.4g}j"
    return f"{value.real:.6g}"


def _hint(problem: Problem, runs: list[Run], pattern: bool = True) -> str:
    """The likely cause of a mismatch, told from values at the sample points.

    Numbers, not simplification: a hint must never cost more than the check itself.
    """
    run = runs[-1]
    claim, actual = run.claim, run.derivative
    assert claim is not None
    hints = []
    told = pattern_hint(claim, actual, run.sample, run.instance.case.assignment) \
        if pattern else ""
    if told:
        hints.append(told)
    missing = _missing_term(problem, run)
    if missing:
        hints.append(_("it leaves out {term}").format(term=missing))
    if run.comparison is not None and run.comparison.partial:
        hints.append(_("it holds on part of the domain only: check each branch and the "
                       "values near 0 and far out"))
    if index_mix_up(problem.indices.free, run.instance.case.indices,
                    [r.instance.case.indices for r in runs[:-1]]):
        hints.append(_("it holds where {indices} are equal but not where they differ: "
                       "check the indices").format(indices=", ".join(problem.indices.free)))
    elif len(runs) > 1:
        passed = "; ".join(sizes_text(r.instance.case.assignment) for r in runs[:-1])
        hints.append(_("it holds at {sizes} but not at every size").format(sizes=passed))
    elif problem.where:
        hints.append(_("note the :where: region"))
    elif any(e.has(sympy.Heaviside, sympy.sign) for e in actual) \
            and _agrees_somewhere(claim, actual, run.sample):
        # (only if the claim holds on some piece: else the region is not the slip)
        hints.append(_("the derivative is piecewise: restrict the region with :where:"))
    # TRANSLATORS: joins the hints about a wrong claim.
    return _("; ").join(hints)


HINT_TOLERANCE = mpmath.mpf("1e-20")


def index_mix_up(free: tuple[str, ...], failed: dict[str, int],
                 held: list[dict[str, int]]) -> bool:
    """Whether a claim failed with its free indices apart, and held wherever they were
    all equal (``held``: the index values of the cases where it held): the sign of a
    claim that confuses them (x_i for x_j)."""
    if len(free) < 2 or len(set(failed.values())) == 1:
        return False
    return any(len(set(values.values())) == 1 for values in held)


def pattern_hint(claim: sympy.Matrix, actual: sympy.Matrix, sample: Sample,
                 sizes: dict[str, int], step: bool = False) -> str:
    """A wrong sign, a transpose or a constant factor, in words (or ``""``); ``step``:
    ``claim`` is a step of a derivation and ``actual`` the form before it."""
    pattern = pattern_of(claim, actual, sample)
    if pattern == "sign":
        return _("the sign is wrong")
    if pattern == "transpose":
        return (_("it is the transpose of the form before it: check the layout") if step
                else _("it is the transpose of the derivative: check the layout"))
    if not pattern:
        return ""
    if step:
        return (_("it is {factor} times the form before it at {sizes}: check the constant "
                  "factor") if sizes else
                _("it is {factor} times the form before it: check the constant factor")
                ).format(factor=pattern, sizes=sizes_text(sizes))
    return (_("it is {factor} times the derivative at {sizes}: check the constant "
              "factor") if sizes else
            _("it is {factor} times the derivative: check the constant factor")
            ).format(factor=pattern, sizes=sizes_text(sizes))


def _missing_term(problem: Problem, run: Run) -> str:
    """Which chain-rule term (total form) or factor (product form) the claim omits."""
    chain, claim = run.chain, run.claim
    if chain is None or claim is None:
        return ""
    subs = run.instance.substitution
    values = [_product([f.matrix.xreplace(subs) for f in term]) for term in chain.terms]
    candidates = []
    if chain.form == "total":
        for index, value in enumerate(values):
            rest = chain.value - value
            what = (_("the direct term, the partial derivative by the variables "
                      "themselves") if index == 0 else
                    _("the path through {name}").format(name=chain.terms[index][0].bottom))
            candidates.append((rest, what))
    else:
        factors = chain.terms[0]
        for index, factor in enumerate(factors):
            others = [f.matrix.xreplace(subs) for k, f in enumerate(factors) if k != index]
            product = _product(others)
            if product is not None:
                below = factor.bottom or ", ".join(d.name for d in problem.wrt)
                # The factor itself (dy/du) is notation, not words.
                symbol = (f"d{factor.top}/d({below})" if "," in below
                          else f"d{factor.top}/d{below}")
                candidates.append((product, _("the factor {factor}").format(factor=symbol)))
    numerator = flatten(problem, run.instance, claim)
    for value, what in candidates:
        if value is not None and value.shape == numerator.shape and agrees(
                numerator, value, run.sample):
            return what
    return ""


def _product(matrices: list[sympy.Matrix]) -> sympy.Matrix | None:
    """The product of ``matrices``, or None if their shapes do not chain."""
    if not matrices:
        return None
    result = matrices[0]
    for matrix in matrices[1:]:
        if result.cols != matrix.rows:
            return None
        result = result * matrix
    return result


def agrees(claim: sympy.Matrix, value: sympy.Matrix, sample: Sample) -> bool:
    return all(all(pairs) for pairs in _agreement(claim, value, sample))


def _agrees_somewhere(claim: sympy.Matrix, value: sympy.Matrix, sample: Sample) -> bool:
    """Whether the claim equals ``value`` at one of the sample points at least."""
    return any(all(pairs) for pairs in _agreement(claim, value, sample, valued=True))


def _agreement(claim: sympy.Matrix, value: sympy.Matrix, sample: Sample,
               valued: bool = False) -> list[list[bool]]:
    """At each sample point (with ``valued``, each where every entry has a value),
    whether each entry of the claim equals that of ``value``."""
    rows = values_at([*claim, *value], sample.symbols, sample.points)
    size = len(claim)
    return [[agree(row[k], row[size + k], HINT_TOLERANCE) for k in range(size)]
            for row in rows if not (valued and None in row)]


def same_values(first: sympy.Matrix, second: sympy.Matrix, sample: Sample) -> bool:
    """Whether two matrices of one shape agree at every sample point (a hint's test,
    not a proof)."""
    size = len(first)
    rows = values_at([*first, *second], sample.symbols, sample.points)
    if not rows or any(v is None for row in rows for v in row):
        return False
    with mpmath.workdps(DIGITS):
        return all(agree(x, y, HINT_TOLERANCE)
                   for row in rows for x, y in zip(row[:size], row[size:]))


def pattern_of(claim: sympy.Matrix, actual: sympy.Matrix, sample: Sample) -> str:
    """``sign``, ``transpose``, a constant factor such as ``1/2``, or ``""``: how a
    claim relates to the derivative at the sample points."""
    square = claim.rows == claim.cols and claim.rows > 1
    size = len(claim)
    exprs = [*claim, *actual, *(claim.T if square else [])]
    rows = values_at(exprs, sample.symbols, sample.points)
    if any(v is None for row in rows for v in row):
        return ""
    pairs = [(x, y) for row in rows for x, y in zip(row[:size], row[size:2 * size])]
    transposed = [(x, y) for row in rows
                  for x, y in zip(row[2 * size:], row[size:2 * size])]
    # All of it at full precision: even a negation rounds to the working precision.
    with mpmath.workdps(DIGITS):
        if all(agree(x, y, HINT_TOLERANCE) for x, y in pairs):
            # The claim holds at these points (it failed elsewhere, at a probe): they
            # say nothing of its pattern (on symmetric points, "a transpose").
            return ""
        if any(abs(y) > 1e-12 for _, y in pairs) and \
                all(agree(x, -y, HINT_TOLERANCE) for x, y in pairs):
            return "sign"
        if square and all(agree(x, y, HINT_TOLERANCE) for x, y in transposed):
            return "transpose"
        ratios = [x / y for x, y in pairs if abs(y) > 1e-12]
        if not ratios or any(abs(x) > 1e-30 for x, y in pairs if abs(y) <= 1e-12) \
                or not all(agree(r, ratios[0], HINT_TOLERANCE) for r in ratios):
            return ""
        ratio = float(mpmath.re(ratios[0]))
    if abs(ratio) < 1e-12 or abs(ratio - 1) < 1e-12:
        return ""
    fraction = Fraction(ratio).limit_denominator(1000)
    if abs(float(fraction) - ratio) < 1e-12:
        return str(fraction)
    # As many digits as tell it from the simple number it is near: 1 + 1e-12 was "1".
    digits = 6
    while float(f"{ratio:.{digits}g}") == float(fraction) and digits < 17:
        digits += 1
    return f"{ratio:.{digits}g}"


def fd_message(sample: Sample, instance: Instance) -> str:
    """Why the symbolic derivative is not trusted: finite differences disagree."""
    index, row, col, fd, sym = sample.mismatch  # type: ignore[misc]
    where = format_point(sample.symbols, sample.points[index], names=entry_texts(instance))
    return _("the symbolic derivative disagrees with finite differences at {point}: "
             "entry ({row}, {col}) is {symbolic} symbolically but {numeric} numerically; "
             "the function may not be differentiable there").format(
        point=where, row=row + 1, col=col + 1, symbolic=f"{sym:.6g}", numeric=f"{fd:.6g}")

