"""The index-free derivative engine: derivatives as a person writes them.

Given sphinx-vcr's own expression tree (:mod:`...language.syntax`) and the declared
shapes, :func:`derive` returns the derivative as another tree of the language, in the
directive's layout, index-free (``x.T @ (A + A.T)``, ``2/N * (X @ w - y).T @ X``,
``diag(sigmoid(z) * (1 - sigmoid(z)))``), or ``None`` where its rules find no such form.
The method is the calculus of matrix differentials (:mod:`.differential`), the
derivative read off the differential (:mod:`.readoff`) and simplified
(:mod:`.algebra`, :mod:`.simplify`); :func:`to_text` writes a tree back in the author's
syntax. Nothing here is trusted: every derived form is verified like a claim before it
is shown. Pure: no Sphinx, no evaluation of document text.
"""

from __future__ import annotations

from .derive import derive, expected_shape
from .text import to_text

__all__ = ["derive", "expected_shape", "to_text"]
