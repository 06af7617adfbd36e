"""Helpers shared by the core tests of issue 11 (derivations, indices, functions).

Everything goes through :func:`sphinx_vcr.core.running.verify.check`, the core's one
entry point (worker, limits and memo included), so the tests see what a build sees.
"""

from __future__ import annotations

from sphinx_vcr.core.outcome import Outcome
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.verify import check


def derivation(*lines: str, argument: str = "", settings: Settings = Settings(),
               **options: str | None) -> Outcome:
    """The outcome of a ``.. derivation::`` whose content lines are ``lines``."""
    return check("derivation", argument, list(lines), dict(options), settings)


def verified(outcome: Outcome) -> Outcome:
    """``outcome``, asserted verified (and not as a known mistake)."""
    assert (outcome.status, outcome.mistake) == ("verified", False), (
        outcome.status, outcome.subtype, outcome.message)
    return outcome


def failed_step(outcome: Outcome, step: int, line: int) -> Outcome:
    """``outcome``, asserted a failure of step ``step`` reported at content ``line``."""
    assert (outcome.status, outcome.subtype) == ("failed", "step"), (
        outcome.status, outcome.subtype, outcome.message)
    previous = "the first form" if step == 1 else f"step {step - 1}"
    assert outcome.message.startswith(f"step {step} does not follow from {previous}"), (
        outcome.message)
    assert outcome.line == line, (outcome.line, outcome.message)
    assert outcome.claims == 0
    return outcome


def error(outcome: Outcome, subtype: str, *words: str, line: int | None = None,
          option: str | None = None) -> Outcome:
    """``outcome``, asserted a located error of ``subtype`` whose message has ``words``.

    A located error names its content line or its option (or, with neither given
    here, the directive itself).
    """
    assert (outcome.status, outcome.subtype) == ("error", subtype), (
        outcome.status, outcome.subtype, outcome.message)
    assert (outcome.line, outcome.option) == (line, option), (
        outcome.line, outcome.option, outcome.message)
    for word in words:
        assert word in outcome.message, (word, outcome.message)
    assert "Traceback" not in outcome.message and outcome.claims == 0
    return outcome
