"""The types shared across the core: the settings of a check and one run of it.

A leaf: it imports nothing that runs a check, so the pipeline, the rendering and the
messages can all name these types without importing one another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy

    from .calculus.derivatives import Chain
    from .calculus.instance import Instance
    from .checking.compare import Comparison
    from .checking.numeric import Sample
    from .rendering.names import Names


@dataclass(frozen=True)
class Settings:
    """The knobs of verification (the ``vcr_*`` configuration values).

    ``language`` (Sphinx's ``language``) is the language of the outcome's words: it is
    part of the memo and cache key, so one language's outcome never shows in another.
    ``timeout`` is in seconds of CPU time, ``memory`` in megabytes (see :mod:`.worker`).
    """

    samples: int = 5
    sizes: tuple[int, ...] = (1, 2, 3)
    seed: int = 0
    rtol: float = 1e-6
    atol: float = 1e-9
    timeout: float = 10.0
    memory: int = 500
    layout: str = "numerator"
    language: str = "en"


@dataclass
class Run:
    """Everything computed at one instantiation of the sizes."""

    instance: Instance
    derivative: sympy.Matrix
    claim: sympy.Matrix | None
    chain: Chain | None
    sample: Sample
    comparison: Comparison | None
    #: Why a ``:mistake:`` claim of the wrong shape is wrong (it is not compared).
    shape_error: str | None = None
    #: How the names are written: each distinctly, or the directive is an error.
    names: Names | None = None
    #: The derivative as shown, where it differs from the one checked: with abstract
    #: functions, SymPy's undefined functions rather than their replacements.
    shown: sympy.Matrix | None = None
    shown_chain: Chain | None = None


def sample_seed(settings: Settings, key: str, sizes: dict[str, int]) -> int:
    """A seed of sampling fixed by the configuration and the directive's own text."""
    digest = hashlib.sha256(f"{settings.seed}|{key}|{sorted(sizes.items())}".encode())
    return int.from_bytes(digest.digest()[:8], "little")
