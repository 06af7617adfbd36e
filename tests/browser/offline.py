"""Pages measured in a browser that has no network: the docs built as the README says, the
MathJax 4 of Sphinx's default answered from npm, and the measurements of ``probe.js``.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import chromium, devtools

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PROBE = Path(__file__).with_name("probe.js")

#: Sphinx 9's default ``mathjax_path`` (MathJax 4 from a CDN). Written out, so that on
#: Sphinx 7.4 and 8.2, whose default is MathJax 3, the same page is built.
SPHINX_MATHJAX4 = "https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js"

#: Where the built pages look for MathJax (docs/conf.py serves it from there).
MATHJAX_FOLDER = "/_static/mathjax/"


def docs_command(out: Path, *options: str) -> list[str]:
    """The README's command that builds these docs, writing into ``out`` instead, with
    ``options`` (``-D name=value``) added."""
    lines = [line for line in README.read_text(encoding="utf8").splitlines()
             if "-m sphinx" in line and "-b html docs" in line]
    assert len(lines) == 1, "the README has one command that builds the docs"
    command = shlex.split(lines[0].split("&&")[-1])
    assert command[:3] == ["python", "-m", "sphinx"] and command[-2] == "docs", command
    return [sys.executable, *command[1:-2], *options, "docs", str(out)]


def build_docs(out: Path, *options: str) -> None:
    """Build the docs into ``out`` as the README does; fail with the build's last words."""
    built = subprocess.run(docs_command(out, *options), cwd=ROOT, capture_output=True,
                           text=True, timeout=3600)
    assert built.returncode == 0, (built.stdout[-3000:], built.stderr[-5000:])


def mathjax4_cdn() -> dict[str, Path]:
    """The addresses Sphinx's default MathJax 4 loads from, each answered from npm's copy:
    the components, and the font, which MathJax 4 fetches apart by its version."""
    modules = chromium.mathjax4()
    font = modules / "@mathjax" / "mathjax-newcm-font"
    version = json.loads((font / "package.json").read_text(encoding="utf8"))["version"]
    return {SPHINX_MATHJAX4.rsplit("/", 1)[0] + "/": modules / "mathjax",
            f"https://cdn.jsdelivr.net/npm/@mathjax/mathjax-newcm-font@{version}/": font}


@dataclass
class Seen:
    """A page as the browser laid it out, and what it asked the network for."""

    probe: dict[str, Any]
    served: list[str]
    refused: list[str]
    missing: list[str]

    @property
    def ours(self) -> list[dict[str, Any]]:
        """The formulas of sphinx-vcr's directives (static math is the theme's)."""
        return [formula for formula in self.probe["formulas"] if formula["vcr"]]


def look(site: Path, page: str, *, width: int, cdn: dict[str, Path] | None = None,
         broken: tuple[str, ...] = ()) -> Seen:
    """Serve ``site``, open ``page`` at ``width`` pixels with nothing else reachable but
    ``cdn`` (stand-ins), paths under ``broken`` answered 404, and measure it."""
    with chromium.serve(site) as url, devtools.page(f"{url}/{page}", url, width=width,
                                                    broken=broken, stand_ins=cdn) as tab:
        probe = tab.evaluate(PROBE.read_text(encoding="utf8"))
    return Seen(probe, tab.served, tab.refused, tab.missing)


def formulas_in(html: str) -> int:
    """How many formulas (display and inline) a built page holds."""
    return len(re.findall(r'class="math notranslate nohighlight"', html))


def assert_typeset(seen: Seen, html: str) -> None:
    """Every formula typeset, none left as TeX, no MathJax error, each ``\\cancel`` drawn."""
    formulas = seen.probe["formulas"]
    assert len(formulas) == formulas_in(html) > 0
    untypeset = [formula["text"] for formula in formulas if not formula["typeset"]]
    assert not untypeset, f"{len(untypeset)} formulas left as TeX: {untypeset[:3]}"
    assert seen.probe["raw"] == [], "TeX shown as text"
    assert seen.probe["errors"] == 0, "MathJax reported errors"
    assert seen.probe["struck"] == html.count(r"\cancel{")


def assert_apart(seen: Seen) -> None:
    """Badges over nothing, and every formula of ours whole: in its box or scrolled to
    inside it, never cut off, never sticking out of the page."""
    assert seen.probe["badges"] > 0
    assert seen.probe["overlaps"] == [], json.dumps(seen.probe["overlaps"][:3], indent=1)
    cut = [(formula["cut"], formula["text"]) for formula in seen.ours if formula["cut"]]
    assert cut == [], cut[:5]
    assert seen.probe["overflow"] <= 0, "the page scrolls sideways"


def assert_offline(seen: Seen) -> None:
    """The page asked no other host for anything, and every stand-in file existed."""
    assert seen.refused == [], f"asked the network for {seen.refused[:5]}"
    assert seen.missing == [], f"not in the npm package: {seen.missing[:5]}"
