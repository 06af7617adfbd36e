"""Verify a ``.. derivation::``: every step equal to the one before it, in every case.

Each case (sizes, a value of every free index, a replacement of the abstract
functions: :func:`..calculus.instance.cases`) evaluates every form once
(:mod:`..calculus.forms`) and checks SymPy's ``diff()`` values by finite differences.
Each step is then compared with the form before it at points where that form has a
value, in every case, as a claim is compared with a derivative
(:func:`..checking.compare.compare`): exactly where SymPy decides, else at the sample
points and the probes; a step without a value where the form before it has one does
not follow. With abstract functions, SymPy's undefined functions are tried first: a
step it proves needs only the points. The first step that fails is reported at its
own line; under ``:mistake:`` every step is compared and the wrong ones are marked.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace

import sympy

from ..calculus import shapes
from ..calculus.differentiate import jacobian
from ..calculus.evaluate import Value
from ..calculus.forms import Form, FormTable, entries_of
from ..calculus.indexfree.text import to_text
from ..calculus.instance import (
    Case,
    Instance,
    cases,
    check_defined,
    check_replacements,
    every_replacement,
    first_that_samples,
    instantiate,
)
from ..checking.compare import (
    Comparison,
    compare,
    proven_equal,
    resolve_steps,
)
from ..checking.numeric import Sample, Sampler, format_point
from ..checking.regions import without_value
from ..errors import DomainError, SizeExcluded, VcrError
from ..language.problem import Problem
from ..outcome import FAILED, VERIFIED, Failure, Outcome
from ..records import Settings, sample_seed
from ..rendering import derivation as shown
from ..rendering import render
from ..rendering.messages import entry_texts, fd_message, quoted_text, sizes_text
from ..rendering.names import Names, names_of
from ..words import N_, _


@dataclass
class Pair:
    """A step and the form it is compared with at one case (the one before it, or under
    ``:mistake:`` the last one that held), under the step's assumptions, with the
    points where they are compared: where that form has a value."""

    anchor: int
    before: Form
    after: Form
    conditions: list[sympy.Basic]
    sample: Sample
    sampler: Sampler


@dataclass
class Checked:
    """One case of a derivation: its pairs of forms and how each step fared."""

    instance: Instance
    names: Names
    table: FormTable
    settings: Settings
    seed: int
    #: ``pairs[k]``: step k and the form it was compared with.
    pairs: dict[int, Pair] = field(default_factory=dict)
    results: dict[int, Comparison | str] = field(default_factory=dict)
    #: Steps that SymPy proves with the abstract functions left undefined.
    proven: set[int] = field(default_factory=set)
    #: Where diff()'s derivatives were checked by finite differences, if any.
    differentiated: Sample | None = None

    @property
    def samples(self) -> list[Sample]:
        found = [p.sample for p in self.pairs.values()]
        return found + ([self.differentiated] if self.differentiated else [])

    def sample(self, k: int) -> Sample:
        return self.pairs[k].sample

    def pair(self, anchor: int, k: int) -> Pair:
        """Step ``k`` and form ``anchor``, with points where that form has a value (and
        the region holds), off the kinks of both."""
        if k in self.pairs and self.pairs[k].anchor == anchor:
            return self.pairs[k]
        before, after, conditions = self.table.pair(anchor, k)
        entries = [*entries_of(before.value), *before.domain]
        others = _symbols([*entries, *entries_of(after.value), *after.domain, *conditions],
                          self.instance)
        sampler = Sampler([], sympy.zeros(0, 0), [], others, conditions,
                          entries_of(after.value), self.seed, finite=entries)
        try:
            sample = sampler.draw(self.settings.samples, self.settings.rtol,
                                  self.settings.atol)
        except DomainError as err:
            # about the form compared with: at its line
            err.line = self.table.problem.steps[anchor].line if err.line is None \
                else err.line
            raise
        self.pairs[k] = Pair(anchor, before, after, conditions, sample, sampler)
        return self.pairs[k]


def verify_derivation(problem: Problem, settings: Settings, key: str) -> Outcome:
    """The outcome of a derivation (raises :class:`Failure` for a wrong step)."""
    checked: list[Checked] = []
    proofs: dict[str, set[int]] = {}  # the same for every replacement
    planned = cases(problem, settings.sizes, sample_seed(settings, key, {}))
    done: list[Case] = []
    for case in every_replacement(problem, planned, done):
        try:
            checked.append(first_that_samples(problem, case, lambda c: _prepare(
                problem, c, settings, sample_seed(settings, key, c.assignment), proofs)))
        except SizeExcluded:
            continue
        done.append(checked[-1].instance.case)
    if not checked:
        raise DomainError(_(":where: excludes every size in vcr_sizes"), option="where")
    check_replacements(problem, done)
    wrong: list[tuple[int, Checked]] = []
    anchor = 0  # the last form that held: under :mistake:, what later steps must equal
    for k in range(1, len(problem.steps)):
        # Every case of a step, even after one failed: the hints compare them.
        for case in checked:
            case.results[k] = _compare_step(case, anchor, k)
        failing = [c for c in checked if not _holds(c.results[k])]
        if not failing:
            anchor = k
            continue
        # Shown at a size above 1 where it fails there: x_1 says little.
        failed = next((c for c in failing if c.instance.sizes
                       and max(c.instance.sizes.values()) > 1), failing[0])
        wrong.append((k, failed))
        if not problem.mistake:
            raise Failure(_failure(problem, checked, k, failed))
    return _outcome(problem, checked, wrong)


def _holds(result: Comparison | str) -> bool:
    return not isinstance(result, str) and result.equal


def _prepare(problem: Problem, case: Case, settings: Settings, seed: int,
             proofs: dict[str, set[int]]) -> Checked:
    """Evaluate every pair of consecutive forms at ``case`` and draw their points."""
    instance = instantiate(problem, case)
    names = names_of(problem, instance)
    table = FormTable(problem, instance)
    for k, (before, after, _conditions) in enumerate(table.consecutive(), start=1):
        if k == 1:
            check_defined(entries_of(before.value), N_("the first form"),
                          line=problem.steps[0].line)
        check_defined(entries_of(after.value), N_("this step"), line=problem.steps[k].line)
    differentiated = _check_derivatives(instance, table.derivatives, settings, seed)
    if problem.functions and repr(case.assignment) not in proofs:
        proofs[repr(case.assignment)] = _proven(problem, case)
    checked = Checked(instance, names, table, settings, seed,
                      proven=proofs.get(repr(case.assignment), set()),
                      differentiated=differentiated)
    # Each step's points now, so that a region empty for this replacement is found
    # while another can still be tried (first_that_samples).
    for k in range(1, len(problem.steps)):
        checked.pair(k - 1, k)
    return checked


def _symbols(exprs: list[sympy.Expr], instance: Instance) -> list[sympy.Symbol]:
    """The symbols of ``exprs`` and the parameters, in a fixed order."""
    found = sorted({s for e in exprs for s in e.free_symbols}, key=str)
    return [*found, *(s for s in instance.param_symbols if s not in found)]


def _check_derivatives(instance: Instance,
                       derivatives: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr],
                       settings: Settings, seed: int) -> Sample | None:
    """SymPy's ``diff()`` values against finite differences, as every directive's
    derivative is checked."""
    if not derivatives:
        return None
    outputs = list(dict.fromkeys(entry for entry, _s in derivatives))
    symbols = list(dict.fromkeys(symbol for _e, symbol in derivatives))
    matrix = sympy.Matrix(len(outputs), len(symbols), lambda i, j: derivatives.get(
        (outputs[i], symbols[j])) if (outputs[i], symbols[j]) in derivatives
        else jacobian([outputs[i]], [symbols[j]])[0, 0])
    others = [s for s in _symbols(outputs, instance) if s not in symbols]
    sample = Sampler(outputs, matrix, symbols, others, instance.conditions, [],
                     seed).draw(settings.samples, settings.rtol, settings.atol)
    if sample.mismatch is not None:
        raise Failure(Outcome(FAILED, "numeric", fd_message(sample, instance)))
    return sample


def _proven(problem: Problem, case: Case) -> set[int]:
    """The steps SymPy proves equal to the form before them with the abstract functions
    left undefined."""
    try:
        instance = instantiate(problem, replace(case, symbolic=True))
        pairs = FormTable(problem, instance).consecutive()
    except (VcrError, ValueError, TypeError):
        return set()
    return {k for k, (before, after, conditions) in enumerate(pairs, start=1)
            if _same_shape(before.value, after.value) and proven_equal(
                _matrix(after.value), resolve_steps(_matrix(before.value), conditions))}


def _compare_step(case: Checked, anchor: int, k: int) -> Comparison | str:
    """Step ``k`` against form ``anchor`` at one case; a string says why they cannot be
    compared (their shapes differ, or the step has no value where the other has)."""
    pair = case.pair(anchor, k)
    before, after = pair.before.value, pair.after.value
    if not _same_shape(before, after):
        transposed = (after.shape and before.shape
                      and shapes.same_shape(after.shape, (before.shape[1], before.shape[0])))
        message = (_("step {k} is {after} but {previous} is {before}: a transpose? (.T, "
                     "or the other :layout:)") if transposed else
                   _("step {k} is {after} but {previous} is {before}"))
        return message.format(k=k, previous=shown.step_name(anchor),
                              after=shapes.describe(after.shape),
                              before=shapes.describe(before.shape))
    missing = _without_value(case, pair, k)
    if missing:
        return missing
    claim, actual = _matrix(after), resolve_steps(_matrix(before), pair.conditions)
    # A proof is of step k against the form right before it.
    sampler, proven = pair.sampler, k in case.proven and anchor == k - 1
    # Exact stages too for a replacement of an abstract function, though a proof for
    # one does not prove the rule: skipped, a claim off by 10**-200 passed the points.
    result = compare(claim, actual, pair.sample.symbols, pair.sample.points,
                     probes=lambda: sampler.probes([*claim, *actual]), prove=not proven)
    if case.instance.context.functions:
        # Exact for each replacement is not a proof of the general rule.
        result.exact = proven and result.equal
    return result


def _without_value(case: Checked, pair: Pair, k: int) -> str:
    """Why step ``k`` has no value at a point where the form before it has one: it, or
    a part of it that SymPy rewrote away, has none there (``sqrt(x)**2``,
    ``diff(log(x), x)`` at x < 0). That part is quoted as the author wrote it (the
    notes first: the smallest such part)."""
    notes, entries = pair.after.domain, entries_of(pair.after.value)
    exprs = [*notes, *entries]
    found = without_value(exprs, pair.sampler, pair.sample)
    if found is None:
        return ""
    point, expr, close = found
    at = next((j for j, e in enumerate(exprs) if e is expr), 0) - len(notes)
    names = entry_texts(case.instance)
    text = quoted_text(expr, pair.after.quotes, names)
    if at >= 0 and len(entries) == 1:
        with contextlib.suppress(ValueError):  # no text for an abstract function
            text = to_text(case.table.problem.steps[k].expr)
    return _("step {k} has no value at {point}, where {previous} has one "
             "({expr} has none there): restrict the region with :where:"
             ).format(k=k, point=format_point(pair.sample.symbols, point, exact=close,
                                                     names=names),
                      previous=shown.step_name(pair.anchor), expr=text)


def _same_shape(a: Value, b: Value) -> bool:
    if a.is_scalar or b.is_scalar:
        other = b if a.is_scalar else a
        return other.is_scalar or shapes.is_one_by_one(other.shape)
    return shapes.same_shape(a.shape, b.shape)


def _matrix(value: Value) -> sympy.Matrix:
    return sympy.Matrix([[value.data]]) if value.is_scalar else sympy.Matrix(value.data)


def _failure(problem: Problem, checked: list[Checked], k: int, case: Checked) -> Outcome:
    message = shown.step_message(problem, checked, k, case)
    return Outcome(FAILED, "step", message, line=problem.steps[k].line,
                   math=shown.display(problem, case, {k}))


def _outcome(problem: Problem, checked: list[Checked],
             wrong: list[tuple[int, Checked]]) -> Outcome:
    steps = len(problem.steps) - 1
    points = sum(len(s.points) for c in checked for s in c.samples)
    worst = max(s.max_relative_error for c in checked for s in c.samples)
    shown_case = _display_case(checked)
    if problem.mistake:
        if not wrong:
            raise Failure(Outcome(FAILED, "mistake", _(
                "the derivation is marked :mistake: but every step follows from the one "
                "before it: remove :mistake: or correct the text"), option="mistake"))
        k, case = wrong[0]
        if problem.correct is not None:
            _check_correction(problem, checked, k)
        message = shown.step_message(problem, checked, k, case)
        detail = shown.step_message(problem, checked, k, case, hints=False)
        return Outcome(VERIFIED, mistake=True, message=message, claims=steps,
                       math=shown.display(problem, case, {s for s, _c in wrong}),
                       badge=render.mistake_badge(problem, detail), points=points,
                       max_error=worst, line=problem.steps[k].line)
    exact = all(isinstance(r, Comparison) and r.exact for c in checked
                for r in c.results.values())
    return Outcome(VERIFIED, math=shown.display(problem, shown_case, set()), exact=exact,
                   points=points, max_error=worst, claims=steps,
                   badge=shown.badge(problem, checked, exact, points, worst))


def _check_correction(problem: Problem, checked: list[Checked], k: int) -> None:
    """``:correct:`` is what the first wrong step should have been: it must equal the
    form that step was compared with, in every case, as a step would."""
    assert problem.correct is not None
    for case in checked:
        pair = case.pairs[k]
        value = case.table.evaluate(problem.correct, k)
        if not _same_shape(value, pair.before.value):
            raise Failure(Outcome(FAILED, "correct", _(
                "the correction in :correct: is {shape}, but step {k} should be {expected}")
                .format(shape=shapes.describe(value.shape), k=k,
                        expected=shapes.describe(pair.before.value.shape)),
                option="correct"))
        if not _holds_at(pair, _matrix(value)):
            raise Failure(Outcome(FAILED, "correct", _(
                "the correction in :correct: is not what step {k} should be either: it "
                "differs from {previous}{where}").format(
                k=k, previous=shown.step_name(pair.anchor),
                where=(" (" + sizes_text(case.instance.case.assignment) + ")"
                       if case.instance.case.assignment else "")), option="correct"))


def _holds_at(pair: Pair, claim: sympy.Matrix) -> bool:
    """Whether ``claim`` equals the form ``pair`` compares with, as a step would."""
    actual = resolve_steps(_matrix(pair.before.value), pair.conditions)
    return compare(claim, actual, pair.sample.symbols, pair.sample.points,
                   probes=lambda: pair.sampler.probes([*claim, *actual])).equal


def _display_case(checked: list[Checked]) -> Checked:
    """The case whose values are shown: the first at a size above 1, if any."""
    return next((c for c in checked if c.instance.sizes
                 and max(c.instance.sizes.values()) > 1), checked[0])

