"""The ``vcr_*`` configuration values: types, defaults, descriptions and validation."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..core.records import Settings
from ..core.running.cache import OutcomeCache
from .i18n import N_, _

logger = logging.getLogger(__name__)

#: name, default, types, description
CONFIG_VALUES: tuple[tuple[str, object, tuple[type, ...], str], ...] = (
    ("vcr_layout", "numerator", (str,),
     "Layout of derivatives: 'numerator' (Jacobians are outputs x inputs) or "
     "'denominator' (transposed). A directive's :layout: overrides it."),
    ("vcr_samples", 5, (int,),
     "Sample points per instantiated size at which finite differences (and claims "
     "SymPy cannot decide exactly) are checked."),
    ("vcr_sizes", (1, 2, 3), (tuple, list),
     "Concrete values given to generic sizes such as n; every claim must hold at each."),
    ("vcr_seed", 0, (int,),
     "Seed of the sample points, combined with each directive's own text."),
    ("vcr_rtol", 1e-6, (float, int),
     "Relative tolerance of the finite-difference check, added to its error estimate."),
    ("vcr_atol", 1e-9, (float, int),
     "Absolute tolerance of the finite-difference check, added to its error estimate."),
    ("vcr_fail_build", True, (bool,),
     "Make sphinx-build exit with status 1 when a claim fails or a directive errs."),
    ("vcr_fail_fast", False, (bool,),
     "Stop checking at the first failure or error (per parallel worker); later "
     "directives render as not checked."),
    ("vcr_badge", True, (bool,),
     "Show a badge under each verified result saying how it was verified."),
    # An int, so that -D vcr_timeout=30 works: Sphinx converts an override to the
    # default's type, and refuses to for a float.
    ("vcr_timeout", 10, (float, int),
     "Seconds of CPU time one directive may take (parsing, algebra and sampling) before "
     "it errs; its process is stopped at 1.5 times that."),
    ("vcr_memory", 500, (int,),
     "Megabytes of memory one directive may allocate before it errs (Linux)."),
    ("vcr_show_successes", False, (bool,),
     "Also log one line per verified directive."),
    ("vcr_cache", True, (bool,),
     "Keep outcomes in the build directory (beside the doctrees), keyed by directive "
     "text, settings and library versions, so unchanged directives are not recomputed."),
    ("vcr_cjk_join", False, (bool,),
     "Drop the line break (and the spaces around it) between two CJK characters of "
     "hard-wrapped text, which would otherwise show as a stray space."),
)

#: Values that change no outcome, only what is written at the end of the build.
REPORT_VALUES: tuple[tuple[str, object, tuple[type, ...], str], ...] = (
    ("vcr_report", "", (str,),
     "Write every outcome as JSON to this path (relative to the output directory)."),
    ("vcr_junit", "", (str,),
     "Write every outcome as JUnit XML to this path (relative to the output directory)."),
)

_DEFAULTS = {name: default for name, default, _, _ in CONFIG_VALUES}


def setup_config(app: Sphinx) -> None:
    for name, default, types, description in CONFIG_VALUES:
        app.add_config_value(name, default, "env", types=types, description=description)
    for name, default, types, description in REPORT_VALUES:
        app.add_config_value(name, default, "", types=types, description=description)
    app.connect("config-inited", validate)


#: name: (test, what a valid value is)
_CHECKS = {
    "vcr_layout": (lambda v: v in ("numerator", "denominator"),
                   N_("'numerator' or 'denominator'")),
    "vcr_samples": (lambda v: isinstance(v, int) and 1 <= v <= 100,
                    N_("an integer from 1 to 100")),
    "vcr_sizes": (lambda v: isinstance(v, tuple | list) and v and all(
        isinstance(s, int) and 1 <= s <= 8 for s in v),
        N_("a tuple of integers from 1 to 8, such as (1, 2, 3)")),
    "vcr_rtol": (lambda v: isinstance(v, int | float) and 0 <= v < 1,
                 N_("a number from 0 to 1 (exclusive)")),
    "vcr_atol": (lambda v: isinstance(v, int | float) and v >= 0,
                 N_("a number of at least 0")),
    # Bounded above as well: an infinite limit would overflow the kernel's own numbers.
    "vcr_timeout": (lambda v: isinstance(v, int | float) and 0 < v <= 1e6,
                    N_("a number of seconds above 0, at most 1000000")),
    "vcr_memory": (lambda v: isinstance(v, int) and not isinstance(v, bool)
                   and 50 <= v <= 1 << 30,
                   N_("a whole number of megabytes, at least 50 and at most 1073741824")),
}


def validate(app: Sphinx, config: Config) -> None:
    """Replace invalid values by their defaults, with a warning that says why."""
    for name, (ok, valid) in _CHECKS.items():
        value = config[name]
        if not ok(value):
            logger.warning(_("invalid %s = %r (it must be %s); using %r"), name, value,
                           _(valid), _DEFAULTS[name], type="vcr", subtype="config")
            config[name] = _DEFAULTS[name]


def settings(config: Config, language: str | None = None) -> Settings:
    """The core's :class:`Settings` from the configuration, its words in ``language``
    (a page's own, see :mod:`.language`) or else in the project's."""
    return Settings(samples=config.vcr_samples, sizes=tuple(config.vcr_sizes),
                    seed=config.vcr_seed, rtol=float(config.vcr_rtol),
                    atol=float(config.vcr_atol), timeout=float(config.vcr_timeout),
                    memory=config.vcr_memory, layout=config.vcr_layout,
                    # The outcome's words are in this language: part of the key.
                    language=language or project_language(config))


def project_language(config: Config) -> str:
    """The project's ``language``, English if it sets none."""
    return config.language or "en"


def outcome_cache(config: Config, doctreedir: str | Path) -> OutcomeCache | None:
    """The persistent cache (``vcr_cache``), beside the doctrees in the build directory."""
    if not config.vcr_cache:
        return None
    return OutcomeCache(Path(doctreedir) / "vcr-cache")
