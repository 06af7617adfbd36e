"""Verify a ``.. derivation::``: every step equal to the one before it, in every case.

Each case (sizes, a value of every free index, a replacement of the abstract
functions: :func:`..calculus.instance.cases`) evaluates every form once, draws one set
of sample points for all of them, and checks SymPy's ``diff()`` values there by finite
differences. Then the steps are compared in order, each with the one before it and in
every case, as a claim is compared with a derivative (:func:`..checking.compare.compare`):
exactly where SymPy decides, else at the sample points and the probes. The first step
that fails is reported at its own line; under ``:mistake:`` every step is compared and
the wrong ones are marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy

from ..calculus import shapes
from ..calculus.differentiate import jacobian
from ..calculus.evaluate import Context, Value, evaluate
from ..calculus.functions import Model
from ..calculus.instance import Case, Instance, cases, instantiate
from ..checking.compare import Comparison, compare, proven_equal, resolve_steps
from ..checking.numeric import Sample, Sampler
from ..errors import DomainError, SizeExcluded, VcrError
from ..language.derivation import Assumption, Step
from ..language.problem import Problem
from ..outcome import FAILED, VERIFIED, Failure, Outcome
from ..records import Settings, sample_seed
from ..rendering import derivation as shown
from ..rendering.messages import fd_message
from ..rendering.names import Names, names_of
from ..words import _


@dataclass
class Checked:
    """One case of a derivation: its forms' values and where they were compared."""

    instance: Instance
    names: Names
    #: ``forms[k]``: the values of step k-1 and step k under step k's assumptions.
    pairs: list[tuple[Value, Value]]
    sample: Sample
    sampler: Sampler
    results: dict[int, Comparison | str] = field(default_factory=dict)
    #: Steps that SymPy proves with the abstract functions left undefined.
    proven: set[int] = field(default_factory=set)


def verify_derivation(problem: Problem, settings: Settings, key: str) -> Outcome:
    """The outcome of a derivation (raises :class:`Failure` for a wrong step)."""
    checked: list[Checked] = []
    proofs: dict[str, set[int]] = {}  # the same for every replacement
    for case in cases(problem, settings.sizes, sample_seed(settings, key, {})):
        try:
            checked.append(_prepare(problem, case, settings,
                                    sample_seed(settings, key, case.assignment), proofs))
        except SizeExcluded:
            continue
    if not checked:
        raise DomainError(_(":where: excludes every size in vcr_sizes"), option="where")
    wrong: list[tuple[int, Checked]] = []
    for k in range(1, len(problem.steps)):
        # Every case of a step, even after one failed: the hints compare them.
        for case in checked:
            case.results[k] = _compare_step(case, k)
        failing = [c for c in checked if not _holds(c.results[k])]
        if not failing:
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
    """Evaluate every pair of consecutive forms at ``case`` and draw sample points."""
    instance = instantiate(problem, case)
    names = names_of(problem, instance)
    pairs, contexts = _pairs(problem, instance)
    entries = [e for pair in pairs for value in pair for e in _entries(value)]
    outputs, symbols, derivatives = _differentiated(contexts)
    others = sorted({s for e in (*entries, *outputs, *instance.conditions)
                     for s in e.free_symbols} - set(symbols), key=str)
    others = [*others, *(s for s in instance.param_symbols if s not in others
                         and s not in symbols)]
    # Only what diff() differentiated is checked by finite differences; the forms
    # need values wherever they are compared.
    sampler = Sampler(outputs, derivatives, symbols, others,
                      instance.conditions, [], seed, finite=entries)
    sample = sampler.draw(settings.samples, settings.rtol, settings.atol)
    if sample.mismatch is not None:
        raise Failure(Outcome(FAILED, "numeric", fd_message(sample)))
    if problem.functions and repr(case.assignment) not in proofs:
        proofs[repr(case.assignment)] = _proven(problem, case)
    return Checked(instance, names, pairs, sample, sampler,
                   proven=proofs.get(repr(case.assignment), set()))


def _pairs(problem: Problem, instance: Instance
           ) -> tuple[list[tuple[Value, Value]], list[Context]]:
    """Each step and the one before it, evaluated under the step's assumptions."""
    contexts: dict[tuple[Assumption, ...], Context] = {}
    forms: dict[tuple[int, tuple[Assumption, ...]], Value] = {}

    def form(k: int, assumptions: tuple[Assumption, ...]) -> Value:
        if (k, assumptions) not in forms:
            forms[k, assumptions] = _form(instance, problem.steps[k], contexts[assumptions])
        return forms[k, assumptions]

    pairs = []
    for k in range(1, len(problem.steps)):
        assumptions = problem.steps[k].assumptions
        if assumptions not in contexts:
            contexts[assumptions] = _assuming(instance, assumptions)
        pairs.append((form(k - 1, assumptions), form(k, assumptions)))
    return pairs, list(contexts.values())


def _proven(problem: Problem, case: Case) -> set[int]:
    """The steps SymPy proves with the abstract functions left undefined."""
    try:
        instance = instantiate(problem, replace(case, symbolic=True))
        pairs, _contexts = _pairs(problem, instance)
    except (VcrError, ValueError, TypeError):
        return set()
    return {k for k, (before, after) in enumerate(pairs, start=1)
            if _same_shape(before, after) and proven_equal(
                _matrix(after), resolve_steps(_matrix(before), instance.conditions))}


def _assuming(instance: Instance, assumptions: tuple[Assumption, ...]) -> Context:
    """The context of ``instance`` with each assumed function given its body."""
    functions = dict(instance.context.functions)
    for assumption in assumptions:
        params = tuple(sympy.Dummy(p, real=True) for p in assumption.params)
        values = dict(instance.scope_values)
        values.update({p: Value((), d) for p, d in zip(assumption.params, params)})
        body = evaluate(assumption.body, instance.scope(values, assumption.line))
        if not body.is_scalar:
            raise DomainError(_("assume {name}(...) = ...: an abstract function is scalar, "
                                "but this body is {shape}").format(
                name=assumption.name, shape=shapes.describe(body.shape)),
                line=assumption.line)
        functions[assumption.name] = Model(params, body.data)
    return replace(instance.context, functions=functions, derivatives={})


def _form(instance: Instance, step: Step, context: Context) -> Value:
    scope = instance.scope(line=step.line)
    scope.context = context
    return evaluate(step.expr, scope)


def _entries(value: Value) -> list[sympy.Expr]:
    return [value.data] if value.is_scalar else list(value.data)


def _differentiated(contexts: list[Context]
                    ) -> tuple[list[sympy.Expr], list[sympy.Symbol], sympy.Matrix]:
    """What the forms' ``diff()`` calls differentiated, by which variables, and the
    Jacobian of the one by the other (the derivatives diff() took, and the others)."""
    known: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr] = {}
    for context in contexts:
        known.update(context.derivatives)
    outputs = list(dict.fromkeys(entry for entry, _s in known))
    symbols = list(dict.fromkeys(symbol for _e, symbol in known))
    matrix = sympy.Matrix(len(outputs), len(symbols), lambda i, j: known.get(
        (outputs[i], symbols[j])) if (outputs[i], symbols[j]) in known
        else jacobian([outputs[i]], [symbols[j]])[0, 0])
    return outputs, symbols, matrix


def _compare_step(case: Checked, k: int) -> Comparison | str:
    """Step ``k`` against step ``k - 1`` at one case; a string says their shapes differ."""
    before, after = case.pairs[k - 1]
    if not _same_shape(before, after):
        return _("step {k} is {after} but {previous} is {before}").format(
            k=k, previous=shown.step_name(k - 1), after=shapes.describe(after.shape),
            before=shapes.describe(before.shape))
    region = case.instance.conditions
    claim, actual = _matrix(after), resolve_steps(_matrix(before), region)
    sampler, proven = case.sampler, k in case.proven
    result = compare(claim, actual, case.sample.symbols, case.sample.points,
                     probes=lambda: sampler.probes([*claim, *actual]), prove=not proven)
    result.exact |= proven and result.equal
    return result


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
    points = sum(len(c.sample.points) for c in checked)
    worst = max(c.sample.max_relative_error for c in checked)
    shown_case = _display_case(checked)
    if problem.mistake:
        if not wrong:
            raise Failure(Outcome(FAILED, "mistake", _(
                "the derivation is marked :mistake: but every step follows from the one "
                "before it: remove :mistake: or correct the text"), option="mistake"))
        k, case = wrong[0]
        message = shown.step_message(problem, checked, k, case)
        return Outcome(VERIFIED, mistake=True, message=message, claims=steps,
                       math=shown.display(problem, case, {s for s, _c in wrong}),
                       badge=_("Known mistake, confirmed wrong: {message}")
                       .format(message=message), points=points, max_error=worst,
                       line=problem.steps[k].line)
    exact = all(isinstance(r, Comparison) and r.exact for c in checked
                for r in c.results.values())
    return Outcome(VERIFIED, math=shown.display(problem, shown_case, set()), exact=exact,
                   points=points, max_error=worst, claims=steps,
                   badge=shown.badge(problem, checked, exact, points, worst))


def _display_case(checked: list[Checked]) -> Checked:
    """The case whose values are shown: the first at a size above 1, if any."""
    return next((c for c in checked if c.instance.sizes
                 and max(c.instance.sizes.values()) > 1), checked[0])

