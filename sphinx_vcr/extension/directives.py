"""The ``derivative``, ``gradient``, ``jacobian`` and ``chain-rule`` directives.

Each one reads its text and options, asks the core to verify them, records the outcome
in the domain, logs any problem at its file and line, and returns the rendered nodes.
Options that hold expressions are plain strings here: the core's own parser reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.outcome import ERROR, FAILED, SKIPPED, Outcome
from ..core.problem import OPTIONS
from ..core.verify import check
from . import config
from .domain import Record, get_domain
from .i18n import _
from .nodes import result_nodes

logger = logging.getLogger(__name__)


class AnyOption(dict):
    """An option spec that accepts any option name, as plain text."""

    def __missing__(self, key: str) -> Callable[[str | None], str]:
        return directives.unchanged


class VcrDirective(SphinxDirective):
    """Common behaviour; subclasses only set :attr:`kind`."""

    kind: ClassVar[str]
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    # Every option, even a misspelt one, reaches run() as text: docutils would otherwise
    # drop the whole directive with an error that neither counts as a failure nor fails
    # the build, so a typo such as :expected: would silently skip the check.
    option_spec: ClassVar[dict] = AnyOption(
        (name, directives.unchanged) for name in (*OPTIONS, "name"))

    def run(self) -> list[nodes.Node]:
        options = {k: v for k, v in self.options.items() if k != "name"}
        argument = self.arguments[0] if self.arguments else ""
        if self.config.vcr_fail_fast and getattr(self.env, "vcr_stop", False):
            outcome = Outcome(SKIPPED, "skipped", _("not checked: vcr_fail_fast stopped "
                                                    "at an earlier failure"))
        else:
            outcome = check(self.kind, argument, list(self.content), options,
                            config.settings(self.config),
                            config.outcome_cache(self.config, self.env.doctreedir))
        if outcome.status in (FAILED, ERROR):
            # Noted per process: in a parallel build each worker stops at its own first
            # failure. Reset at the start of every build (summary.py).
            self.env.vcr_stop = True  # type: ignore[attr-defined]
        location = self._location(outcome)
        self._report(outcome, location)
        get_domain(self.env).record(self.env.docname, Record(
            location=location, line=self.get_source_info()[1] or 0, kind=self.kind,
            status=outcome.status,
            subtype=outcome.subtype, message=outcome.message, method=_method(outcome),
            points=outcome.points, max_error=outcome.max_error, seconds=outcome.seconds))
        box = result_nodes(self.kind, outcome, self.env.docname, self.config.vcr_badge)
        for node in box.findall(nodes.Element):
            self.set_source_info(node)
        self.add_name(box)  # the :name: option, as a reference target
        return [box]

    def _location(self, outcome: Outcome) -> str:
        """``file:line`` of the problem: its content line, its option's line, or else
        the directive's line."""
        if outcome.line is not None and outcome.line < len(self.content):
            source, offset = self.content.info(outcome.line)
            if _is_myst(self.state):
                # MyST numbers content lines from 0 and gives the content's offset from
                # the fence line, which is self.lineno.
                offset = self.lineno + self.content_offset + outcome.line
            return _where(source, offset + 1)
        source, line = self.get_source_info()
        if outcome.option:
            line = self._option_line(outcome.option) or line
        return _where(source, line)

    def _option_line(self, option: str) -> int | None:
        """The 1-based line of ``:option:`` in this directive, if it can be found."""
        if _is_myst(self.state):
            # MyST's block_text differs between versions (with or without the option
            # block), so the options are read from the source: they are the
            # content_offset lines after the fence line, self.lineno.
            source = self.get_source_info()[0]
            try:
                text = Path(source).read_text(encoding=self.config.source_encoding)
            except (OSError, UnicodeDecodeError):
                return None
            lines = text.splitlines()[self.lineno:self.lineno + self.content_offset]
            first = self.lineno + 1
        else:
            # block_text starts at the directive's line; options follow, one a line.
            lines = self.block_text.splitlines()
            first = self.get_source_info()[1]
        for index, text in enumerate(lines):
            # ":expect: ..." or, in a MyST YAML option block, "expect: ..."
            if text.strip().startswith((f":{option}:", f"{option}:")):
                return first + index
        return None

    def _report(self, outcome: Outcome, location: str) -> None:
        if outcome.status == SKIPPED:
            return
        if outcome.ok:
            if self.config.vcr_show_successes:
                logger.info("[vcr.%s] %s", self.kind,
                            _("Verified: {badge}").format(badge=outcome.badge),
                            location=location)
            return
        logger.error("[vcr.%s] %s", self.kind, outcome.message, location=location,
                     type="vcr", subtype=outcome.subtype)


def _where(source: str, line: int | None) -> str:
    """``file:line``, the file absolute: docutils names the lines of an included file
    relative to the working folder, and every other line absolutely."""
    path = Path(source)
    if not path.is_absolute() and path.is_file():
        source = str(path.resolve())
    return f"{source}:{line or 0}"


def _is_myst(state: object) -> bool:
    """Whether the directive is parsed by myst-parser (which mocks docutils' states)."""
    return type(state).__module__.startswith("myst_parser.")


def _method(outcome: Outcome) -> str:
    if not outcome.ok:
        return ""
    if outcome.mistake:
        return "mistake"
    return "exact" if outcome.exact else "numeric"


def _directive(kind: str) -> type[VcrDirective]:
    name = "".join(part.title() for part in kind.split("-")) + "Directive"
    return type(name, (VcrDirective,), {"kind": kind, "__doc__": f"``.. {kind}::``"})


DerivativeDirective = _directive("derivative")
GradientDirective = _directive("gradient")
JacobianDirective = _directive("jacobian")
ChainRuleDirective = _directive("chain-rule")


def setup_directives(app: Sphinx) -> None:
    for directive in (DerivativeDirective, GradientDirective, JacobianDirective,
                      ChainRuleDirective):
        app.add_directive(directive.kind, directive)
