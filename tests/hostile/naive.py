"""The certified walker's plain arithmetic as it was before the speed work: mpmath's own
+ and *, every coordinate converted afresh, nothing kept or folded. Hostile tests hold
the fast arithmetic to it bit for bit."""

from __future__ import annotations

import mpmath

from sphinx_vcr.core.checking import certified


class Naive(certified.Arithmetic):
    """The walker's plain arithmetic as it was: mpmath's own + and *, every coordinate
    converted afresh."""

    def point(self, value: float) -> mpmath.mpf:
        return self.ctx.mpf(value)

    def total(self, values: list) -> mpmath.mpf:
        result = values[0]
        for value in values[1:]:
            result = result + value
        return result

    def product(self, values: list) -> mpmath.mpf:
        result = values[0]
        for value in values[1:]:
            result = result * value
        return result
