"""``python -m sphinx_vcr quickstart DIR``: start a docs project whose math is verified.

Writes ``conf.py`` (sphinx-vcr enabled) and ``index.rst`` (a right claim of each kind,
and a wrong one commented out) from the ``conf_template`` shipped with the package, and
says how to build it. It refuses to overwrite an existing project.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # Python 3.11+; typing only

TEMPLATE_FILES = ("conf.py", "index.rst")
#: Files whose presence means a project is already there (index.md: a MyST project,
#: where an index.rst beside it would be a second "index" document).
CLASHES = (*TEMPLATE_FILES, "index.md")


def quickstart(target: Path) -> int:
    """Write the template project into ``target``; 0 on success, 2 if it cannot (it
    never overwrites a project)."""
    existing = [name for name in CLASHES if (target / name).exists()]
    if existing:
        return _fail(f"{target} already has {', '.join(existing)}; choose a folder "
                     "without a Sphinx project in it")
    try:
        target.mkdir(parents=True, exist_ok=True)
        template = _template()
        for name in TEMPLATE_FILES:
            text = template.joinpath(name).read_text(encoding="utf8")
            (target / name).write_text(text, encoding="utf8")
    except OSError as err:  # a file in the way, no permission, a read-only disk
        return _fail(f"cannot write to {target}: {err.strerror or err}")
    here = shlex.quote(str(target))
    print(f"Wrote {target / 'conf.py'} and {target / 'index.rst'}.\n"
          f"Build it:  python -m sphinx -b html {here} "
          f"{shlex.quote(str(target / '_build' / 'html'))}\n"
          f"Check it:  python -m sphinx -b vcr {here} "
          f"{shlex.quote(str(target / '_build' / 'vcr'))}\n"
          "Then remove the '..' marker above the wrong claim at the end of index.rst and "
          "build again: the build fails at that claim's line.")
    return 0


def _fail(message: str) -> int:
    print(f"sphinx-vcr quickstart: {message}", file=sys.stderr)
    return 2


def _template() -> Traversable:
    """The template folder: in the package when installed; at the top of a source
    checkout, whose own ``sphinx_vcr/`` shadows the installed one when run from there."""
    try:
        return resources.files("sphinx_vcr.conf_template")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "conf_template"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_vcr",
        description="sphinx-vcr's command line: start a docs project whose math is verified.")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser(
        "quickstart", help="write a new docs project into DIR",
        description="Write conf.py (sphinx-vcr enabled) and index.rst (verified examples, "
                    "and a wrong claim to uncomment) into DIR, created if needed.")
    start.add_argument("directory", metavar="DIR", type=Path)
    args = parser.parse_args(argv)
    return quickstart(args.directory)


if __name__ == "__main__":
    sys.exit(main())
