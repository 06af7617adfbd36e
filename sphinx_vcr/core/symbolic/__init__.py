"""Symbolic backends: one interface to the computer algebra a check runs on.

The evaluator (:mod:`..calculus.evaluate`) builds its values through a
:class:`~.backend.Backend`: SymPy (:mod:`.sympy_backend`, the default, what every check
uses today) or symengine (:mod:`.symengine_backend`, a C++ CAS about a hundred times
faster at ``diff``, the fast path of issue 15, selectable but not yet used by the
pipeline). Both follow the language's conventions (relu'(0) = 0, d|u| = sign(u) du, the
derivative of a step is 0 off its kink), so their derivatives agree exactly
(``tests/core/test_fast_path.py``); what the fast path cannot decide goes to SymPy by
:meth:`~.backend.Backend.to_sympy`. The matrix functions (:mod:`..calculus.matrices`)
are computed in SymPy and converted back, so their forms are SymPy's on both paths;
abstract functions raise :class:`~.backend.Unsupported` on symengine.
"""

from __future__ import annotations

from .backend import Backend, Unsupported


def backend(name: str = "sympy") -> Backend:
    """The backend called ``name`` ("sympy" or "symengine"); symengine is imported
    only when asked for, so SymPy-only builds never load it."""
    if name == "sympy":
        from .sympy_backend import SYMPY
        return SYMPY
    if name == "symengine":
        from .symengine_backend import SYMENGINE
        return SYMENGINE
    raise ValueError(f"unknown symbolic backend {name!r}")


__all__ = ["Backend", "Unsupported", "backend"]
