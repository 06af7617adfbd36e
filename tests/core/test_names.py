"""How names render: each class of name, and distinct names never alike in one directive.

The rendered math is what a reader trusts, so each test looks at the LaTeX a verified
(or failed) directive shows. Tests marked "old:" quote what the code before this
check rendered: the same LaTeX for two different things.
"""

from __future__ import annotations

import keyword
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.calculus.instance import instantiate
from sphinx_vcr.core.errors import ParseError, VcrError
from sphinx_vcr.core.language.parse import check_name
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.rendering.latex import name
from sphinx_vcr.core.rendering.names import names_of
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.pipeline import compute
from sphinx_vcr.core.running.verify import check

FAST = Settings(samples=3, timeout=60)


def outcome(argument: str, *, kind: str = "derivative", content: tuple[str, ...] = (),
            **options: str):
    return check(kind, argument, list(content), dict(options), FAST)


@pytest.fixture
def entries(monkeypatch):
    """The math a directive shows where the index-free engine finds no form: SymPy's
    entries, whose names these tests are about (computed in this process, with the
    engine switched off; its forms are tested in test_indexfree_wiring)."""
    def shown(argument: str, *, kind: str = "derivative", content: tuple[str, ...] = (),
              **options: str) -> list[str]:
        with monkeypatch.context() as patched:  # only here: check() keeps the engine
            patched.setattr(pipeline, "index_free", lambda problem: None)
            result = compute(kind, argument, list(content), dict(options), FAST, argument)
        assert result.status == "verified", result.message
        return result.math
    return shown


def problem_and_instance(argument: str, *, kind: str = "derivative", **options: str):
    """A directive's problem and its first instance (at the smallest sizes)."""
    problem = build_problem(kind, argument, [], options)
    return problem, instantiate(problem, dict.fromkeys(problem.size_names, 2))


def math(argument: str, **kwargs) -> str:
    """The math blocks of a directive that must verify, joined."""
    result = outcome(argument, **kwargs)
    assert result.status == "verified", result.message
    return " ".join(result.math)


# -- the usual forms: what renders today must not change --------------------------------

@pytest.mark.parametrize("text, style, latex", [
    ("x", "scalar", "x"),
    ("loss", "scalar", r"\mathit{loss}"),
    ("g1", "scalar", "g_{1}"),
    ("x12", "scalar", "x_{12}"),
    ("w_2", "scalar", "w_{2}"),
    ("x_1_2", "scalar", "x_{1,2}"),
    ("x_ab", "scalar", "x_{ab}"),
    ("abc1", "scalar", r"\mathit{abc}_{1}"),
    ("alpha", "scalar", r"\alpha"),
    ("alpha1", "scalar", r"\alpha_{1}"),
    ("alpha_1", "scalar", r"\alpha_{1}"),
    ("Gamma", "scalar", r"\Gamma"),
    ("Alpha", "scalar", r"\mathit{Alpha}"),   # no capital alpha in LaTeX: a word
    ("x_", "scalar", "x"),
    ("w", "vector", r"\mathbf{w}"),
    ("w1", "vector", r"\mathbf{w}_{1}"),
    ("eta", "vector", r"\boldsymbol{\eta}"),
    ("x", "matrix", r"\mathbf{X}"),
    ("ab", "matrix", r"\mathbf{Ab}"),
    ("gamma", "matrix", r"\boldsymbol{\gamma}"),  # Greek keeps its case
])
def test_usual_forms(text, style, latex):
    assert name(text, style) == latex


def test_other_forms_of_a_name():
    assert name("x2", inline=True) == r"\mathit{x2}"
    assert name("alpha1", inline=True) == r"\alpha1"
    assert name("a1", "matrix", inline=True) == r"\mathbf{A1}"
    assert name("a", "matrix", keep_case=True) == r"\mathbf{a}"
    assert name("x_", spelled=True) == r"\mathit{x\_}"
    assert name("w__2", "vector", spelled=True) == r"\mathbf{w\_\_2}"


def test_names_without_a_clash_keep_their_usual_form():
    shown = math("x_2 * alpha1 * loss * x_1_2 * t", wrt="t")
    # a product is dotted in a directive with a word (loss), which "l o s s" would read as
    assert r"x_{2} \cdot \alpha_{1} \cdot \mathit{loss} \cdot x_{1,2} \cdot t" in shown


# -- clashes between names ---------------------------------------------------------------

def test_a_trailing_number_stays_on_the_line_beside_an_underscore():
    # old: \frac{d}{d x_{2}}\left(x_{2} x_{2}\right) = x_{2}
    shown = math("x2*x_2", wrt="x_2", expect="x2")
    assert shown == r"\frac{\mathrm{d}}{\mathrm{d} x_{2}}\left(\mathit{x2} x_{2}\right) " \
        r"= \mathit{x2}"


def test_greek_names_with_numbers():
    # old: \alpha_{1} \alpha_{1}
    assert r"\alpha1 \alpha_{1}" in math("alpha1*alpha_1*t", wrt="t")


def test_a_lower_case_matrix_keeps_its_case_beside_its_upper_case_twin(entries):
    # old: both \mathbf{A}
    shown = math("sum(a @ x) + sum(A @ x)", kind="gradient", wrt="x[2]",
                 vars="a[2, 2], A[2, 2]")
    assert r"\mathbf{a} \mathbf{x}" in shown and r"\mathbf{A} \mathbf{x}" in shown
    assert shown.endswith(r"= \mathbf{1}_{2}^{\top} \left(\mathbf{a} + \mathbf{A}\right)")
    shown = " ".join(entries("sum(a @ x) + sum(A @ x)", kind="gradient", wrt="x[2]",
                             vars="a[2, 2], A[2, 2]"))
    assert "a_{11}" in shown and "A_{11}" in shown  # entries, as before


def test_a_lower_case_matrix_beside_an_upper_case_vector():
    shown = math("a @ A", kind="jacobian", wrt="A[2]", vars="a[2, 2]")
    assert r"\mathbf{a} \mathbf{A}" in shown


def test_a_matrix_alone_is_upper_case_as_before():
    assert r"\mathbf{A} \mathbf{x}" in math("sum(a @ x)", kind="gradient", wrt="x[2]",
                                            vars="a[2, 2]")


def test_an_empty_underscore_part_is_spelled_out_beside_its_twin():
    # old: x x (x_ rendered as x)
    assert r"\mathit{x\_} x" in math("x_*x", wrt="x")
    assert r"\mathit{alpha\_} \cdot \alpha" in math("alpha_*alpha*t", wrt="t")
    # a part left empty inside a name is shown, so these differ already
    assert r"x_{,2} x_{2}" in math("x__2*x_2*t", wrt="t")


def test_no_name_renders_as_the_constant_pi():
    # old: \pi \pi
    assert r"\mathit{pi\_} \cdot \pi" in math("pi_*pi*x", wrt="x")


# -- names and the entries of arrays -----------------------------------------------------

def test_a_scalar_that_looks_like_an_entry_of_a_generic_vector():
    # old: w_{1}, also the first entry of w
    shown = math("w @ x + w1", kind="gradient", wrt="w[n]", vars="x[n]")
    assert r"\mathbf{w} \cdot \mathbf{x} + \mathit{w1}" in shown


def test_a_component_of_a_fixed_vector_is_its_entry():
    shown = math("x1 * x", kind="jacobian", wrt="x[2]", expect="[[2*x1, 0], [x2, x1]]")
    assert r"x_{1} \mathbf{x}" in shown and r"2 x_{1}" in shown


def test_a_scalar_that_looks_like_a_matrix_entry():
    shown = math("sum(X)*t + X12", wrt="t", vars="X[2, 2]")
    assert r"\mathit{X12}" in shown


def test_a_name_written_like_an_entry_is_spelled_out():
    # old: an error ("'X_1_2' and entry (1, 2) of 'X' would both be written X_{1,2}")
    shown = math("sum(X)*t + X_1_2", wrt="t", vars="X[11, 11]")
    assert r"\mathit{X\_1\_2}" in shown and "X_{1,2}" not in shown.split("=")[0]


def test_entries_of_two_arrays_that_would_look_alike_are_spelled_out():
    # x_1's entry 2 and entry (1, 2) of the 12 x 12 matrix x were both x_{1,2} (old: an
    # error); the matrix's entries now follow its case, X_{1,2}
    names = names_of(*problem_and_instance("sum(x) + sum(x_1)", kind="gradient",
                                           wrt="x_1[12]", vars="x[12, 12]"))
    entries = list(names.symbols.values())
    assert len(set(entries)) == len(entries) and {"X_{1,2}", "x_{1,2}"} <= set(entries)


def test_a_failed_claim_with_names_that_clash_is_still_reported():
    result = outcome("x2*x_2", wrt="x_2", expect="2*x2")
    assert result.status == "failed"
    assert r"\mathit{x2}" in " ".join(result.math)


# -- SymPy's results are written as the directive writes its names -----------------------

@pytest.mark.parametrize("text, old", [
    ("xabs", r"\left|{x}\right|"),   # SymPy reads the suffix "abs" as |x|
    ("x__2", "x^{2}"),               # and a double underscore as a superscript
    ("xhat", r"\hat{x}"),
    ("loss", "loss"),                # l o s s, a product of four letters
])
def test_sympy_results_write_names_as_the_directive_does(text, old):
    shown = outcome(f"{text}*x", wrt="x").math[0]
    result = shown.split(" = ")[-1]
    assert result == name(text) != old


def test_entries_in_results_match_their_arrays(entries):
    shown = entries("loss @ x", kind="gradient", wrt="x[2]", vars="loss[2]")[-1]
    assert r"\mathit{loss}_{1}" in shown  # old: loss_{1}
    shown = entries("w_a @ x", kind="gradient", wrt="x[2]", vars="w_a[2]")[-1]
    assert "w_{a,1}" in shown             # old: w_{a 1}, like w_{a1}


def test_chain_rule_steps_and_their_entries():
    # old: d y/d u_1 * d u_1/d u_1 * d u_1/d x, two different steps written alike
    shown = math("", kind="chain-rule", wrt="x",
                 content=("u1 = x**2", "u_1 = 3*u1", "y = sin(u_1)"))
    # (each step a function of one scalar: written with d)
    assert r"\frac{\mathrm{d} y}{\mathrm{d} u_{1}} \frac{\mathrm{d} u_{1}}{\mathrm{d} " \
           r"\mathit{u1}} \frac{\mathrm{d} \mathit{u1}}{\mathrm{d} x}" in shown
    assert r"\mathit{u1} &= x^{2}" in shown
    # a vector step's entries follow its name: u_{1,1}, u_{1,2} beside the scalar u_{1}
    shown = math("", kind="chain-rule", wrt="x",
                 content=("u1 = x**2", "u_1 = [u1, 3*u1]", "y = u_1 @ u_1"))
    assert r"\frac{\partial y}{\partial \mathbf{u}_{1}}" in shown
    assert "u_{1,1}" in shown and "u_{1} &= x^{2}" in shown


# -- functions and constants that a name could look like ---------------------------------

def test_sigmoid_is_not_written_as_a_name_sigma():
    # old: \sigma \sigma\left(x\right): the name sigma, or sigmoid?
    shown = math("sigma*sigmoid(x)", wrt="x", expect="sigma*sigmoid(x)*(1 - sigmoid(x))")
    assert r"\sigma \operatorname{sigmoid}\left(x\right)" in shown
    assert r"\sigma\left(x\right)" in math("sigmoid(x)", wrt="x")  # alone, as before


def test_the_step_function_is_not_written_as_a_name_theta(entries):
    # old: \theta \theta\left(x\right)
    assert entries("theta*max(0, x)", wrt="x")[0].endswith(
        r"= \theta \operatorname{step}\left(x\right)")
    # the index-free form writes the slope as an indicator, never as theta
    assert outcome("theta*max(0, x)", wrt="x").math[0].endswith(
        r"= \theta \mathbb{1}\left[x > 0\right]")


def test_eulers_number_is_not_written_as_a_name_e(entries):
    shown = entries("e*exp(1)*x + exp(x)", wrt="x")[0]
    assert shown.endswith(r"= \exp\left(1\right) e + \exp\left(x\right)")  # old: e e + e^{x}
    assert entries("exp(2*x)", wrt="x")[0].endswith("= 2 e^{2 x}")  # alone, as before
    # the index-free form is the author's own tree: exp(1) stays exp(1)
    shown = outcome("e*exp(1)*x + exp(x)", wrt="x").math[0]
    assert shown.endswith(r"= e \exp\left(1\right) + \exp\left(x\right)")


def test_the_identity_is_not_written_as_a_name_i_n():
    shown = math("X @ v + I_2*v", kind="jacobian", wrt="v[2]", vars="X[2, 2]",
                 expect="X + I_2*eye(2)")
    assert r"I_{2} \mathrm{I}_{2}" in shown  # old: I_{2} I_{2}


def test_sizes_with_underscores_are_shown_as_math(entries):
    shown = entries("sum(w)", kind="gradient", wrt="w[n_1]")[0]
    assert shown.endswith(r"\text{(shown for }n_{1} = 3\text{)}")
    shown = entries("sum(w)", kind="gradient", wrt="w[n]")[0]
    assert shown.endswith(r"\text{(shown for n = 3)}")
    # index-free, the form names the size where it is used, as math
    shown = outcome("sum(w)", kind="gradient", wrt="w[n_1]").math[0]
    assert shown.endswith(r"= \mathbf{1}_{n_{1}}^{\top}")


# -- the property: distinct names are never written alike in one directive ---------------

STEMS = ["x", "X", "a", "A", "w", "alpha", "Alpha", "sigma", "e", "theta", "pi", "I", "ab",
         "Gamma", "u"]
NAMES = st.from_regex("(" + "|".join(STEMS) + r")(_|[0-9]|_[0-9]|[ab]){0,4}",
                      fullmatch=True).filter(lambda t: _valid(t))

# Names that look alike (one stem, its cases and tails), so most draws have clashes.
TAILS = ("", "1", "_1", "2", "_2", "_", "12", "_12", "_1_2", "1_2", "_1_", "__1")


def family(stem: str) -> st.SearchStrategy[str]:
    variants = {c + t for c in (stem, stem.upper(), stem.capitalize()) for t in TAILS}
    return st.sampled_from(sorted(v for v in variants if _valid(v)))


STEM = st.sampled_from(["x", "a", "alpha", "pi", "sigma", "i", "e", "theta"])
SHAPES = st.sampled_from(["param", "scalar", "vector[n]", "vector[3]", "vector[11]",
                          "matrix[2, 2]", "matrix[11, 11]", "matrix[n, 2]", "defined",
                          "defined[2]"])


def _valid(text: str) -> bool:
    if keyword.iskeyword(text) or text in ("t", "n"):
        return False
    try:
        check_name(text, None)
    except VcrError:
        return False
    return True


def lines_defined(lines: list[str]) -> set[str]:
    return {line.partition("=")[0].strip() for line in lines}


def _directive(entries: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """A jacobian by t whose lines define, and whose last line uses, every name."""
    params = [n for n, s in entries.items() if s == "param"]
    declared = [f"{n}{s.partition('matrix')[2] or s.partition('vector')[2]}"
                for n, s in entries.items() if s.startswith(("scalar", "vector", "matrix"))]
    lines = [f"{n} = [t, 2*t]" if s == "defined[2]" else f"{n} = 3*t"
             for n, s in entries.items() if s.startswith("defined")]
    lines.append("out = t * (1 + " + " + ".join(params or ["1"]) + ")")
    options = {"wrt": "t"}
    if declared:
        options["vars"] = ", ".join(declared)
    return lines, options


@given(st.one_of(st.dictionaries(NAMES, SHAPES, min_size=1, max_size=6),
                 STEM.flatmap(lambda stem: st.dictionaries(family(stem), SHAPES, min_size=2,
                                                           max_size=8))))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_distinct_names_never_render_alike(entries):
    lines, options = _directive(entries)
    try:
        problem = build_problem("jacobian", "", lines, options)
        instance = instantiate(problem, {"n": 3} if "[n" in options.get("vars", "") else {})
    except VcrError:
        event("refused before rendering")  # a name declared twice, an entry's name, ...
        return
    try:
        names = names_of(problem, instance)
    except ParseError as err:
        # Names alone always have a distinct form; only an entry can leave none.
        assert re.search(r"would both be written .+ in the rendered math", err.message)
        assert "entry" in err.message, err.message
        event("a clash no rule resolves")
        return
    moved = any(latex != name(t, instance.styles.get(t, "scalar"))
                for t, latex in names.written.items())
    event("a clash resolved" if moved else "no clash")
    written = names.written
    by_symbol = names.symbols
    # What each symbol stands for: a name (its own symbol), or an entry of an array.
    own = {value.data: text for text, value in instance.scope_values.items()
           if text in written and text not in lines_defined(lines) and value.is_scalar}
    own.update({p[0]: d.name for d, p, v in zip(problem.definitions, instance.placeholders,
                                                 instance.local) if v.is_scalar})
    meanings = {**{("name", t): latex for t, latex in written.items()},
                **{(("name", own[s]) if s in own else ("entry", s)): latex
                   for s, latex in by_symbol.items()},
                ("constant", "pi"): r"\pi"}
    owners: dict[str, object] = {}
    for meaning, latex in meanings.items():
        assert owners.setdefault(latex, meaning) == meaning, (latex, owners[latex], meaning)
    for symbol, text in own.items():  # a name's symbol is written as the name
        assert by_symbol[symbol] == written[text]
    for text, symbol in names.components.items():  # g1 is the entry it names
        assert names(text) == names.symbol(symbol)
    latexes = set(written.values())
    every = (*latexes, *by_symbol.values())
    # no form of a name (a bold vector theta, an entry theta_1) beside theta(x) or sigma(x)
    assert not any(re.search(re.escape(names.sigmoid) + "(?![A-Za-z])", t) for t in every)
    assert not any(t.startswith(names.identity + "_{") for t in every)
    assert names.plain_e == ("e" not in latexes)
    assert names.plain_theta == (not any(re.search(r"\\theta(?![A-Za-z])", t)
                                         for t in every))


@given(STEM.flatmap(lambda stem: st.lists(family(stem), min_size=2, max_size=8,
                                          unique=True)))
@settings(max_examples=300, deadline=None)
def test_scalar_names_alone_never_need_an_error(texts):
    """Every clash between names themselves has a rule that resolves it."""
    body = "t * (" + " + ".join(texts) + ")"
    problem = build_problem("derivative", body, [], {"wrt": "t"})
    names = names_of(problem, instantiate(problem, {}))
    assert len(set(names.written.values())) == len(names.written)
