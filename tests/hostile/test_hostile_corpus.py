"""A corpus of hostile and malformed directives, built as one page.

Each entry is what a careless author or an attacker might write, with the outcome we
promise: an error of the given subtype, naming the problem, at the given line (the
directive's, an option's, or a content line's). Nothing is executed: entries that try
to write a file must leave no file. The last directive is correct and must verify, so
the build goes on past every bad one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..building import build
from ..conftest import shown_type

CANARY = "vcr-canary-file"

# (name, argument, options, content lines, subtype, fragment of the message,
#  where the error is: "directive", "option:NAME" or "content:K")
CORPUS: list[tuple[str, str, dict[str, str], list[str], str, str, str]] = [
    ("attribute", "x.real", {}, [], "parse", "the only attribute is .T", "directive"),
    ("dunder-attribute", "x.__class__.__mro__", {}, [], "parse", "the only attribute is .T",
     "directive"),
    ("subscript", "x[0]", {}, [], "parse", "a subscript is an index declared", "directive"),
    ("lambda", "(lambda: 1)()", {}, [], "parse", "lambdas are not part of the language",
     "directive"),
    ("list-comprehension", "[i for i in x]", {}, [], "parse", "ListComp", "directive"),
    ("generator", "sum(i for i in x)", {}, [], "parse", "GeneratorExp", "directive"),
    ("dict", "{1: x}", {}, [], "parse", "Dict is not part", "directive"),
    ("set", "{x}", {}, [], "parse", "Set is not part", "directive"),
    ("conditional", "x if x else 1", {}, [], "parse", "write piecewise results as where",
     "directive"),
    ("walrus", "(y := 2)", {}, [], "parse", "assignment expressions", "directive"),
    ("string", "'abc'", {}, [], "parse", "only numbers are allowed", "directive"),
    ("f-string", "f'{x}'", {}, [], "parse", "JoinedStr", "directive"),
    ("bytes", "b'x'", {}, [], "parse", "only numbers are allowed", "directive"),
    ("keyword-argument", "exp(x=1)", {}, [], "parse", "keyword and star arguments",
     "directive"),
    ("star-argument", "max(*x)", {}, [], "parse", "keyword and star arguments", "directive"),
    ("os-system", f"__import__('os').system('touch {CANARY}')", {}, [], "parse",
     "only the functions of the language can be called", "directive"),
    ("import", "__import__('os')", {}, [], "parse", "unknown function '__import__'",
     "directive"),
    ("eval", "eval('1')", {}, [], "parse", "unknown function 'eval'", "directive"),
    ("open", f"open('{CANARY}', 'w')", {}, [], "parse", "unknown function 'open'",
     "directive"),
    ("exec-in-expect", "x", {"expect": f"exec('open(\"{CANARY}\", \"w\")')"}, [], "parse",
     "unknown function 'exec'", "option:expect"),
    ("import-in-where", "x", {"where": "__import__('os') > 0"}, [], "parse",
     "unknown function '__import__'", "option:where"),
    ("misspelt-function", "sigmiod(x)", {}, [], "parse", "unknown function 'sigmiod'",
     "directive"),
    ("syntax", "x +* 2", {}, [], "parse", "syntax error", "directive"),
    ("syntax-in-expect", "x**2", {"expect": "2*"}, [], "parse", "syntax error",
     "option:expect"),
    ("keyword-true", "True", {}, [], "parse", "keywords are not part", "directive"),
    ("keyword-none", "None", {}, [], "parse", "keywords are not part", "directive"),
    ("complex", "1j * x", {}, [], "parse", "only numbers are allowed", "directive"),
    ("comparison-outside-where", "x > 0", {}, [], "parse",
     "comparisons are only allowed in :where:", "directive"),
    ("and-in-where", "x", {"where": "x > 0 and x < 1"}, [], "parse",
     "combine conditions with a comma", "option:where"),
    ("equality-in-chain", "x", {"where": "0 < x == 1"}, [], "parse",
     "== is an equality constraint", "option:where"),
    ("huge-power", "x**10**10", {}, [], "limit", "exponent 10000000000 is too large",
     "directive"),
    ("power-tower", "2**2**2**2**2**2 * x", {}, [], "limit", "too large", "directive"),
    ("huge-literal", "x * 1e999999999", {}, [], "limit", "out of range", "directive"),
    ("huge-product", "x * (10**999)**5", {}, [], "limit", "too many digits", "directive"),
    ("deep-nesting", "(" * 60 + "x" + ")" * 60, {}, [], "limit", "brackets deep",
     "directive"),
    ("long-expression", "+".join(["x"] * 1500), {}, [], "limit", "characters long",
     "directive"),
    ("long-name", "a" * 50 + " * x", {}, [], "limit", "longer than 32", "directive"),
    ("absurd-size", "sum(x)", {"wrt": "x[1000000000]"}, [], "limit", "out of range",
     "option:wrt"),
    ("zero-size", "sum(x)", {"wrt": "x[0]"}, [], "limit", "out of range", "option:wrt"),
    ("negative-size", "sum(x)", {"wrt": "x[-1]"}, [], "parse",
     "must be a whole number or a size name", "option:wrt"),
    ("absurd-eye", "x", {"wrt": "x[n]", "expect": "eye(64*64*64)"}, [], "shape",
     "sizes go from 1 to 64", "option:expect"),
    ("control-character", "x\x07 + 1", {}, [], "parse", "control character", "directive"),
    ("ragged-matrix", "x", {"expect": "[[1, 2], [3]]"}, [], "shape", "ragged matrix",
     "option:expect"),
    ("empty-body", "", {}, [], "parse", "has no expression", "directive"),
    ("missing-wrt", "x**2", {"wrt": None}, [], "parse", ":wrt: is required", "directive"),
    ("unsatisfiable-where", "x**2", {"where": "x > 1, x < 0"}, [], "domain",
     "no sample point satisfies :where:", "option:where"),
    ("no-finite-value", "log(-x**2 - 1)", {}, [], "domain", "no finite real value",
     "directive"),
    ("division-by-zero", "x/0", {}, [], "domain", "undefined everywhere", "directive"),
    ("invalid-layout", "x**2", {"layout": "sideways"}, [], "parse",
     ":layout: must be numerator or denominator", "option:layout"),
    ("misspelt-option", "x**2", {"expected": "2*x"}, [], "parse",
     "unknown option :expected:; did you mean :expect:?", "option:expected"),
    ("flag-with-value", "x**2", {"expect": "2*x", "mistake": "yes"}, [], "parse",
     ":mistake: is a flag", "option:mistake"),
    ("element-shapes", "w * x", {"wrt": "w[n]", "vars": "x[m]"}, [], "shape",
     "element-wise * needs operands of one shape", "directive"),
    ("claim-shape", "w @ x", {"wrt": "w[n]", "vars": "x[n]", "expect": "x"}, [], "shape",
     "transpose the claim with .T", "option:expect"),
    ("matrix-wrt", "sum(X)", {"wrt": "X[2, 2]"}, [], "shape", "X is a matrix", "option:wrt"),
    ("definition-order", "", {}, ["y = sin(u)", "u = x**2"], "parse",
     "define from the inside out", "content:1"),
    ("duplicate-definition", "", {}, ["u = x**2", "u = sin(x)"], "parse",
     "defined twice", "content:1"),
    ("bad-content-line", "", {}, ["u = x**2", "y = u +"], "parse", "syntax error",
     "content:2"),
    # A Hessian by two variables: SymPy's second derivatives take longer than the limit
    # (25 s on this machine; five factors (x + k)**200 took 0.7 s once the derivatives
    # shared their parts)
    # (by one variable, as a derivative's or a chain rule's, the failure box is the
    # index-free form, written at once).
    ("timeout", " * ".join(f"(x**2 + {k}*x*y + 1)**900" for k in range(1, 31)),
     {"wrt": "x, y", "expect": "[[1, 0], [0, 1]]"}, [],
     "timeout", "gave up after 2 s (vcr_timeout)", "directive"),
]
KINDS = {"definition-order": "chain-rule", "duplicate-definition": "chain-rule",
         "bad-content-line": "chain-rule", "element-shapes": "jacobian",
         "claim-shape": "gradient", "matrix-wrt": "hessian", "absurd-size": "gradient",
         "zero-size": "gradient", "negative-size": "gradient", "absurd-eye": "jacobian",
         "ragged-matrix": "jacobian", "timeout": "hessian"}


def write_corpus(path: Path) -> dict[str, int]:
    """Write the corpus as one page; return the line each entry's error must be on."""
    lines = ["Hostile input", "=============", ""]
    expected = {}
    for name, argument, options, content, _, _, where in CORPUS:
        kind = KINDS.get(name, "derivative")
        lines += [f".. {name}", ""]
        directive = len(lines) + 1
        lines.append(f".. {kind}:: {argument}".rstrip())
        opts = {"wrt": "x"} | options
        for option, value in opts.items():
            if value is not None and (option == "wrt" or value):
                lines.append(f"   :{option}: {value}".rstrip())
        body = len(lines) + 2
        if content:
            lines.append("")
            lines += [f"   {line}" for line in content]
        lines.append("")
        if where == "directive":
            expected[name] = directive
        elif where.startswith("option:"):
            option = where.split(":", 1)[1]
            expected[name] = directive + 1 + [o for o, v in opts.items()
                                              if v is not None].index(option)
        else:
            expected[name] = body + int(where.split(":")[1]) - 1
    lines += [".. derivative:: x**3", "   :wrt: x", "   :expect: 3*x**2", ""]
    path.write_text("\n".join(lines), encoding="utf8")
    return expected


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("hostile") / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\nvcr_timeout = 2\n')
    expected = write_corpus(src / "index.rst")
    app = build(src)
    return app, expected, src


def test_the_corpus_is_large():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("entry", CORPUS, ids=[e[0] for e in CORPUS])
def test_each_entry_is_one_located_error(built, entry):
    app, expected, _ = built
    name, _, _, _, subtype, fragment, _ = entry
    line = expected[name]
    errors = [e for e in app.warning.getvalue().splitlines()
              if re.search(rf"index\.rst:{line}: ", e)]
    assert len(errors) == 1, (line, errors)
    assert re.search(rf"ERROR: \[vcr\.[a-z-]+\] .*{shown_type(subtype)}", errors[0]), errors[0]
    assert fragment in errors[0], errors[0]


def test_nothing_ran_and_the_build_went_on(built):
    app, _expected, src = built
    text = app.warning.getvalue()
    assert "Traceback" not in text and "internal error" not in text
    assert app.statuscode == 1
    assert (f"sphinx-vcr: 1 verified (1 claim), 0 failed, {len(CORPUS)} errors"
            in app.status.getvalue())
    for folder in (Path.cwd(), src, app.outdir):
        assert not (folder / CANARY).exists()
    # every error is reported once: one line per corpus entry, no more
    assert len([e for e in text.splitlines() if "ERROR" in e]) == len(CORPUS)
