"""``.. derivation::``: every step is checked against the one before it, at its own line.

A chain ``A = B = C`` is verified only if each form equals the one before it, in every
case (sizes, free indices, replacements of abstract functions). A wrong step is a
failure at that step's own content line, naming the step and both values, even when a
later step returns to the right value; ``:mistake:`` confirms a known wrong step and
fails when every step holds; ``claims`` counts the steps. Pure core, no Sphinx.
"""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error, failed_step, verified

# The dot product squared, differentiated by a component, in five steps, written as a
# person would: a continuation line, blank lines and remarks, so that a step's content
# line is not its number.
FIVE = [
    "diff(sum(w[i]*x[i], i)**2, w[j])",
    "= 2*sum(w[i]*x[i], i)",
    "  * diff(sum(w[i]*x[i], i), w[j])   # the chain rule",
    "",
    "= 2*sum(w[i]*x[i], i)*sum(diff(w[i]*x[i], w[j]), i)",
    "= 2*sum(w[i]*x[i], i)*sum(delta(i, j)*x[i], i)   # only i = j is left",
    "",
    "= 2*sum(w[i]*x[i], i)*x[j]",
    "= 2*dot(w, x)*x[j]",
]
FIVE_OPTIONS = {"vars": "w[n], x[n]", "index": "i, j"}
#: Step number -> its (first) content line.
FIVE_LINES = {1: 1, 2: 4, 3: 5, 4: 7, 5: 8}
#: A plausible slip in each step (the line that replaces the step's first line).
SLIPS = {
    1: "= sum(w[i]*x[i], i)",                                        # the 2 dropped
    2: "= 2*sum(w[i]*x[i], i)*sum(diff(w[i]*x[i], w[i]), i)",        # by w_i, not w_j
    3: "= 2*sum(w[i]*x[i], i)*sum(x[i], i)",                         # delta forgotten
    4: "= 2*sum(w[i]*x[i], i)*w[j]",                                 # x and w swapped
    5: "= 2*dot(w, w)*x[j]",                                         # w.w for w.x
}


def five(step: int | None = None, **options: str | None):
    """The five-step derivation, with the slip of ``step`` in it (if any)."""
    lines = list(FIVE)
    if step is not None:
        lines[FIVE_LINES[step]] = SLIPS[step]
    return derivation(*lines, **FIVE_OPTIONS, **options)


def test_five_correct_steps_verify_exactly_and_count_five_claims():
    outcome = verified(five())
    assert outcome.claims == 5 and outcome.exact
    assert outcome.badge.startswith("5 steps verified: claim verified symbolically")
    assert "at sizes 1, 2, 3" in outcome.badge


@pytest.mark.parametrize("step", sorted(SLIPS))
def test_one_wrong_step_among_five_fails_at_its_own_line(step):
    outcome = failed_step(five(step), step, FIVE_LINES[step])
    # the texts of both forms are quoted (a long one shortened), with their values
    assert f"but step {step} is '{SLIPS[step][2:20]}" in outcome.message
    assert outcome.message.count("->") == 2


@pytest.mark.parametrize("step", sorted(SLIPS))
def test_a_known_wrong_step_is_confirmed_and_crossed_out(step):
    outcome = five(step, mistake=None)
    assert (outcome.status, outcome.mistake) == ("verified", True), outcome.message
    assert outcome.line == FIVE_LINES[step]
    assert outcome.badge.startswith(f"Known mistake, confirmed wrong: step {step} ")
    assert outcome.claims == 5
    assert outcome.math[0].count(r"\cancel{") >= 1


def test_mistake_on_a_derivation_whose_steps_all_hold_fails():
    outcome = five(mistake=None)
    assert (outcome.status, outcome.subtype, outcome.option) == ("failed", "mistake",
                                                                "mistake")
    assert "every step follows from the one before it" in outcome.message
    assert outcome.claims == 0


def test_mistake_crosses_out_every_wrong_step_and_shows_the_value_it_should_have():
    outcome = derivation("diff(x**3, x)", "= 3*x**2", "= 3*x", "= 3", mistake=None)
    assert outcome.status == "verified" and outcome.mistake and outcome.line == 2
    math = outcome.math[0]
    assert math.count(r"\cancel{") == 2
    assert r"\cancel{3 x} \\ & \quad \text{(wrong; it is)}\ 3 x^{2}" in math


def test_a_wrong_step_is_not_hidden_by_a_later_step_that_returns_to_the_right_value():
    # 3*x is wrong; the last form is right again (and equals the first form)
    failed_step(derivation("diff(x**3, x)", "= 3*x**2", "= 3*x", "= 3*x**2"), 2, 2)


def test_the_first_of_two_wrong_steps_is_reported():
    failed_step(derivation("diff(x**3, x)", "= 3*x", "= 3*x**2", "= x"), 1, 1)


def test_under_mistake_a_later_step_is_compared_with_the_last_form_that_held():
    # 3*x is the slip; the last form is right again: only the slip is marked, and the
    # value beside it is the last form that held, not the wrong one
    outcome = derivation("diff(x**3, x)", "= 3*x**2", "= 3*x", "= 3*x**2", mistake=None)
    assert outcome.status == "verified" and outcome.mistake and outcome.line == 2
    math = outcome.math[0]
    assert math.count(r"\cancel{") == 1
    assert r"\cancel{3 x} \\ & \quad \text{(wrong; it is)}\ 3 x^{2}" in math
    assert math.endswith(r"&= 3 x^{2}\end{aligned}")


@pytest.mark.parametrize(("lines", "options"), [
    (["diff(x**2, x)", "= 2*x + 10**-30"], {}),
    (["diff(x**2, x)", "= 2*x + 10**-45"], {}),         # below the 50-digit tolerance
    (["diff(exp(x)*sin(x), x)", "= exp(x)*(sin(x) - cos(x))"], {}),
    (["diff(abs(x), x)", "= 1"], {}),                   # wrong for x < 0
    (["diff(abs(x), x)", "= where(x > 1, 1, -1)"], {}),  # wrong on 0 < x < 1
    (["diff(relu(x - 1), x)", "= 1"], {"where": "x > 0"}),  # the region is wider
    (["diff(w @ x, w)", "= x.T"], {"vars": "w[n], x[n]", "layout": "denominator"}),
])
def test_subtly_wrong_steps_fail(lines, options):
    failed_step(derivation(*lines, **options), 1, 1)


@pytest.mark.parametrize(("lines", "options"), [
    (["diff(abs(x), x)", "= 1"], {"where": "x > 0"}),
    (["diff(abs(x), x)", "= where(x > 0, 1, -1)"], {}),
    (["diff(relu(x - 1), x)", "= 1"], {"where": "x > 1"}),
    (["diff(exp(x)*sin(x), x)", "= exp(x)*(sin(x) + cos(x))"], {}),
    (["diff(w @ x, w)", "= x"], {"vars": "w[n], x[n]", "layout": "denominator"}),
])
def test_their_correct_twins_verify(lines, options):
    assert verified(derivation(*lines, **options)).claims == 1


def test_a_step_of_another_shape_fails_naming_both_shapes():
    outcome = failed_step(derivation("diff(w @ x, w)", "= x", vars="w[n], x[n]"), 1, 1)
    assert "step 1 is a column vector of length n" in outcome.message
    assert "the first form is a row vector of length n" in outcome.message


def test_hints_say_by_how_much_and_why():
    sign = failed_step(derivation("diff(x**2, x)", "= -2*x"), 1, 1)
    assert "the sign is wrong" in sign.message and "they differ by" in sign.message
    factor = failed_step(derivation("diff(x**2, x)", "= 2*x", "= 4*x"), 2, 2)
    assert "it is 2 times" in factor.message
    dropped = failed_step(derivation("diff(x**2*sin(x), x)", "= 2*x*sin(x)"), 1, 1)
    assert "it drops the term x**2*cos(x)" in dropped.message
    sizes = failed_step(derivation("diff(w @ x, w)", "= x.T", "= ones(n).T*sum(x)",
                                   vars="w[n], x[n]"), 2, 2)
    assert "it holds at n=1 but not at every size" in sizes.message


def test_the_first_form_may_follow_the_directive_name():
    outcome = verified(derivation("= 3*x**2", "= x*3*x", argument="diff(x**3, x)"))
    assert outcome.claims == 2
    # content lines are counted from the body, which starts with step 1
    failed_step(derivation("= 3*x**2", "= 3*x", argument="diff(x**3, x)"), 2, 1)


def test_the_display_is_one_aligned_block_with_the_remarks():
    outcome = verified(five())
    (math,) = outcome.math
    assert math.startswith(r"\begin{aligned}") and math.endswith(r"\end{aligned}")
    assert math.count("&=") == 5
    assert r"\text{(the chain rule)}" in math and r"\text{(only i = j is left)}" in math
    assert r"\frac{\partial}{\partial w_{j}}" in math and r"\sum_{i}" in math


def test_remarks_are_text_with_every_special_character_escaped():
    outcome = verified(derivation("diff(x**2, x)", "= 2*x   # 100% of x_1 & {it} $"))
    # Special characters in math mode between pieces of text: \_ in \text{} would show
    # a backslash in MathJax.
    assert (r"\text{(100}\%\text{ of x}\_\text{1 }\&\text{ }\{\text{it}\}\text{ }\$"
            r"\text{)}") in outcome.math[0]


def test_layout_applies_to_every_diff_of_a_derivation():
    numerator = verified(derivation("diff(A @ x, x)", "= A", vars="A[m, n], x[n]"))
    denominator = verified(derivation("diff(A @ x, x)", "= A.T", vars="A[m, n], x[n]",
                                      layout="denominator"))
    assert numerator.claims == denominator.claims == 1
    failed_step(derivation("diff(A @ x, x)", "= A", vars="A[n, n], x[n]",
                           layout="denominator"), 1, 1)


# -- claims are counted -----------------------------------------------------------------

@pytest.mark.parametrize(("case", "claims"), [
    (("derivative", "x**3", [], {"wrt": "x", "expect": "3*x**2"}), 1),
    (("derivative", "x**3", [], {"wrt": "x"}), 0),
    (("derivative", "x**3", [], {"wrt": "x", "expect": "3*x", "mistake": None}), 1),
    (("gradient", "w @ x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "x.T"}), 1),
    (("jacobian", "", ["f = x*y", "g = x + y"], {"wrt": "x, y"}), 0),
    (("chain-rule", "", ["u = x**2", "y = sin(u)"], {"wrt": "x"}), 0),
    (("chain-rule", "", ["u = x**2", "y = sin(u)"], {"wrt": "x",
                                                    "expect": "2*x*cos(x**2)"}), 1),
    (("derivation", "", ["diff(x**3, x)", "= 3*x**2"], {}), 1),
    (("derivation", "", ["diff(x**3, x)", "= 3*x**2", "= x*3*x", "= 3*x*x"], {}), 3),
    (("derivation", "", ["diff(x**3, x)", "= 3*x", "= 3*x**2"], {"mistake": None}), 2),
])
def test_claims_count_what_was_verified(case, claims):
    outcome = check(*case)
    assert outcome.status == "verified", outcome.message
    assert outcome.claims == claims


@pytest.mark.parametrize("case", [
    ("derivative", "x**3", [], {"wrt": "x", "expect": "3*x"}),
    ("derivative", "x**3", [], {"wrt": "x", "expect": "3*x**2", "mistake": None}),
    ("derivation", "", ["diff(x**3, x)", "= 3*x**2", "= 3*x"], {}),
    ("derivation", "", ["diff(x**3, x)", "= 3*x**2"], {"mistake": None}),
    ("derivation", "", ["diff(x**3, x)", "= 3*x**2 +"], {}),
])
def test_nothing_is_counted_for_what_was_not_verified(case):
    outcome = check(*case)
    assert outcome.status in ("failed", "error") and outcome.claims == 0


# -- assume lines -----------------------------------------------------------------------

def test_assume_specialises_a_function_for_the_steps_after_it():
    outcome = verified(derivation(
        "diff(f(x)**2, x)", "= 2*f(x)*D(f)(x)", "assume f(t) = t**3", "= 2*x**3*3*x**2",
        "= 6*x**5", functions="f"))
    assert outcome.claims == 3
    assert r"\text{taking }f\left(t\right) = t^{3}" in outcome.math[0]
    # the remark is on the first step it applies to, not repeated
    assert outcome.math[0].count("taking") == 1


def test_derivatives_of_an_assumed_function_are_of_its_body():
    verified(derivation("diff(f(x)**2, x)", "= 2*f(x)*D(f)(x)", "assume f(t) = t**2",
                        "= 2*x**2*D(f)(x)", "= 4*x**3", functions="f"))


@pytest.mark.parametrize(("last", "step", "line"), [
    ("= 5*x**5", 3, 4),          # wrong after the assumption
    ("= 6*x**4", 3, 4),
])
def test_a_wrong_step_after_an_assumption_fails_at_its_line(last, step, line):
    outcome = derivation("diff(f(x)**2, x)", "= 2*f(x)*D(f)(x)", "assume f(t) = t**3",
                         "= 2*x**3*3*x**2", last, functions="f")
    failed_step(outcome, step, line)


def test_the_step_an_assumption_precedes_is_checked_under_it():
    # 2*f*f' with f(t) = t**3 is 6*x**5, not 4*x**5
    failed_step(derivation("diff(f(x)**2, x)", "= 2*f(x)*D(f)(x)", "assume f(t) = t**3",
                           "= 4*x**5", functions="f"), 2, 3)


def test_steps_before_an_assumption_hold_for_every_function():
    # true for f(t) = t, but not in general: the assumption comes only after the step
    outcome = derivation("diff(f(x)**2, x)", "= 2*x", "assume f(t) = t", "= 2*x",
                         functions="f")
    failed_step(outcome, 1, 1)


@pytest.mark.parametrize(("lines", "words", "line"), [
    (["diff(f(x)**2, x)", "assume h(t) = t**3", "= 6*x**5"],
     ["h is not an abstract function", "declare it in :functions:"], 1),
    (["diff(f(x)**2, x)", "assume x(t) = t", "= 2*x"], ["x is not an abstract function"], 1),
    (["diff(f(x)**2, x)", "assume f = t", "= 2*x"], ["assume f(t) = expression"], 1),
    (["diff(f(x)**2, x)", "assume f(t) = f(t)**3", "= 6*x**5"],
     ["cannot use f itself"], 1),
    (["diff(f(x)**2, x)", "assume f(t, s) = t*s", "= 6*x**5"],
     ["f takes 1 arguments, but the assumption gives it 2"], 1),
    (["diff(f(x)**2, x)", "assume f(t, t) = t", "= 6*x**5"], ["must be distinct names"], 1),
    (["diff(f(x)**2, x)", "assume f(t) = t", "x", "= 2*x"],
     ["after an assume line comes a step"], 2),
    (["diff(f(x)**2, x)", "assume f(t) = t +", "= 2*x"], ["syntax error"], 1),
])
def test_malformed_assumptions_are_errors_at_their_line(lines, words, line):
    error(derivation(*lines, functions="f"), "parse", *words, line=line)


def test_an_assumption_must_give_a_scalar_function():
    error(derivation("diff(f(x)**2, x)", "assume f(t) = [t, t]", "= 6*x**5",
                     functions="f"), "domain", "an abstract function is scalar", line=1)


# -- the structure of a derivation ------------------------------------------------------

@pytest.mark.parametrize(("lines", "options", "subtype", "words", "line", "option"), [
    (["diff(x**2, x)"], {}, "parse", ["needs a first form and at least one step"], 0, None),
    (["= diff(x**2, x)", "= 2*x"], {}, "parse", ["starts with its first form"], 0, None),
    (["diff(x**2, x)", "== 2*x"], {}, "parse", ["a single '='"], 1, None),
    (["diff(x**2, x)", "=", "= 2*x"], {}, "parse", ["no expression after '='"], 1, None),
    (["diff(x**2, x)", "= 2*x"], {"wrt": "x"}, "parse",
     [":wrt: is not an option of a derivation", "diff(expr, x)"], None, "wrt"),
    (["diff(x**2, x)", "= 2*x"], {"expect": "2*x"}, "parse",
     [":expect: is not an option of a derivation"], None, "expect"),
    (["diff(x**2, x)", "= 2*x"], {"mistake": "yes"}, "parse",
     [":mistake: is a flag"], None, "mistake"),
    (["diff(x**2, x)", "= 2*x"], {"functoins": "f"}, "parse",
     ["did you mean :functions:?"], None, "functoins"),
    (["diff(x**2, x)", "= 2*x +"], {}, "parse", ["syntax error"], 1, None),
    (["diff(x**2, x)", "= 2*x", "= 2*x @ [1, 2]"], {}, "shape", ["@"], 2, None),
    (["diff(x**2, x)", "= 2*x # a remark", "= 2*y*"], {}, "parse", ["syntax error"], 2,
     None),
    (["diff(x**2, x)", "= 2*x"], {"where": ""}, "parse", [":where: is empty"], None,
     "where"),
])
def test_malformed_derivations_are_located_errors(lines, options, subtype, words, line,
                                                  option):
    error(derivation(*lines, **options), subtype, *words, line=line, option=option)


def test_the_first_form_is_given_once():
    outcome = derivation("diff(x**2, x)", "= 2*x", argument="diff(x**2, x)")
    error(outcome, "parse", "either after the directive name or in the body", line=0)


def test_where_conditions_are_checked_in_a_derivation():
    error(derivation("diff(x**2, x)", "= 2*x", where="x > 0, x < 0"), "domain",
          "no sample point satisfies :where:", option="where")


# -- a property: any derivative SymPy computes verifies as a step, and a slip fails ------

X = sympy.Symbol("x", real=True)
COEFFICIENTS = st.integers(-5, 5).filter(bool).map(sympy.Integer) | st.sampled_from(
    [sympy.Rational(1, 2), sympy.Rational(-3, 4), sympy.Rational(5, 3)])


@st.composite
def polynomial_and_exp(draw: st.DrawFn) -> sympy.Expr:
    """A sum of terms c * x**k * exp(a*x + b): polynomials, exponentials and products."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        term = draw(COEFFICIENTS) * X ** draw(st.integers(0, 4))
        if draw(st.booleans()):
            term *= sympy.exp(draw(COEFFICIENTS) * X + draw(st.integers(-1, 1)))
        terms.append(term)
    expr = sympy.Add(*terms)
    # a constant has derivative 0 (a slip then still fails, but says less)
    return expr if expr.has(X) else expr + X**2


#: Slips of a correct derivative: a constant factor, a term too many, a tiny offset, the
#: sign, a factor x (none equals the derivative: it is never zero, as expr has x).
SLIP_TEMPLATES = ["({d})*(1 + 1/1000)", "({d}) + x**3/7", "({d}) - 2*exp(x)",
                  "({d}) + 10**-20", "-({d})", "({d})*x"]


@given(polynomial_and_exp(), st.sampled_from(SLIP_TEMPLATES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_derivative_verifies_as_a_step_and_a_slip_of_it_fails(expr, slip):
    text, derivative = language(expr), sympy.diff(expr, X)
    outcome = verified(derivation(f"diff({text}, x)", f"= {language(derivative)}",
                                  f"= {language(sympy.expand(derivative))}"))
    assert outcome.claims == 2
    wrong = slip.format(d=language(derivative))
    failed_step(derivation(f"diff({text}, x)", f"= {language(derivative)}", f"= {wrong}"),
                2, 2)


def language(expr: sympy.Expr) -> str:
    """SymPy's text of ``expr`` in the language: it is Python's + - * / ** and exp()
    already, but for Euler's number (``E`` once expanded), which is ``exp(1)``."""
    return str(expr).replace("E", "exp(1)")


# -- a property: any chain of the new forms is a result or a located error --------------

ATOMS = st.sampled_from([
    "x", "y", "w", "w[i]", "w[j]", "X[i]", "X[i, j]", "X[j, i]", "f(x)", "D(f)(x)",
    "D(f)(w[i])", "f(w)", "2", "1/2", "i", "n", "delta(i, j)", "D(D(f))(y)",
    "D(f, 2)(x, y)", "f(x, y)", "X", "w.T", "X[i].T", "g(x)", "h(x)", "D(h)(x)",
])
FORMS = st.sampled_from([
    "diff({a}, {b})", "diff({a}, w)", "diff({a}, w[j])", "diff({a}, X)", "diff({a}, x)",
    "sum({a}, i)", "sum({a}, j)", "vector({a}, i)", "row({a}, j)", "matrix({a}, i, j)",
    "exp({a})", "({a})*({b})", "({a}) + ({b})", "({a}) @ ({b})", "f({a})", "D(f)({a})",
    "dot({a}, {b})", "where({a} > 0, {a}, {b})",
])
EXPRESSIONS = st.recursive(ATOMS, lambda inner: st.tuples(FORMS, inner, inner).map(
    lambda t: t[0].format(a=t[1], b=t[2])), max_leaves=6)
#: Shapes declared for the names above; indices and functions are declared as used.
SHAPES = st.sampled_from(["w[n], X[N, n], x, y", "w[n], X[n, n]", "w[3], X[3, 3]"])


def declared(lines: list[str]) -> dict[str, str]:
    """:index: and :functions: for the names that ``lines`` use (f and g always)."""
    text = " ".join(lines)
    options = {"functions": ", ".join(f for f in "fg"
                                      if re.search(rf"\b{f}\(|\bD\({f}\b", text))}
    options["index"] = ", ".join(i for i in "ij" if re.search(rf"\b{i}\b", text))
    return {k: v for k, v in options.items() if v}


@given(st.lists(EXPRESSIONS, min_size=2, max_size=3), SHAPES,
       st.sampled_from(["", "t**2", "exp(t)", "t*x", "w[i]", "t, t"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_chain_of_the_new_forms_is_a_result_or_a_located_error(forms, shapes, body):
    lines = [forms[0], *(f"= {form}" for form in forms[1:])]
    if body:
        lines.insert(1, f"assume f(t) = {body}")
    outcome = derivation(*lines, settings=Settings(samples=2, timeout=5), vars=shapes,
                         **declared(lines))
    assert outcome.status in ("verified", "failed", "error")
    assert outcome.subtype != "internal", outcome.message
    if outcome.status == "error" and outcome.subtype != "timeout":
        # at a content line or an option: the derivation has no argument line
        assert outcome.line is not None or outcome.option is not None, outcome.message
        assert outcome.line is None or 0 <= outcome.line < len(lines)
