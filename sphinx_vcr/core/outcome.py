"""The result of verifying one directive, ready for any front end to render."""

from __future__ import annotations

from dataclasses import dataclass, field

VERIFIED, FAILED, ERROR = "verified", "failed", "error"
#: Not checked: ``vcr_fail_fast`` stopped at an earlier failure.
SKIPPED = "skipped"


@dataclass
class Outcome:
    """What happened to one directive, and what to show for it.

    ``status`` is ``verified`` (a known ``:mistake:`` that was shown to be wrong counts as
    verified), ``failed`` (a claim or the derivative disagrees) or ``error`` (bad input).
    ``line`` is the 0-based content line of the problem, or ``None`` for the directive
    line; ``option`` names the option the problem is in (``expect`` for a wrong claim),
    so that it can be reported at that option's line. ``math`` holds the LaTeX blocks
    to display; ``badge`` says how the result was verified, or why it was not.
    ``claims`` counts the claims a verified outcome checked: 1 for an ``:expect:``
    (also a confirmed ``:mistake:``), one per step of a derivation, 0 for a directive
    without a claim and for any outcome that is not verified.
    ``seconds`` is how long computing it took (0 when it was read from the disk cache):
    not part of the outcome's value, so two outcomes that differ only in it are equal.
    """

    status: str
    subtype: str = ""
    message: str = ""
    line: int | None = None
    option: str | None = None
    math: list[str] = field(default_factory=list)
    badge: str = ""
    mistake: bool = False
    exact: bool = False
    points: int = 0
    max_error: float = 0.0
    claims: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == VERIFIED


class Failure(Exception):
    """A claim or derivative that does not hold; carries the finished outcome."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome
