"""The computation behind :func:`.verify.check`: parse, differentiate, sample, compare.

:func:`compute` turns one directive's text into an :class:`Outcome` under a time limit;
:func:`verify` checks a parsed problem at every instantiation of its sizes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import sympy

from ..calculus import shapes
from ..calculus.derivatives import (
    arrange,
    arrangement,
    chain,
    derivative,
    derivative_shape,
    flat_derivative,
    flat_outputs,
)
from ..calculus.evaluate import MAX_RESULT_DIGITS, Value
from ..calculus.indexfree import to_text
from ..calculus.instance import (
    Case,
    Instance,
    cases,
    check_defined,
    check_replacements,
    claim_value,
    every_replacement,
    first_that_samples,
    instantiate,
)
from ..checking.compare import (
    compare,
    proven_equal,
    resolve_steps,
)
from ..checking.numeric import Sample, Sampler, format_point
from ..checking.regions import without_value
from ..errors import DomainError, ShapeError, SizeExcluded, VcrError, VcrTimeout
from ..language.problem import Problem, build_problem
from ..language.syntax import Expr
from ..outcome import ERROR, FAILED, VERIFIED, Failure, Outcome
from ..records import Run, Settings, sample_seed
from ..rendering import render
from ..rendering.messages import (
    claim_entry_text,
    entry_texts,
    expression_text,
    fd_message,
    mismatch_message,
    quoted_text,
    same_values,
    sizes_text,
)
from ..rendering.names import names_of
from ..symbolic.walk import free_symbols
from ..words import N_, _, speaking
from . import factors
from .derived import Derived, as_claim, covered, index_free
from .limits import remaining, soft_limit, time_limit, timeout_outcome
from .steps import verify_derivation
from .suggest import layout_suggestion, suggestion


def compute(kind: str, argument: str, content: list[str], options: dict[str, str | None],
            settings: Settings, key: str) -> Outcome:
    """The outcome of one directive, computed; ``key`` is its text, which seeds sampling.

    Its words are in ``settings.language``, like everything else it depends on. Runs
    under the CPU-time limit of :mod:`.limits`; :mod:`.worker` adds the limits that a
    process cannot apply to itself. A MemoryError is left to the caller, which knows
    whether memory was bounded (and by how much).
    """
    _FUNCTIONS.clear()
    try:
        with speaking(settings.language):
            return _compute(kind, argument, content, options, settings, key)
    finally:
        _FUNCTIONS.clear()


def _compute(kind: str, argument: str, content: list[str], options: dict[str, str | None],
             settings: Settings, key: str) -> Outcome:
    try:
        with time_limit(settings.timeout):
            problem = build_problem(kind, argument, content, options, settings.layout)
            return verify(problem, settings, key)
    except VcrTimeout:
        return timeout_outcome(settings.timeout)
    except VcrError as err:
        return Outcome(ERROR, err.subtype, err.message, err.line, err.option)
    except Failure as failure:
        return failure.outcome
    except RecursionError:
        return Outcome(ERROR, "limit", _("the expression is too large or too deeply nested "
                                         "to process"))
    except MemoryError:
        raise
    except ValueError as err:
        if "integer string conversion" not in str(err):
            return _internal(err)
        # Python's limit on printing long integers: a number too long, wherever made
        return Outcome(ERROR, "limit", _("a number in this expression has more than "
                                         "{limit} digits").format(limit=MAX_RESULT_DIGITS))
    except Exception as err:  # a bug of ours must not become a traceback in a build
        return _internal(err)


def _internal(err: Exception) -> Outcome:
    return Outcome(ERROR, "internal", _(
        "internal error ({error}: {detail}); please report it with this directive")
        .format(error=type(err).__name__, detail=err))


def verify(problem: Problem, settings: Settings, key: str = "") -> Outcome:
    """Verify a parsed problem at every instantiation of its sizes.

    Without a claim, the derivative is shown in the index-free form of
    :mod:`.derived` when the engine finds one and it verifies as a claim would; a wrong
    claim's message names that form and, for a near miss, the correction
    (:mod:`.suggest`).
    """
    if problem.kind == "derivation":
        return verify_derivation(problem, settings, key)
    if problem.expect is None:
        return _without_claim(problem, settings, key)
    try:
        return _verify(problem, settings, key)
    except ShapeError as error:
        if error.option == "expect" and not problem.mistake:
            fix = ""
            with _explaining(settings):
                fix = layout_suggestion(problem, lambda tree: _holds(problem, tree,
                                                                      settings, key))
            if fix:
                error.message = _("{message}; {suggestion}").format(
                    message=error.message, suggestion=fix)
        raise


def _without_claim(problem: Problem, settings: Settings, key: str) -> Outcome:
    """A directive without a claim: its index-free form, verified at every size like a
    claim (same comparison, same points), else SymPy's entries."""
    outcome = None
    # Deriving is an extra too (a large tree takes long), but without a claim the
    # derived form is the page's result: it may take up to half the time left (its
    # check at every size took 4 s for Cookbook (127), where the share of an extra
    # ended it, and writing the entries out instead took longer still).
    with soft_limit(remaining() / 2):
        derived = index_free(problem)
        if derived is not None:
            try:
                outcome = _verify(as_claim(problem, derived.tree), settings, key,
                                  explain=False, form=render.DERIVED)
            except MemoryError:
                raise
            except Exception:
                # A form that does not verify, or that breaks the check, is the engine's
                # bug: never shown, never fatal.
                outcome = None
    if outcome is not None and outcome.ok:
        outcome.claims = 0  # the author claimed nothing
        return outcome
    # The page says when no form was found where one was looked for (not for a chain
    # rule, a Hessian, a derivation or abstract functions, which the engine is not
    # asked about).
    return _verify(problem, settings, key,
                   form=render.NO_FORM if covered(problem) else None)


#: The share of vcr_timeout that showing a derived form or explaining a wrong claim
#: may take: they are extras, and must never turn a verdict into a timeout.
EXPLAIN_SHARE = 0.2


@contextmanager
def _explaining(settings: Settings) -> Iterator[None]:
    """A soft budget for extras (a derived form, a wrong claim's correct form and
    suggestion): running out ends them quietly, with at least half of the directive's
    remaining time left for its own verdict."""
    with soft_limit(min(settings.timeout * EXPLAIN_SHARE, remaining() / 2)):
        yield


def _correct_form(problem: Problem, settings: Settings, key: str) -> Derived | None:
    """The index-free derivative beside a wrong claim, once it has verified."""
    derived = index_free(problem)
    if derived is None or not _holds(problem, derived.tree, settings, key):
        return None
    return derived


def _explanation(problem: Problem, run: Run, settings: Settings,
                 key: str) -> tuple[Derived | None, str]:
    """A wrong claim's verified index-free derivative (none beside a :correct:, the
    author's own correct form) and, for a near miss, a verified suggestion; what their
    budgets (a third of the time left, then :func:`_explaining`'s) leave undone is left
    out."""
    derived: Derived | None = None
    fix = ""
    # The verdict is known: the correct form may take a third of the time left (its check
    # at every size took 2.4 s for a wrong claim of Cookbook (127), past an extra's
    # share), the suggestions an extra's share of what remains.
    with soft_limit(remaining() / 3):
        if problem.correct is None:
            derived = _correct_form(problem, settings, key)
    with _explaining(settings):
        if not (problem.mistake or run.shape_error):
            fix = suggestion(problem, derived, run,
                             lambda tree: _holds(problem, tree, settings, key),
                             lambda tree: _like_claim(problem, run, tree))
    return derived, fix


def _derivative_text(problem: Problem, derived: Derived | None) -> str:
    """The index-free derivative a wrong claim's message names: the derived form, or
    the author's own :correct: (verified by :func:`_check_correction` before the
    message is shown), or ``""``."""
    if derived is not None:
        return derived.text
    if problem.correct is not None:
        return problem.correct_text or _quoted(problem.correct)
    return ""


def _like_claim(problem: Problem, run: Run, tree: Expr) -> bool:
    """Whether ``tree``, as the claim of ``problem``, has the values of the failed
    claim at ``run``'s sample points (what a suggestion's wording rests on)."""
    if run.claim is None:
        return False
    try:
        expected = derivative_shape(problem, run.instance.output)
        value = claim_value(as_claim(problem, tree), run.instance, expected)
        values = run.instance.structure.apply(_as_matrix(value, run.claim.shape))
    except MemoryError:
        raise
    except Exception:  # a tree that does not evaluate is not the claim
        return False
    return same_values(values, run.claim, run.sample)


def _holds(problem: Problem, tree: Expr, settings: Settings, key: str) -> bool:
    """Whether ``tree`` holds as the claim of ``problem``, checked as any claim is."""
    try:
        return _verify(as_claim(problem, tree), settings, key, explain=False,
                       shown=False).ok
    except MemoryError:
        raise
    except Exception:  # whatever stops it, it is not shown
        return False


def _verify(problem: Problem, settings: Settings, key: str, explain: bool = True,
            form: str | None = None, shown: bool = True) -> Outcome:
    """The verification of :func:`verify`; with ``explain``, a wrong claim is told by
    its index-free derivative and a suggestion (these are verified in turn, without).
    ``form`` is what the badge says of a derivative shown without the author's claim
    (see :func:`.render.badge`). Without ``shown``, only the verdict is wanted: a
    verified outcome has no math or badge (rendering a derived form's check that is
    never shown took a third of it)."""
    runs: list[Run] = []
    caught: Outcome | None = None
    assignments = cases(problem, settings.sizes, sample_seed(settings, key, {}))
    known: Symbolic = {}
    done: list[Case] = []
    for case in every_replacement(problem, assignments, done):
        try:
            run = first_that_samples(problem, case, lambda c: _run(problem, c, settings,
                                                                    key, known))
        except SizeExcluded:
            continue  # :where: n > 1 and the like: this size is not claimed
        runs.append(run)
        done.append(run.instance.case)
        if run.shape_error or (run.comparison is not None and not run.comparison.equal):
            # A :correct: is the author's own correct form: no need to derive one.
            derived, fix = _explanation(problem, run, settings, key) if explain \
                else (None, "")
            text = _derivative_text(problem, derived)
            shown = _display_run(problem, settings, key, run, assignments)
            if not problem.mistake:
                message = run.shape_error or mismatch_message(problem, runs,
                                                              derivative=text,
                                                              suggestion=fix)
                raise Failure(Outcome(FAILED, "mismatch", message, option="expect",
                                      math=render.failure(problem, shown, derived)))
            message = run.shape_error or mismatch_message(problem, runs, derivative=text)
            caught = Outcome(VERIFIED, mistake=True, message=message,
                             math=render.mistake(problem, shown, derived),
                             badge=render.mistake_badge(problem,
                                                        mismatch_message(problem, runs,
                                                                         hints=False,
                                                                         derivative=text)
                                                        if not run.shape_error
                                                        else message))
            break
    if not runs:
        raise DomainError(_(":where: excludes every size in vcr_sizes"), option="where")
    # A mistake caught with one family of stand-ins is refuted (one counterexample
    # suffices); only a claim that holds needs several families to be a general rule.
    if caught is None:
        check_replacements(problem, done)
    if problem.mistake and caught is None:
        raise Failure(Outcome(FAILED, "mistake", _("the claim is marked :mistake: but it "
                                                   "holds: remove :mistake: or change the "
                                                   "claim"),
                              option="expect"))
    exact = all(r.comparison is None or r.comparison.exact for r in runs)
    points = sum(len(r.sample.points) for r in runs)
    worst = max(r.sample.max_relative_error for r in runs)
    if caught is not None:
        caught.points, caught.max_error, caught.claims = points, worst, 1
        if problem.correct is not None:
            _check_correction(problem, settings, key)
        return caught
    if not shown:
        return Outcome(VERIFIED, exact=exact, points=points, max_error=worst,
                       claims=int(problem.expect is not None))
    # A chain rule's derived result is shown beside its factors, by value as well.
    values = _factor_values(problem, runs[-1], settings, key) \
        if explain or form == render.DERIVED else None
    return Outcome(VERIFIED, math=render.success(problem, runs, values), exact=exact,
                   points=points, max_error=worst, claims=int(problem.expect is not None),
                   badge=render.badge(problem, runs, exact, points, worst, form, values))


def _factor_values(problem: Problem, run: Run, settings: Settings,
                   key: str) -> factors.Values | None:
    """A chain rule's factors at generic sizes, by their index-free values, each
    verified as a claim (:mod:`.factors`); ``None`` where they are not asked for."""
    if problem.kind != "chain-rule" or not problem.size_names or run.chain is None \
            or problem.functions or problem.indices.ranges:
        return None
    found = factors.unknown(run.chain)
    with _explaining(settings):
        factors.fill(problem, run.chain, lambda sub, tree, name: _holds(
            sub, tree, settings, f"{key}|{name}"), found)
    return found


def _quoted(tree: Expr) -> str:
    """``tree`` in the author's syntax, or ``""`` (the message then quotes the claim's
    value) for a node the writer has no text for (an abstract function's derivative)."""
    try:
        return to_text(tree)
    except ValueError:
        return ""


def _check_correction(problem: Problem, settings: Settings, key: str) -> None:
    """``:correct:`` must hold as a claim would: the box shows it to students."""
    # Quoted as the author wrote the correction, and not explained: a suggestion for
    # :expect: would turn the confirmed mistake into a claim that holds.
    corrected = dataclasses.replace(problem, expect=problem.correct, mistake=False,
                                    correct=None, reason="",
                                    expect_text=problem.correct_text
                                    or _quoted(problem.correct))
    try:
        _verify(corrected, settings, key + "|correct", explain=False, shown=False)
    except Failure as failure:
        raise Failure(Outcome(FAILED, "correct", _(
            "the correction in :correct: does not hold either: {message}").format(
            message=failure.outcome.message), option="correct")) from None
    except VcrError as error:
        # The correction was checked as the claim, so its shape error names :expect:;
        # the author must be sent to the :correct: line, where the mistake is.
        if error.option == "expect":
            error.option = "correct"
        raise


def _display_run(problem: Problem, settings: Settings, key: str, run: Run,
                 assignments: list[Case]) -> Run:
    """The run whose derivative is written out beside a wrong claim.

    A derivative at size 1 says little (``x_1`` for ``diag(x)``), so when the claim
    failed there, the correct value is shown at the next size instead.
    """
    if not run.instance.sizes or max(run.instance.sizes.values()) > 1:
        return run
    larger = next((c for c in assignments if max(c.sizes.values()) > 1), None)
    if larger is None:
        return run
    shown = run
    # (within half the time left: the verdict is known, and must not become a timeout)
    with soft_limit(remaining() / 2), suppress(VcrError, Failure):
        shown = _run(problem, larger, settings, key)
    return shown


def _run(problem: Problem, case: Case, settings: Settings, key: str,
         known: Symbolic | None = None) -> Run:
    known = {} if known is None else known
    sizes = case.assignment
    memo = _function(problem, case)
    instance = memo.instance
    symbolic = _symbolic(problem, case, known)
    # Before any work: a page must never show two names alike, even beside a failure.
    names = names_of(problem, instance)
    _check_kind(problem, instance)
    if memo.flat is None:
        memo.flat = flat_derivative(problem, instance)
    flat = memo.flat
    result = arrange(problem, instance, flat)
    expected = derivative_shape(problem, instance.output)
    claim, shape_error = None, None
    claim_domain: list[sympy.Expr] = []
    quotes: dict[sympy.Basic, Expr] = {}
    if problem.expect is not None:
        value = claim_value(problem, instance, expected, claim_domain, quotes)
        try:
            _check_claim_shape(problem, instance, value, expected)
            claim = _as_matrix(value, result.shape)
        except ShapeError as err:
            # A known mistake may be one of shape (a column where a row belongs).
            if not problem.mistake:
                raise
            shape_error = err.message
    # Finite differences check the flat Jacobian (for a Hessian, the gradient too).
    outputs = flat_outputs(problem, instance, flat)
    extra = list(claim) if claim is not None else []
    check_defined(outputs, N_("the function"))
    check_defined(extra, N_("the claim"), option="expect")
    folded = _folded_notes(instance, outputs)
    # The claim's notes too: a name only they mention (where(y > 0, 0*log(x1), 0)) must
    # be sampled, or what it needs is never looked at.
    # (and those of the constraints' substitutions: a t only in :where: sum(y) == t
    # was never sampled, and evaluating at the points was an internal error)
    free = free_symbols([*outputs, *extra, *claim_domain, *folded, *instance.conditions,
                         *instance.structure.dependent.values()])
    others = sorted((free | set(instance.param_symbols)) - set(instance.wrt_symbols),
                    key=str)
    sampler = Sampler(outputs, flat, instance.wrt_symbols, others,
                      instance.conditions, extra, sample_seed(settings, key, sizes),
                      finite=folded, structure=instance.structure)
    sample = sampler.draw(settings.samples, settings.rtol, settings.atol)
    if sample.mismatch is not None:
        raise Failure(Outcome(FAILED, "numeric", fd_message(sample, instance)))
    _check_claim_has_values(claim, claim_domain, quotes, sample, problem, instance,
                            sampler)
    factorisation = chain(problem, instance) if problem.kind == "chain-rule" else None
    region = instance.conditions
    # Compared where the structure and the constraints hold: dependent entries
    # substituted (the derivative itself treats every entry as free).
    result, flat = instance.structure.apply(result), instance.structure.apply(flat)
    claim = None if claim is None else instance.structure.apply(claim)
    if factorisation is not None:
        check = compare(resolve_steps(instance.structure.apply(factorisation.value), region),
                        resolve_steps(flat, region),
                        sample.symbols, sample.points,
                        prove=False)
        if not check.equal:
            message = (_("the product of the chain-rule factors does not equal the "
                         "derivative of the composition at {sizes}") if sizes else
                       _("the product of the chain-rule factors does not equal the "
                         "derivative of the composition"))
            raise Failure(Outcome(FAILED, "chain", message.format(sizes=sizes_text(sizes))))
    comparison = None
    if claim is not None:
        resolved = resolve_steps(result, region)
        # The claim's kinks too: both are compared on the region only, where relu(z)
        # under :where: z > 0 is z; with no kink left, SymPy can decide it exactly.
        claim = resolve_steps(claim, region)
        proven = bool(problem.functions) and _general_rule_proven(problem, symbolic,
                                                                  expected)
        comparison = compare(claim, resolved, sample.symbols, sample.points,
                             probes=lambda: sampler.probes([*claim, *resolved]),
                             prove=not proven)
        if problem.functions:
            # Exact for each replacement is not a proof of the general rule.
            comparison.exact = proven and comparison.equal
    shown_chain = None
    if symbolic is not None and factorisation is not None:
        shown_chain = chain(problem, symbolic[0])
    return Run(instance, result, claim, factorisation, sample, comparison, shape_error,
               names, shown=None if symbolic is None else symbolic[1],
               shown_chain=shown_chain)


@dataclasses.dataclass
class _Function:
    """A directive's function at one case: its instance and, once taken, its flat
    derivative."""

    instance: Instance
    flat: sympy.Matrix | None = None


#: The functions of the directive being computed, by its problem without the claim
#: and the case (see :func:`_function`).
_FUNCTIONS: dict[tuple, _Function] = {}


def _function(problem: Problem, case: Case) -> _Function:
    """The instance of ``problem`` at ``case`` (and its derivative), computed once for
    the directive: a wrong claim's derived form, its suggestions and a chain rule's
    factors are each verified as a claim of the same function, and differentiating it
    again for each took most of their time (two seconds for a softmax network's wrong
    claim). Neither depends on the claim, which is evaluated on a scope of its own."""
    key = _function_key(problem, case)
    found = _FUNCTIONS.get(key) if key is not None else None
    if found is None:
        found = _Function(instantiate(problem, case))
        if key is not None:
            _FUNCTIONS[key] = found
    return found


def _function_key(problem: Problem, case: Case) -> tuple | None:
    function = dataclasses.replace(problem, expect=None, expect_text="", mistake=False,
                                   correct=None, correct_text="", reason="")
    key = (function, tuple(sorted(case.sizes.items())), tuple(sorted(case.indices.items())),
           case.replacement, case.seed, case.symbolic)
    try:
        hash(key)
    except TypeError:  # a part that cannot be a key: computed each time
        return None
    return key


#: The symbolic instances of one directive, by assignment (see :func:`_symbolic`).
Symbolic = dict[str, "tuple[Instance, sympy.Matrix] | None"]


def _folded_notes(instance: Instance, outputs: list[sympy.Expr]) -> list[sympy.Expr]:
    """What the function needs that SymPy folded out of its value: ``abs(x) +
    0*log(x)`` is ``abs(x)``, yet has no value at x < 0, so it is sampled only where
    log(x) has one (the points draw a value of every one of these). Notes in a
    definition's placeholders (its local form) are the composed form's too, and left
    out."""
    placeholders = {s for group in instance.placeholders for s in group}
    notes = [n for n in dict.fromkeys(instance.context.domain)
             if not n.free_symbols & placeholders]
    if not notes:
        return []
    inside = {node for out in outputs for node in sympy.preorder_traversal(out)}
    return [n for n in notes if n not in inside]


def _check_claim_has_values(claim: sympy.Matrix | None, notes: list[sympy.Expr],
                            quotes: dict[sympy.Basic, Expr], sample: Sample,
                            problem: Problem, instance: Instance, sampler: Sampler
                            ) -> None:
    """A claim has a value wherever the derivative has one: at every point of the
    region drawn, it and the parts SymPy may have rewritten away (``(sqrt(x) - 1)*
    (sqrt(x) + 1)`` is ``x - 1`` once expanded, but not at x < 0). The part without a
    value is quoted as the author wrote it (the notes first: the smallest such part)."""
    entries = [] if claim is None else list(claim)
    exprs = [*notes, *entries]
    found = without_value(exprs, sampler, sample) if exprs else None
    if found is None or problem.mistake:
        return
    point, missing, close = found
    at = next((k for k, e in enumerate(exprs) if e is missing), 0) - len(notes)
    names = entry_texts(instance)
    if at < 0 or claim is None:
        text = quoted_text(missing, quotes, names)
    elif len(entries) == 1:
        text = problem.expect_text or expression_text(missing, names)
    else:
        text = (claim_entry_text(problem, instance, claim, *divmod(at, claim.cols))
                or expression_text(missing, names))
    message = _("the claim has no value at {point}, where the derivative has one "
                "({expr} has none there)").format(
        point=format_point(sample.symbols, point, exact=close, names=names), expr=text)
    raise Failure(Outcome(FAILED, "mismatch", message, option="expect"))


def _symbolic(problem: Problem, case: Case, known: Symbolic
              ) -> tuple[Instance, sympy.Matrix] | None:
    """The instance and derivative with the abstract functions left undefined (SymPy's
    own): what a page shows, since the replacements are no reader's business. The same
    for every replacement, so worked out once per assignment (``known``)."""
    if not problem.functions:
        return None
    key = repr(case.assignment)
    if key not in known:
        try:
            instance = instantiate(problem, dataclasses.replace(case, symbolic=True))
            known[key] = instance, derivative(problem, instance)
        except (VcrError, ValueError, TypeError):
            known[key] = None
    return known[key]


def _general_rule_proven(problem: Problem, symbolic: tuple[Instance, sympy.Matrix] | None,
                         expected: shapes.Shape) -> bool:
    """Whether SymPy proves the claim with the abstract functions left undefined (then
    the replacements need only be compared at the points)."""
    if symbolic is None:
        return False
    instance, result = symbolic
    try:
        value = claim_value(problem, instance, expected)
        return proven_equal(_as_matrix(value, result.shape),
                            resolve_steps(result, instance.conditions))
    except (VcrError, ValueError, TypeError):
        return False


def _check_kind(problem: Problem, instance: Instance) -> None:
    output = instance.output
    # A matrix by one scalar is entry-wise, a derivative as much as a Jacobian (DESIGN 9).
    entrywise = problem.kind == "derivative" and arrangement(problem, output) == "entrywise"
    if problem.kind == "hessian" and not output.is_scalar:
        raise ShapeError(_("the hessian directive takes a scalar function, but this one is "
                           "{shape}; write one hessian per component").format(
            shape=shapes.describe(output.shape)), line=problem.output.line)
    if problem.kind in ("derivative", "gradient") and not output.is_scalar \
            and not entrywise:
        raise ShapeError(_("the {kind} directive takes a scalar function, but this one is "
                           "{shape}; use jacobian").format(kind=problem.kind,
                                                           shape=shapes.describe(output.shape)),
                         line=problem.output.line)
    if problem.kind == "derivative" and (len(problem.wrt) != 1 or (
            problem.wrt[0].dims and problem.wrt[0] not in problem.components)):
        raise ShapeError(_("the derivative directive differentiates by one scalar; use "
                           "gradient or jacobian for vectors and several variables"))


def _check_claim_shape(problem: Problem, instance: Instance, claim: Value,
                       expected: shapes.Shape) -> None:
    if shapes.is_one_by_one(expected) and claim.is_scalar:
        return
    if claim.shape and shapes.same_shape(claim.shape, expected):
        return
    if claim.shape and expected and shapes.same_shape(claim.shape,
                                                      (expected[1], expected[0])):
        template = _("the claim is {claim}, but the derivative in {layout} is {expected}: "
                     "transpose the claim with .T, or use :layout: {other}")
    elif not claim.shape and expected:
        template = _("the claim is {claim}, but the derivative in {layout} is {expected}; "
                     "a scalar claim fits only a 1 x 1 derivative")
    else:
        template = _("the claim is {claim}, but the derivative in {layout} is {expected}")
    how = arrangement(problem, instance.output)
    if how == "entrywise" or problem.kind == "hessian":
        # The layout changes neither: no hint at .T or at :layout:.
        template = (_("the claim is {claim}, but the derivative (entry by entry) is "
                      "{expected}") if how == "entrywise" else
                    _("the claim is {claim}, but the Hessian is {expected}"))
    layout = (_("numerator layout") if problem.layout == "numerator"
              else _("denominator layout"))
    other = "denominator" if problem.layout == "numerator" else "numerator"
    message = template.format(claim=shapes.describe(claim.shape), layout=layout,
                              expected=shapes.describe(expected), other=other)
    explained = _by_matrix_note(problem, how)
    if explained:
        message = _("{message} ({hint})").format(message=message, hint=explained)
    raise ShapeError(message, option="expect")


def _by_matrix_note(problem: Problem, how: str) -> str:
    """What a derivative by a matrix is, beside a claim of the wrong shape: the
    convention is the likeliest thing to have been missed."""
    matrices = [d for d in problem.wrt if len(d.dims) == 2 and d not in problem.components]
    if how == "matrix":
        name, (rows, cols) = matrices[0].name, matrices[0].dims
        return _("a scalar by the {rows} x {cols} matrix {name} has {name}'s shape in "
                 "denominator layout, the Matrix Cookbook's convention, and its transpose "
                 "({cols} x {rows}) in numerator layout").format(name=name, rows=rows,
                                                                   cols=cols)
    if matrices and how == "flat":
        return _("by a matrix, the derivative is d vec(F) / d vec({name}), vec stacking "
                 "the columns, and several variables stack as [vec({name}); ...]: write "
                 "the claim with vec() and array literals").format(name=matrices[0].name)
    return ""


def _as_matrix(value: Value, shape: tuple[int, int]) -> sympy.Matrix:
    if value.is_scalar:
        return sympy.Matrix([[value.data]])
    return sympy.Matrix(value.data).reshape(*shape)
