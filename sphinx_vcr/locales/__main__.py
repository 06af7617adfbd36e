"""Maintain sphinx-vcr's message catalogs (a maintainer's command, not shipped).

Run from a source checkout, with Babel (a dependency of Sphinx)::

    python -m sphinx_vcr.locales          # extract, update every .po, compile every .mo
    python -m sphinx_vcr.locales --check  # only report what is out of date (exit 1)

It extracts every ``_("...")`` and ``N_("...")`` of the package into
``sphinx_vcr.pot``, merges that template into each
``<language>/LC_MESSAGES/sphinx_vcr.po`` (new messages arrive untranslated; messages
gone from the source are dropped) and compiles each ``.po`` into its ``.mo``. To
translate, edit the ``.po`` file and run the command again. The tests fail while a
message has no translation, a translation's ``{placeholders}`` differ from its
message's, or a ``.mo`` is older than its ``.po``.

To add a language, create an empty catalog and run the command::

    python -m sphinx_vcr.locales --add ja
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent
PACKAGE = LOCALES.parent
DOMAIN = "sphinx_vcr"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None}
#: A comment starting with this, on the line before a message, is shown to translators.
COMMENT_TAG = "TRANSLATORS:"
#: Header lines that change on every run, ignored when deciding whether a file changed.
_VOLATILE = ("POT-Creation-Date:", "PO-Revision-Date:")


def extract() -> Catalog:
    """Every translatable message of the package, with where it is used."""
    from sphinx_vcr import __version__

    catalog = Catalog(project="sphinx-vcr", version=__version__, domain=DOMAIN,
                      msgid_bugs_address="", copyright_holder="the sphinx-vcr authors",
                      charset="utf-8")
    for path, lineno, message, comments, context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=(COMMENT_TAG,), strip_comment_tags=True):
        if path.startswith("locales"):
            continue
        catalog.add(message, locations=[(f"sphinx_vcr/{path}", lineno)],
                    auto_comments=comments, context=context)
    return catalog


def po_text(catalog: Catalog, **options: bool) -> bytes:
    stream = io.BytesIO()
    write_po(stream, catalog, width=88, include_lineno=False, sort_output=True,
             ignore_obsolete=True, **options)
    return stream.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    stream = io.BytesIO()
    write_mo(stream, catalog, use_fuzzy=False)
    return stream.getvalue()


def catalogs() -> list[Path]:
    """The ``.po`` file of every language."""
    return sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _same(old: bytes, new: bytes) -> bool:
    def stable(text: bytes) -> list[str]:
        return [line for line in text.decode("utf8").splitlines()
                if not line.strip('"').startswith(_VOLATILE)]
    return stable(old) == stable(new)


def _write(path: Path, content: bytes, check: bool, stale: list[str],
           compare: bool = True) -> None:
    old = path.read_bytes() if path.exists() else b""
    if (_same(old, content) if compare else old == content):
        return
    stale.append(str(path.relative_to(PACKAGE.parent)))
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def update(check: bool = False) -> list[str]:
    """Bring the template, the catalogs and their compiled forms up to date; return the
    files that were (or, with ``check``, would be) changed."""
    stale: list[str] = []
    template = extract()
    _write(TEMPLATE, po_text(template), check, stale)
    for po in catalogs():
        language = po.parent.parent.name
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=language, domain=DOMAIN)
        # No fuzzy guesses: a new message stays untranslated, so the tests catch it.
        # Nor a new date: the compiled catalog changes only when a translation does.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False,
                       update_creation_date=False)
        _write(po, po_text(catalog, omit_header=False), check, stale)
        _write(po.with_suffix(".mo"), mo_bytes(catalog), check, stale, compare=False)
    return stale


def add(language: str) -> Path:
    """Start the catalog of ``language`` (``ja``, ``pt_BR``) from the template."""
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already")
    catalog = Catalog(locale=language, domain=DOMAIN, project="sphinx-vcr",
                      charset="utf-8")
    catalog.update(extract())
    po.parent.mkdir(parents=True)
    po.write_bytes(po_text(catalog, omit_header=False))
    return po


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sphinx_vcr.locales",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a file is out of date")
    parser.add_argument("--add", metavar="LANGUAGE", help="start a new language's catalog")
    args = parser.parse_args(argv)
    if args.add:
        print(f"created {add(args.add)}; translate it, then run without --add")
    stale = update(check=args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
