"""The ``derivative``, ``gradient``, ``jacobian``, ``chain-rule``, ``derivation`` and
``hessian`` directives (one per kind of :data:`..core.language.problem.KINDS`).

Each one splits its block into argument, options and content itself
(:mod:`..core.language.block`, :mod:`.myst`), asks the core to verify them, records the outcome
in the domain, logs any problem at its file and line, and returns the rendered nodes.
Options that hold expressions are plain strings here: the core's own parser reads them.
A malformed block, or a failure of the directive itself, is recorded as an error like
any other, so no directive of the page goes uncounted.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxWarning
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.language.block import BlockError, Parts, check_steps, split_rst
from ..core.language.problem import KINDS
from ..core.outcome import ERROR, FAILED, SKIPPED, Outcome
from ..core.running.verify import check
from . import config
from .domain import Record, get_domain
from .i18n import _, current_language, speaking
from .language import of_page
from .myst import split_myst
from .nearmiss import NearMisses
from .nodes import result_nodes

logger = logging.getLogger(__name__)


class VcrDirective(SphinxDirective):
    """Common behaviour; subclasses only set :attr:`kind`."""

    kind: ClassVar[str]
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    # No option spec: docutils and MyST hand over the block raw, and core.block splits
    # it. docutils would drop a directive whose options it cannot parse (a duplicated
    # or two-word option, a stray line) with an error that is neither counted nor
    # fails the build, and MyST would keep the last of two equal options; here each is
    # a counted error at its line, and a misspelt option reaches the core's check.
    option_spec = None

    def run(self) -> list[nodes.Node]:
        # Every word of the directive (its outcome, its box, its messages in the log) in
        # the language of its page.
        language = of_page(self.env)
        with speaking(language):
            try:
                return self._run(language)
            except SphinxWarning:
                raise  # -W turning our own message into an exception: Sphinx handles it
            except Exception as err:  # a bug of ours: still a counted error, never lost
                outcome = Outcome(ERROR, "internal", _(
                    "internal error ({error}: {detail}); please report it with this "
                    "directive").format(error=type(err).__name__, detail=err))
                return self._finish(outcome, self._at(0))

    def _run(self, language: str) -> list[nodes.Node]:
        settings = config.settings(self.config, language)
        parts: Parts | BlockError
        try:
            parts = self._split()
        except BlockError as err:
            parts = err
        if isinstance(parts, Parts) and "name" in parts.options:
            self.options = {"name": parts.options["name"]}  # for add_name
        if self.config.vcr_fail_fast and getattr(self.env, "vcr_stop", False):
            return self._finish(Outcome(SKIPPED, "skipped", _(
                "not checked: vcr_fail_fast stopped at an earlier failure")), self._at(0))
        if isinstance(parts, BlockError):
            return self._finish(Outcome(ERROR, parts.subtype, parts.message),
                                self._at(parts.row))
        options = {k: v for k, v in parts.options.items() if k != "name"}
        outcome = check(self.kind, parts.argument, parts.content, options, settings,
                        config.outcome_cache(self.config, self.env.doctreedir))
        return self._finish(outcome, self._location(outcome, parts))

    def _split(self) -> Parts:
        """The block split into argument, options and content (raises BlockError)."""
        line = self.get_source_info()[1] or 0
        if _is_myst(self.state):
            return split_myst(self.arguments[0] if self.arguments else "",
                              list(self.content), self.content_offset, line)
        # block_text runs from the directive's line to the end of its block, as in the
        # source (docutils has only expanded tabs), which is what the scanner reads.
        lines = self.block_text.splitlines()
        first = lines[0].partition("::")[2].lstrip(" ") if lines else ""
        parts = split_rst(first, lines[1:], line)
        check_steps(self.kind, parts)
        return parts

    def _finish(self, outcome: Outcome, location: str) -> list[nodes.Node]:
        """Report and record ``outcome`` at ``location``; the nodes to show for it."""
        # The nodes first: should making them fail, run() records the error instead,
        # and the directive is still counted once.
        box = result_nodes(self.kind, outcome, self.env.docname, self.config.vcr_badge)
        for node in box.findall(nodes.Element):
            self.set_source_info(node)
        self.add_name(box)  # the :name: option, as a reference target
        if outcome.status in (FAILED, ERROR):
            # Noted per process: in a parallel build each worker stops at its own first
            # failure. Reset at the start of every build (summary.py).
            self.env.vcr_stop = True  # type: ignore[attr-defined]
        self._report(outcome, location)
        get_domain(self.env).record(self.env.docname, Record(
            location=location, line=self.get_source_info()[1] or 0, kind=self.kind,
            status=outcome.status,
            subtype=outcome.subtype, message=outcome.message, method=_method(outcome),
            points=outcome.points, max_error=outcome.max_error,
            claims=outcome.claims if outcome.ok else 0, seconds=outcome.seconds,
            language=current_language()))
        return [box]

    def _at(self, row: int) -> str:
        """``file:line`` of a row of the block (0: the directive's own line)."""
        source, line = self.get_source_info()
        return _where(source, (line or 0) + row)

    def _location(self, outcome: Outcome, parts: Parts) -> str:
        """``file:line`` of the problem: its content line, its option's line, or else
        the directive's line."""
        if outcome.line is not None and outcome.line < len(parts.content):
            return self._at(parts.content_row + outcome.line)
        return self._at(parts.rows.get(outcome.option or "", 0))

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


#: A directive class per kind the core knows (``DerivativeDirective``, ...), so that a
#: kind added to the core cannot be missing here.
DIRECTIVES = {kind: _directive(kind) for kind in KINDS}


def setup_directives(app: Sphinx) -> None:
    for kind, directive in DIRECTIVES.items():
        app.add_directive(kind, directive)
    app.add_transform(NearMisses)
