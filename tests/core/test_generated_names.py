"""No user name aliases a name of the generated NumPy code, mpmath or SymPy (issue 10, item 1).

A symbol used to be printed into generated NumPy and mpmath code by its own name, so a
parameter ``e`` was Euler's number there (a wrong claim passed), a variable ``e`` was
differentiated wrongly by finite differences (a right claim failed), and a parameter
``sign`` hid ``numpy.sign`` (a bogus domain error). Now generated code names every
symbol privately and the many-digit values are computed by walking the tree, so no
name can alias anything. These tests try every name the backends know: NumPy's,
mpmath's, Python's builtins, SymPy's (and its singletons), the printers' known
functions and constants and every identifier they print.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import io
import keyword
import tokenize
from collections import Counter

import mpmath
import numpy as np
import pytest
import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter

from sphinx_vcr.core.checking.compare import values_at
from sphinx_vcr.core.checking.numeric import PrivateNamesPrinter, code_printer, compile_function
from sphinx_vcr.core.errors import VcrError
from sphinx_vcr.core.language.parse import check_name
from sphinx_vcr.core.running.verify import check

_lambdify = importlib.import_module("sympy.utilities.lambdify")


def is_language_name(name: str) -> bool:
    """Whether an author could write ``name`` as a variable or parameter."""
    if keyword.iskeyword(name):
        return False
    try:
        check_name(name, None)
    except VcrError:
        return False
    return True


def rich(s: sympy.Symbol, x: sympy.Symbol) -> sympy.Expr:
    """An expression with every construct the printers print for our trees."""
    return ((s + sympy.E) * sympy.sin(x) + sympy.sign(s) * sympy.Abs(x)
            + sympy.Heaviside(x - s) + sympy.Max(x, s) + sympy.Min(x, s, 0)
            + sympy.Piecewise((s, (x > 0) & (s < 1)), (x, sympy.Ne(x, s) | (x >= 2)),
                              (sympy.pi * s, True))
            + sympy.sqrt(s**2 + 1) + sympy.log(s**2 + 1) + sympy.exp(s / 3)
            + sympy.tan(x / 7) + sympy.tanh(s) + sympy.Abs(s)**sympy.Rational(3, 2)
            + 1 / (s**2 + 2) + sympy.Rational(1, 3) * s + sympy.cos(x)**-2)


def _tokens(code: str) -> Counter[str]:
    return Counter(t.string for t in tokenize.generate_tokens(io.StringIO(code).readline)
                   if t.type == tokenize.NAME)


def _identifiers(code: str) -> set[str]:
    return set(_tokens(code))


def printed_names() -> set[str]:
    """The names the printers know or print: what generated code can contain."""
    x, s = sympy.symbols("x s", real=True)
    names: set[str] = set()
    for printer in (NumPyPrinter, MpmathPrinter):
        known = {**printer._kf, **printer._kc}  # type: ignore[attr-defined]
        names |= {value.split(".")[-1] for value in known.values()}
        names |= _identifiers(code_printer(printer).doprint(rich(s, x))) - {"x", "s"}
    for table in (_lambdify.NUMPY_DEFAULT, _lambdify.MPMATH_DEFAULT,
                  _lambdify.NUMPY_TRANSLATIONS, _lambdify.MPMATH_TRANSLATIONS):
        names |= set(table) | {v for v in table.values() if isinstance(v, str)}
    # SymPy's singletons (E, I, oo, nan, zoo, Exp1, Half, ...) and one-letter helpers.
    names |= {n for n in dir(sympy.S) if not n.startswith("_")}
    names |= {n for n in dir(sympy) if isinstance(getattr(sympy, n), sympy.Basic)}
    names |= {"S", "N", "O", "Q"}
    return {n for n in names if is_language_name(n)}


def backend_names() -> list[str]:
    """Every name of the language that some backend also knows."""
    names = printed_names()
    for namespace in (np, mpmath, builtins, sympy, sympy.S):
        names |= {n for n in dir(namespace) if is_language_name(n)}
    return sorted(names)


PRINTED = sorted(printed_names())
ALL = backend_names()


def test_the_lists_hold_the_names_that_broke():
    assert {"e", "sign", "select", "mpf", "nan", "inf", "less", "maximum",
            "E", "I", "S", "N", "oo", "zoo"} <= set(PRINTED)
    assert len(ALL) > 1500  # NumPy, mpmath, builtins and SymPy together


X = sympy.Symbol("x_private_variable", real=True)  # not a backend name


@functools.cache
def expressions(which: str, harmless: bool = False
                ) -> tuple[list[sympy.Symbol], list[sympy.Expr]]:
    """A rich expression in each name of ``PRINTED`` or ``ALL`` (``which``), or in as
    many harmless names.

    Built unevaluated: SymPy's simplification on construction would take a minute
    for all names, and printing and evaluating do not need it.
    """
    names = PRINTED if which == "printed" else ALL
    if harmless:
        names = [f"q{k}" for k in range(len(names))]
    symbols = [sympy.Symbol(n, real=True) for n in names]
    with sympy.evaluate(False):
        return symbols, [rich(s, X) for s in symbols]


def test_generated_code_never_prints_a_user_name():
    """Each user symbol prints exactly as a harmless one given the same private name."""
    printer = code_printer(PrivateNamesPrinter)
    pairs = zip(*expressions("printed"), *expressions("printed", harmless=True))
    for symbol, expr, harmless, other in pairs:
        printer.names = {X: "_vcr_0", symbol: "_vcr_1", harmless: "_vcr_1"}
        code, reference = _tokens(printer.doprint(expr)), _tokens(printer.doprint(other))
        assert (code["_vcr_0"], code["_vcr_1"]) == (reference["_vcr_0"], reference["_vcr_1"])
        assert symbol.name in reference or symbol.name not in code  # e: Euler's number


def _points(count: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.3, 1.7, (3, count)) * rng.choice([-1.0, 1.0], (3, count))


def test_compiled_values_do_not_depend_on_the_names():
    (user, named), (safe, harmless) = (expressions("printed"),
                                       expressions("printed", harmless=True))
    points = _points(len(user) + 1)
    values = compile_function(named, [X, *user])(points)
    reference = compile_function(harmless, [X, *safe])(points)
    assert np.isfinite(reference).all()
    assert [s for s, v, r in zip(user, values, reference) if not np.array_equal(v, r)] == []


def test_walked_values_do_not_depend_on_the_names():
    (user, named), (safe, harmless) = expressions("all"), expressions("all", harmless=True)
    points = _points(len(user) + 1)[:1]
    values = values_at(named, [X, *user], points)[0]
    reference = values_at(harmless, [X, *safe], points)[0]
    assert all(v is not None for v in reference)
    assert [s for s, v, r in zip(user, values, reference) if v != r] == []


# The examples of the issue.

def test_a_parameter_e_is_not_eulers_number():
    wrong = check("derivative", "(e + exp(1))*sin(x)", [],
                  {"wrt": "x", "vars": "e", "expect": "2*e*cos(x)"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch"), wrong.message
    right = check("derivative", "(e + exp(1))*sin(x)", [],
                  {"wrt": "x", "vars": "e", "expect": "(e + exp(1))*cos(x)"})
    assert right.status == "verified", right.message


def test_a_variable_e_is_differentiated_right():
    right = check("derivative", "sin(exp(1)*e)", [],
                  {"wrt": "e", "expect": "exp(1)*cos(exp(1)*e)"})
    assert right.status == "verified", right.message
    wrong = check("derivative", "sin(exp(1)*e)", [], {"wrt": "e", "expect": "e*cos(e*e)"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch"), wrong.message


def test_a_parameter_sign_is_no_domain_error():
    right = check("derivative", "sign*abs(x)", [],
                  {"wrt": "x", "expect": "sign*where(x > 0, 1, -1)"})
    assert right.status == "verified", right.message
    wrong = check("derivative", "sign*abs(x)", [],
                  {"wrt": "x", "expect": "where(x > 0, 1, -1)"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch"), wrong.message


# Every name the printers know, as a variable and as a parameter, right and wrong. The
# wrong claims are wrong by (name - e) * cos(...): right only if the name meant e.

def _directives(name: str) -> list[tuple[str, dict[str, str], str]]:
    x = "y" if name == "x" else "x"

    def fill(text: str) -> str:
        return text.replace("NAME", name).replace("X", x)
    by_name = fill("(NAME + exp(1))*sin(NAME) + abs(NAME)/2 + relu(NAME - 1)")
    by_x = fill("(NAME + exp(1))*sin(X) + NAME*abs(X) + max(X, NAME)")
    steps = fill("where(NAME > 0, 1, -1)/2 + where(NAME > 1, 1, 0)")
    kinks = fill("NAME*where(X > 0, 1, -1) + where(X > NAME, 1, 0)")
    return [
        (by_name, {"wrt": name, "expect": fill(f"sin(NAME) + (NAME + exp(1))*cos(NAME) + {steps}")},
         "verified"),
        (by_name, {"wrt": name, "expect": fill(f"sin(NAME) + 2*NAME*cos(NAME) + {steps}")},
         "failed"),
        (by_x, {"wrt": x, "vars": name, "expect": fill(f"(NAME + exp(1))*cos(X) + {kinks}")},
         "verified"),
        (by_x, {"wrt": x, "vars": name, "expect": fill(f"2*NAME*cos(X) + {kinks}")},
         "failed"),
    ]


@pytest.mark.parametrize("name", PRINTED)
def test_each_printed_name_verifies_when_right_and_fails_when_wrong(name):
    for function, options, status in _directives(name):
        outcome = check("derivative", function, [], options)
        assert outcome.status == status, (options, outcome.message)
        if status == "failed":
            assert outcome.subtype == "mismatch", outcome.message


def _chunks(names: list[str], budget: int) -> list[list[str]]:
    """Consecutive names, as many in each chunk as ``budget`` characters of ``a + b``
    allow (an expression may be 2000 characters long)."""
    chunks: list[list[str]] = [[]]
    for name in names:
        if chunks[-1] and len(" + ".join([*chunks[-1], name])) > budget:
            chunks.append([])
        chunks[-1].append(name)
    return chunks


#: The names not tried one by one above: in chunks, many to a directive.
REST = [n for n in ALL if n not in set(PRINTED)]


@pytest.mark.parametrize("names", _chunks(REST, 850), ids=lambda names: names[0])
def test_every_backend_name_as_a_parameter(names):
    total = " + ".join(names)
    function = f"({total} + exp(1))*sin(x) + ({total})*abs(x)"
    right = f"({total} + exp(1))*cos(x) + ({total})*where(x > 0, 1, -1)"
    outcome = check("derivative", function, [], {"wrt": "x", "expect": right})
    assert outcome.status == "verified", outcome.message
    wrong = f"({total} + exp(1))*cos(x) + ({total})*where(x > 0, 1, 1)"
    outcome = check("derivative", function, [], {"wrt": "x", "expect": wrong})
    assert outcome.subtype == "mismatch", outcome.message


@pytest.mark.parametrize("names", _chunks(REST, 230), ids=lambda names: names[0])
def test_every_backend_name_as_a_variable(names):
    function = " + ".join(f"({n} + exp(1))*sin({n})" for n in names)
    entries = [f"sin({n}) + ({n} + exp(1))*cos({n})" for n in names]
    outcome = check("gradient", function, [],
                    {"wrt": ", ".join(names), "expect": f"[[{', '.join(entries)}]]"})
    assert outcome.status == "verified", outcome.message
    entries[-1] = f"sin({names[-1]}) + 2*{names[-1]}*cos({names[-1]})"
    outcome = check("gradient", function, [],
                    {"wrt": ", ".join(names), "expect": f"[[{', '.join(entries)}]]"})
    assert outcome.subtype == "mismatch", outcome.message


def test_a_symbol_without_a_column_is_a_domain_error_not_a_numpy_name():
    e, x = sympy.symbols("e x", real=True)
    with pytest.raises(VcrError, match="cannot be evaluated numerically"):
        compile_function([x + e], [x])  # e would have been NumPy's e
    missing = compile_function([sympy.DiracDelta(x) + x], [x])  # NumPy has no DiracDelta
    assert np.isnan(missing(np.array([[0.5]]))).all()
