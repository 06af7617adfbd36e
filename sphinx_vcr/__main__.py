"""``python -m sphinx_vcr quickstart DIR``: start a docs project whose math is verified.

Writes ``conf.py`` (sphinx-vcr enabled) and ``index.rst`` (a right claim of each kind,
and a wrong one commented out) from the ``conf_template`` shipped with the package, and
says how to build it. It refuses to overwrite an existing project.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # Python 3.11+; typing only

TEMPLATE_FILES = ("conf.py", "index.rst")


def quickstart(target: Path) -> int:
    """Write the template project into ``target``; 0 on success, 2 if it would overwrite."""
    existing = [name for name in TEMPLATE_FILES if (target / name).exists()]
    if existing:
        print(f"sphinx-vcr quickstart: {target} already has {', '.join(existing)}; "
              "choose an empty or new folder", file=sys.stderr)
        return 2
    target.mkdir(parents=True, exist_ok=True)
    template = _template()
    for name in TEMPLATE_FILES:
        (target / name).write_text(template.joinpath(name).read_text(encoding="utf8"),
                                   encoding="utf8")
    build = target / "_build" / "html"
    print(f"Wrote {target / 'conf.py'} and {target / 'index.rst'}.\n"
          f"Build it:  python -m sphinx -b html {target} {build}\n"
          f"Check it:  python -m sphinx -b vcr {target} {target / '_build' / 'vcr'}\n"
          "Then remove the '..' marker above the wrong claim at the end of index.rst and "
          "build again: the build fails at that claim's line.")
    return 0


def _template() -> Traversable:
    """The template folder: in the package when installed; at the top of a source
    checkout, whose own ``sphinx_vcr/`` shadows the installed one when run from there."""
    try:
        return resources.files("sphinx_vcr.conf_template")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "conf_template"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sphinx_vcr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("quickstart", help="write a new docs project into DIR")
    start.add_argument("directory", metavar="DIR", type=Path)
    args = parser.parse_args(argv)
    return quickstart(args.directory)


if __name__ == "__main__":
    sys.exit(main())
