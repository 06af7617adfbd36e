"""The Sphinx layer of sphinx-vcr: directives, nodes, domain, configuration, summary.

Thin by design: it reads directive text and configuration, hands them to the pure core
(``sphinx_vcr.core``) and turns the outcome into docutils nodes, log messages and the
build's exit status.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import (
    assets,
    builder,
    cjk,
    config,
    directives,
    domain,
    i18n,
    language,
    prefetch,
    report,
    summary,
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register every part of the extension with ``app``."""
    i18n.setup_i18n(app)
    config.setup_config(app)
    domain.setup_domain(app)
    directives.setup_directives(app)
    language.setup_language(app)
    cjk.setup_cjk(app)
    assets.setup_assets(app)
    summary.setup_summary(app)
    prefetch.setup_prefetch(app)
    report.setup_report(app)
    app.add_builder(builder.VcrBuilder)
    return {}
