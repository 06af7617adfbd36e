"""Errors raised by the core for bad input; each carries a message subtype.

The subtype becomes the Sphinx warning subtype (``vcr.parse``, ``vcr.shape``, ...), so
users can silence one class of message with ``suppress_warnings``. ``line`` is the
0-based index of the content line the problem is on, or ``None`` for the directive line
(options and the directive argument); ``option`` names the option at fault, if any, so
the message can point at that option's own line.
"""

from __future__ import annotations


class VcrError(Exception):
    """Bad input in a directive: reported at its location, never as a traceback."""

    subtype = "input"

    def __init__(self, message: str, *, line: int | None = None,
                 option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.option = option


class ParseError(VcrError):
    """Text that is not part of the expression language."""

    subtype = "parse"


class ShapeError(VcrError):
    """Operands, claims or options whose shapes do not fit together."""

    subtype = "shape"


class DomainError(VcrError):
    """No usable sample point: an unsatisfiable ``:where:`` or no finite value."""

    subtype = "domain"


class SizeExcluded(DomainError):
    """A ``:where:`` condition on sizes (``n > 1``) excludes the size being checked."""


class LimitError(VcrError):
    """Input that would take too long or too much memory to process."""

    subtype = "limit"


class VcrTimeout(BaseException):
    """The per-directive time budget ran out.

    A BaseException on purpose: SymPy has a few broad ``except Exception`` clauses that
    would otherwise swallow the interrupt and keep simplifying.
    """
