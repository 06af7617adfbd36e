"""Abstract functions: ``:functions:``, ``f(x)``, ``D(f)``, ``D(f, k)``, ``D(D(f))``.

A general rule is a statement for every smooth function. True rules (product,
quotient, chain, total derivative) verify, exactly where SymPy decides with its
undefined functions (``Outcome.exact``); wrong ones fail, including rules that agree
with the right one for every polynomial of low degree, for exponentials only or for
periodic functions only: each replacement family alone rejects them. Every misuse is a
located error. Pure core, no Sphinx.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.checking.replacements import FAMILIES, replacement
from sphinx_vcr.core.running.verify import check

from .steps_support import derivation, error, failed_step, verified

FG = {"functions": "f, g"}

# (first form, the rule, options): true general rules
RULES = [
    ("diff(f(x)*g(x), x)", "D(f)(x)*g(x) + f(x)*D(g)(x)", FG),                    # product
    ("diff(f(x)/g(x), x)", "(D(f)(x)*g(x) - f(x)*D(g)(x))/g(x)**2", FG),          # quotient
    ("diff(f(g(x)), x)", "D(f)(g(x))*D(g)(x)", FG),                               # chain
    ("diff(f(2*x + 1), x)", "2*D(f)(2*x + 1)", {"functions": "f"}),
    ("diff(exp(f(x)), x)", "exp(f(x))*D(f)(x)", {"functions": "f"}),
    ("diff(log(f(x)), x)", "D(f)(x)/f(x)", {"functions": "f"}),
    # the total derivative, of a function of two functions and of x and y(x)
    ("diff(f(u(t), v(t)), t)", "D(f, 1)(u(t), v(t))*D(u)(t) + D(f, 2)(u(t), v(t))*D(v)(t)",
     {"functions": "f, u, v"}),
    ("diff(f(x, y(x)), x)", "D(f, 1)(x, y(x)) + D(f, 2)(x, y(x))*D(y)(x)",
     {"functions": "f, y"}),
    ("diff(f(x, x), x)", "D(f, 1)(x, x) + D(f, 2)(x, x)", {"functions": "f"}),
    # higher derivatives, partials and their symmetry
    ("diff(D(f)(x), x)", "D(D(f))(x)", {"functions": "f"}),
    ("diff(diff(f(x), x), x)", "D(D(f))(x)", {"functions": "f"}),
    ("diff(diff(f(g(x)), x), x)", "D(D(f))(g(x))*D(g)(x)**2 + D(f)(g(x))*D(D(g))(x)", FG),
    ("diff(f(x, y), y)", "D(f, 2)(x, y)", {"functions": "f"}),
    ("diff(diff(f(x, y), x), y)", "D(D(f, 2), 1)(x, y)", {"functions": "f"}),
    ("diff(D(D(f, 1), 2)(x, y), x)", "D(D(D(f, 1), 1), 2)(x, y)", {"functions": "f"}),
    # entry by entry on vectors, and in sums over indices
    ("diff(sum(f(w)), w)", "D(f)(w).T", {"functions": "f", "vars": "w[n]"}),
    ("diff(f(w), w)", "diag(D(f)(w))", {"functions": "f", "vars": "w[n]"}),
    ("diff(sum(f(w[i]), i), w[j])", "D(f)(w[j])",
     {"functions": "f", "vars": "w[n]", "index": "i, j"}),
    ("diff(sum(f(x[i])*g(x[i]), i), x[j])", "D(f)(x[j])*g(x[j]) + f(x[j])*D(g)(x[j])",
     {**FG, "vars": "x[n]", "index": "i, j"}),
    ("diff(sum(f(w[i]*t), i), t)", "sum(w[i]*D(f)(w[i]*t), i)",   # the sum form
     {"functions": "f", "vars": "w[n]", "index": "i"}),
    ("diff(abs(f(x)), x)", "D(f)(x)", {"functions": "f", "where": "f(x) > 0"}),
]

# (first form, a wrong rule, options): each a classic slip
SLIPS = [
    ("diff(f(x)*g(x), x)", "D(f)(x)*D(g)(x)", FG),
    ("diff(f(x)*g(x), x)", "D(f)(x)*g(x)", FG),
    ("diff(f(x)*g(x), x)", "2*D(f)(x)*g(x)", FG),                       # f and g confused
    ("diff(f(x)/g(x), x)", "(f(x)*D(g)(x) - D(f)(x)*g(x))/g(x)**2", FG),
    ("diff(f(x)/g(x), x)", "D(f)(x)/D(g)(x)", FG),
    ("diff(f(g(x)), x)", "D(f)(g(x))", FG),
    ("diff(f(g(x)), x)", "D(f)(x)*D(g)(x)", FG),
    ("diff(f(g(x)), x)", "D(g)(f(x))*D(f)(x)", FG),
    ("diff(f(2*x + 1), x)", "D(f)(2*x + 1)", {"functions": "f"}),
    ("diff(f(u(t), v(t)), t)", "D(f, 2)(u(t), v(t))*D(u)(t) + D(f, 1)(u(t), v(t))*D(v)(t)",
     {"functions": "f, u, v"}),
    ("diff(f(x, y(x)), x)", "D(f, 2)(x, y(x))*D(y)(x)", {"functions": "f, y"}),
    ("diff(f(x, x), x)", "2*D(f, 1)(x, x)", {"functions": "f"}),      # f not symmetric
    ("diff(diff(f(x, y), x), y)", "D(D(f, 1), 1)(x, y)", {"functions": "f"}),
    ("diff(D(f)(x), x)", "D(f)(x)", {"functions": "f"}),
    ("diff(sum(f(w[i]*t), i), t)", "sum(D(f)(w[i]*t), i)",
     {"functions": "f", "vars": "w[n]", "index": "i"}),
    ("diff(abs(f(x)), x)", "D(f)(x)", {"functions": "f"}),              # f may be < 0
]


def _id(case: tuple) -> str:
    return f"{case[0]}={case[1]}"


@pytest.mark.parametrize("case", RULES, ids=_id)
def test_true_general_rules_verify_exactly(case):
    first, rule, options = case
    outcome = verified(derivation(first, f"= {rule}", **options))
    assert outcome.exact, outcome.badge  # SymPy proves it with undefined functions
    assert "with 3 replacements of the abstract functions" in outcome.badge


@pytest.mark.parametrize("case", SLIPS, ids=_id)
def test_wrong_general_rules_fail(case):
    first, rule, options = case
    outcome = failed_step(derivation(first, f"= {rule}", **options), 1, 1)
    assert "a general rule must hold for every function" in outcome.message


@pytest.mark.parametrize(("expect", "why"), [
    ("(-f(x + 2) + 8*f(x + 1) - 8*f(x - 1) + f(x - 2))/12", "exact up to degree 4"),
    ("(f(x + 1) - f(x - 1))/2", "exact up to degree 2"),
    ("f(x + 1) - f(x)", "exact up to degree 1"),
    ("f(x)", "exact for exp(x)"),
    ("-D(D(D(f)))(x)", "exact for sin(x) and cos(x)"),
])
def test_a_wrong_rule_true_for_a_class_of_functions_fails(expect, why):
    """The replacements are unrelated families, each with a transcendental part:
    passing every polynomial of low degree (a difference quotient exact up to degree
    4), every exponential or every sinusoid is not enough."""
    outcome = check("derivative", "f(x)", [], {"wrt": "x", "functions": "f",
                                               "expect": expect})
    assert (outcome.status, outcome.subtype) == ("failed", "mismatch"), why
    assert "with the abstract functions replaced by concrete ones" in outcome.message


@pytest.mark.parametrize("offset", ["10**-45", "10**-45*D(f)(x)"])
def test_a_general_rule_off_by_a_hair_fails(offset):
    # below what 50 digits tell apart: only exact arithmetic on the stand-ins sees it
    failed_step(derivation("diff(f(x)*g(x), x)",
                           f"= D(f)(x)*g(x) + f(x)*D(g)(x) + {offset}", **FG), 1, 1)


DEGREE_TWO = ("diff(diff(f(g(x)), x), x)", "D(D(f))(g(x))*D(g)(x)**2", FG)


def test_a_rule_true_whenever_the_inner_function_is_linear_fails():
    # (f o g)'' without f'(g) g'': true for every linear g
    failed_step(derivation(DEGREE_TWO[0], f"= {DEGREE_TWO[1]}", **DEGREE_TWO[2]), 1, 1)


@pytest.fixture
def one_family(monkeypatch: pytest.MonkeyPatch):
    """A derivation checked in this process with every case using the replacement
    ``family`` (so each function one family) only; the stand-ins made are recorded."""
    from sphinx_vcr.core.calculus import instance
    from sphinx_vcr.core.records import Settings
    from sphinx_vcr.core.running.pipeline import compute

    made: list[int] = []

    def run(family: int, lines: list[str], options: dict[str, str]):
        def only(name, arity, _replacement, position, seed):
            made.append(family)
            return replacement(name, arity, family, position, seed)

        monkeypatch.setattr(instance, "replacement", only)
        outcome = compute("derivation", "", lines, options, Settings(), repr(lines))
        assert made and set(made) == {family}  # the patch is what was checked
        return outcome

    return run


CLASS_RULES = [
    ("diff(f(x), x)", "(-f(x + 2) + 8*f(x + 1) - 8*f(x - 1) + f(x - 2))/12", {"functions": "f"}),
    ("diff(f(x), x)", "f(x)", {"functions": "f"}),
    ("diff(diff(f(x), x), x)", "-f(x)", {"functions": "f"}),
    DEGREE_TWO,
    ("diff(f(x)*g(x), x)", "D(f)(x)*D(g)(x)", FG),
]


@pytest.mark.parametrize("family", range(FAMILIES))
@pytest.mark.parametrize("case", CLASS_RULES, ids=_id)
def test_each_replacement_family_alone_rejects_these_rules(case, family, one_family):
    first, rule, options = case
    failed_step(one_family(family, [first, f"= {rule}"], options), 1, 1)


@pytest.mark.parametrize("family", range(FAMILIES))
@pytest.mark.parametrize("case", [RULES[0], RULES[2], RULES[7]], ids=_id)
def test_each_replacement_family_alone_keeps_the_true_rules(case, family, one_family):
    first, rule, options = case
    verified(one_family(family, [first, f"= {rule}"], options))


def test_replacements_differ_between_functions_and_between_rounds():
    bodies = {(name, r): str(replacement(name, 1, r, position, 7)[1])
              for position, name in enumerate("fg") for r in range(3)}
    assert len(set(bodies.values())) == len(bodies)


# -- general rules as :expect: claims ---------------------------------------------------

def test_the_chain_rule_as_a_claim():
    right = check("derivative", "f(g(x))", [], {"wrt": "x", **FG,
                                                "expect": "D(f)(g(x)) * D(g)(x)"})
    assert right.ok and right.exact and right.claims == 1, right.message
    assert right.math == [r"\frac{\mathrm{d}}{\mathrm{d} x}\left(f\left(g\left(x\right)"
                          r"\right)\right) = f'\left(g\left(x\right)\right) "
                          r"g'\left(x\right)"]
    wrong = check("derivative", "f(g(x))", [], {"wrt": "x", **FG,
                                                "expect": "D(f)(x) * D(g)(x)"})
    assert (wrong.status, wrong.subtype) == ("failed", "mismatch")
    # the claim as written and the values; the stand-ins' formulas mean nothing to a reader
    assert "the claim 'D(f)(x) * D(g)(x)' is " in wrong.message
    assert "(replacement 1 of 3)" in wrong.message
    assert "sin" not in wrong.message and "exp" not in wrong.message


@pytest.mark.parametrize(("kind", "body", "options", "right", "wrong"), [
    ("gradient", "sum(f(w))", {"wrt": "w[n]"}, "D(f)(w).T", "f(w).T"),
    ("jacobian", "f(w)", {"wrt": "w[n]"}, "diag(D(f)(w))", "D(f)(w) @ ones(n).T"),
    ("gradient", "f(x, y)", {"wrt": "x, y"}, "[[D(f, 1)(x, y), D(f, 2)(x, y)]]",
     "[[D(f, 2)(x, y), D(f, 1)(x, y)]]"),
    ("derivative", "f(x, y)", {"wrt": "y"}, "D(f, 2)(x, y)", "D(f, 1)(x, y)"),
])
def test_abstract_functions_in_every_directive(kind, body, options, right, wrong):
    base = {**options, "functions": "f"}
    ok = check(kind, body, [], {**base, "expect": right})
    assert ok.ok and ok.exact, ok.message
    bad = check(kind, body, [], {**base, "expect": wrong})
    assert (bad.status, bad.subtype) == ("failed", "mismatch"), bad.message


def test_derivatives_render_as_primes_and_partials():
    math = verified(derivation("diff(D(f)(x)*g(x, y), y)", "= D(f)(x)*D(g, 2)(x, y)",
                               **FG)).math[0]
    assert r"f'\left(x\right) \partial_{2} g\left(x, y\right)" in math
    second = verified(derivation("diff(D(f)(x), x)", "= D(D(f))(x)", functions="f"))
    assert "f''" in second.math[0]


def test_a_crossed_out_general_rule_shows_no_stand_in():
    outcome = derivation("diff(f(x)*g(x), x)", "= D(f)(x)*D(g)(x)", **FG, mistake=None)
    assert outcome.status == "verified" and outcome.mistake
    assert r"\cancel{f'\left(x\right) g'\left(x\right)} \\ & \quad \text{(wrong)}" in (
        outcome.math[0])


# -- misuse ---------------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "options", "words", "line", "option"), [
    # D(f) of a name not declared, or not a function
    (["diff(f(x), x)", "= D(h)(x)"], {"functions": "f"},
     ["h is not declared in :functions:"], 1, None),
    (["diff(x**2, x)", "= D(x)(x)"], {"functions": "f"}, ["x is not declared"], 1, None),
    (["diff(f(x), x)", "= D(f)(x)"], {}, ["unknown function 'f'",
                                          "declare abstract functions in :functions:"], 0,
     None),
    (["diff(f(x), x)", "= D(f)"], {"functions": "f"},
     ["D(f) is the derivative of an abstract function f: apply it"], 1, None),
    (["diff(f(x), x)", "= D(2)(x)"], {"functions": "f"},
     ["only an abstract function f and its derivatives"], 1, None),
    (["diff(f(x), x)", "= D(f, x)(x)"], {"functions": "f"},
     ["D(f, k) takes the number k of the argument"], 1, None),
    (["diff(f(x), x)", "= D(f, 0)(x)"], {"functions": "f"},
     ["D(f, k) takes the number k"], 1, None),
    (["diff(f(x), x)", "= D(D(D(D(D(f)))))(x)"], {"functions": "f"},
     ["derivatives of abstract functions go up to order 4"], 1, None),
    # a function used as a number
    (["diff(f(x), x)", "= f + 1"], {"functions": "f"},
     ["f is a function of :functions:: apply it, as f(x)"], 1, None),
    (["f(x)", "= f(x)"], {"functions": "f", "where": "f > 0"},
     ["f is a function of :functions:"], None, "where"),
    # arity: the same everywhere, and D(f) only of a function of one argument
    (["diff(f(x, y), x)", "= D(f, 1)(x)"], {"functions": "f"},
     ["f is applied to 1 and to 2 arguments"], 1, None),
    (["diff(f(x, y), x)", "= D(f)(x, y)"], {"functions": "f"},
     ["f takes 2 arguments: say which one to differentiate by, as D(f, 1)"], 1, None),
    (["diff(f(x), x)", "= f(x, x)"], {"functions": "f"},
     ["f is applied to 2 and to 1 arguments"], 1, None),
    (["f(x)", "= f(x, y=1)"], {"functions": "f"}, ["keyword and star arguments"], 1, None),
    # declarations
    (["diff(f(x), x)", "= D(f)(x)"], {"functions": "f, g"},
     ["g is declared in :functions: but not used"], None, "functions"),
    (["f(x)", "= f(x)"], {"functions": "f, f"}, ["listed twice in :functions:"], None,
     "functions"),
    (["f(x)", "= f(x)"], {"functions": "x", "vars": "x"},
     ["'x' in :functions: is also a size or a variable"], None, "functions"),
    (["f(x)", "= f(x)"], {"functions": "exp"}, ["'exp' is a function or constant"], None,
     "functions"),
])
def test_misused_functions_are_located_errors(lines, options, words, line, option):
    error(derivation(*lines, **options), "parse", *words, line=line, option=option)


def test_entry_wise_arguments_need_one_shape():
    error(derivation("f(x, w)", "= f(x, w)", functions="f", vars="x[n], w[m]"), "shape",
          "f() applies entry by entry, so its array arguments need one shape", line=0)


def test_an_abstract_function_in_a_claim_must_be_declared():
    error(check("derivative", "x**2", [], {"wrt": "x", "expect": "D(f)(x)"}), "parse",
          "f is not declared in :functions:", option="expect")


# -- a property: the chain rule through any polynomial ----------------------------------

X = sympy.Symbol("x", real=True)


#: Slips of the chain rule through an inner function p with derivative d.
CHAIN_SLIPS = ["D(f)({p})", "D(f)(x)*({d})", "D(f)({p})*({d})**2", "2*D(f)({p})*({d})"]


@given(st.lists(st.integers(-4, 4), min_size=2, max_size=4).filter(lambda c: any(c[1:])),
       st.sampled_from(CHAIN_SLIPS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_chain_rule_through_any_polynomial(coefficients, slip):
    inner = sympy.Add(*[c * X**k for k, c in enumerate(coefficients)])
    derivative = sympy.diff(inner, X)
    p, d = str(inner), str(derivative)
    verified(derivation(f"diff(f({p}), x)", f"= D(f)({p})*({d})", functions="f"))
    # a slip is no slip where the inner function makes it the rule (p = x, or p' = 1)
    assume(not (inner == X and slip == CHAIN_SLIPS[1]))
    assume(not (derivative == 1 and slip in (CHAIN_SLIPS[0], CHAIN_SLIPS[2])))
    failed_step(derivation(f"diff(f({p}), x)", f"= {slip.format(p=p, d=d)}",
                           functions="f"), 1, 1)
