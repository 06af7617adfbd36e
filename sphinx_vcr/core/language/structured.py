"""The structure words of a declaration: ``S[n, n] symmetric``, ``P[n, n] spd``,
``D[n, n] diagonal``.

Only the words are checked here (known, on a square matrix); what a structure means at
the sample points is :mod:`..calculus.structure`'s.
"""

from __future__ import annotations

import difflib

from ..errors import ParseError
from ..words import _

#: The structures a square matrix may be declared with.
STRUCTURES = ("symmetric", "spd", "diagonal")


def check_structure(name: str, dims: tuple[int | str, ...], word: str, option: str) -> str:
    """``word`` if it is a structure that ``name[dims]`` can have, else a located error."""
    if word not in STRUCTURES:
        close = difflib.get_close_matches(word, STRUCTURES, n=1, cutoff=0.5)
        structures = ", ".join(STRUCTURES)
        if close:
            raise ParseError(_("unknown structure {word!r} after {name} in :{option}:; did "
                               "you mean {close}? The structures of a square matrix are "
                               "{structures}").format(word=word, name=name, option=option,
                                                      close=close[0], structures=structures),
                             option=option)
        raise ParseError(_("unknown structure {word!r} after {name} in :{option}: (separate "
                           "entries with commas); the structures of a square matrix are "
                           "{structures}").format(word=word, name=name, option=option,
                                                  structures=structures), option=option)
    if len(dims) != 2:
        raise ParseError(_("{name} is declared {word}, but only a matrix can be: declare "
                           "it {name}[n, n] {word}").format(name=name, word=word),
                         option=option)
    if dims[0] != dims[1]:
        raise ParseError(_("{name}[{rows}, {cols}] is declared {word}, but only a square "
                           "matrix can be: give it one size twice, as {name}[{rows}, "
                           "{rows}]").format(name=name, rows=dims[0], cols=dims[1],
                                             word=word), option=option)
    return word
