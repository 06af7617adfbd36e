"""A hostile review of the index-free wiring (DESIGN section 10), as tests.

The wiring shows an engine's index-free derivative without :expect:, and names it (and
a near-miss correction) beside a wrong claim. What must never happen: a directive's own
verdict changing because a form was derived, a form or a correction shown that is not
the derivative, or a message quoting anything but what the author wrote. Each test here
is an attack that the wiring withstood, kept as a guard:

* wrong forms injected in place of the engine's (right at some sizes only, on one side
  of a kink only, with a structure the author did not declare, in the other layout) are
  never shown, and never make a directive fail;
* every correction a message offers ("did you mean :expect: X?"), and every derivative
  it names, verifies when pasted back into the directive as the claim;
* wrong claims still fail, true ones still verify, under structure, constraints, kinks,
  :let:, fixed sizes, both layouts and mixed :wrt: lists;
* the texts of derived forms re-parse, their LaTeX is balanced, and the kinds the
  engine is not asked about keep their old badges.
"""

from __future__ import annotations

import re

import pytest

from sphinx_vcr.core.calculus.indexfree import to_text
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.language.problem import build_problem
from sphinx_vcr.core.outcome import FAILED, VERIFIED, Outcome
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import pipeline
from sphinx_vcr.core.running.derived import Derived, index_free
from sphinx_vcr.core.running.pipeline import compute

DERIVED = "index-free form derived, verified"
NO_FORM = "derivative computed by SymPy (no index-free form found)"
SUGGESTION = re.compile(r"did you mean :expect: (.+)\?$")
NAMED = re.compile(r"^claimed .+? but the derivative is (.+?); claim does not hold")


def run(kind: str, argument: str, content: tuple[str, ...] = (),
        settings: Settings = Settings(), **options: str | None) -> Outcome:
    """One directive through the core, as a page's directive is checked."""
    return compute(kind, argument, list(content), dict(options), settings,
                   repr((kind, argument, content, sorted(options.items()))))


def balanced(latex: str) -> bool:
    """Whether ``latex``'s braces and \\left/\\right pairs match."""
    depth = 0
    for char in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\left") == latex.count(r"\right")


# --- 1. An engine bug must never show, nor change a directive's verdict --------------

QUADRATIC = {"wrt": "x[n]", "vars": "A[n, n]"}

# (what is differentiated, its options, a wrong form the engine might return, why wrong)
WRONG_FORMS = [
    ("x.T @ A @ x", QUADRATIC, "2 * x.T @ A", "right only for a symmetric A (or n = 1)"),
    ("x.T @ A @ x", QUADRATIC, "(A + A.T) @ x", "the other layout (a column)"),
    ("x.T @ A @ x", QUADRATIC, "x.T @ (A + A.T) + (n - 1) * (n - 2) * x.T",
     "right at sizes 1 and 2, wrong at 3"),
    ("x.T @ A @ x", {"wrt": "x[n]", "vars": "A[n, n] symmetric"}, "x.T @ A",
     "half the derivative even where A is symmetric"),
    ("relu(z)", {"wrt": "z[n]"}, "diag(where(z > 0.5, 1, 0))",
     "wrong only on (0, 0.5), one side of the kink"),
    ("relu(z)", {"wrt": "z[n]"}, "eye(n)", "right only where every unit is active"),
    ("x.T @ x", {"wrt": "x[n]", "where": "x.T @ x > 1"}, "2 * x.T * x.T @ x",
     "equal only on the unit sphere, outside the constrained region"),
    ("norm(r)**2", {"wrt": "w[n]", "vars": "X[N, n], y[N]", "let": "r = X @ w - y"},
     "2 * r.T", "a let name used as if it were the variable"),
    ("a * x.T @ y", {"wrt": "a, x[n]", "vars": "y[n]"}, "[[x.T @ y, y.T]]",
     "a mixed :wrt: list with one block missing its factor"),
    ("x.T @ A @ x", {**QUADRATIC, "layout": "denominator"}, "x.T @ (A + A.T)",
     "the numerator layout's form in a denominator directive"),
]


@pytest.mark.parametrize("argument, options, wrong, why", WRONG_FORMS,
                         ids=[w[3] for w in WRONG_FORMS])
def test_an_injected_wrong_form_is_never_shown_and_fails_nothing(monkeypatch, argument,
                                                                 options, wrong, why):
    kind = "jacobian" if argument.startswith("relu") else "gradient"
    tree = parse_expression(wrong)
    monkeypatch.setattr(pipeline, "index_free", lambda problem: Derived(tree, wrong))
    outcome = run(kind, argument, **options)
    assert outcome.status == VERIFIED, (why, outcome.message)
    assert outcome.badge.startswith(NO_FORM), (why, outcome.badge)
    assert outcome.claims == 0


@pytest.mark.parametrize("argument, options, wrong, why", WRONG_FORMS,
                         ids=[w[3] for w in WRONG_FORMS])
def test_an_injected_wrong_form_is_never_named_beside_a_wrong_claim(monkeypatch, argument,
                                                                    options, wrong, why):
    """Beside a failed claim, an unverified form is not "the derivative"."""
    kind = "jacobian" if argument.startswith("relu") else "gradient"
    tree = parse_expression(wrong)
    monkeypatch.setattr(pipeline, "index_free", lambda problem: Derived(tree, wrong))
    claim = "zeros(n, n)" if kind == "jacobian" else "[[7 * x.T @ y, a * y.T]]" \
        if options.get("wrt") == "a, x[n]" else "7 * " + ("w.T" if "w[n]" in
                                                         options["wrt"] else "x.T")
    if options.get("layout") == "denominator":
        claim = "7 * x"
    outcome = run(kind, argument, expect=claim, **options)
    assert outcome.status == FAILED, (why, outcome.message)
    # without a verified form, the message is the entries' (no form is named)
    assert outcome.message.startswith("claim does not hold"), (why, outcome.message)
    assert wrong not in outcome.message
    # the box shows SymPy's entries, not the injected form
    assert all(balanced(block) for block in outcome.math)


def test_an_engine_that_raises_is_no_form(monkeypatch):
    """An internal error of the engine's check is caught: the entries are shown."""
    def broken(problem):
        raise RuntimeError("engine bug")
    monkeypatch.setattr(pipeline, "index_free", lambda problem: Derived(
        parse_expression("x.T @ (A + A.T)"), "x.T @ (A + A.T)"))
    monkeypatch.setattr(pipeline, "as_claim", broken)
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC)
    assert outcome.status == VERIFIED
    assert outcome.badge.startswith(NO_FORM)


# --- 2. What a message offers, pasted back, verifies --------------------------------

# Wrong claims of every shape of slip, in every setting the brief lists.
WRONG_CLAIMS = [
    ("gradient", "x.T @ A @ x", {**QUADRATIC, "expect": "-x.T @ (A + A.T)"}),
    ("gradient", "x.T @ A @ x", {**QUADRATIC, "expect": "x.T @ A"}),
    ("gradient", "x.T @ A @ x", {**QUADRATIC, "expect": "x.T @ A.T"}),
    ("gradient", "x.T @ A @ x", {"wrt": "x[n]", "vars": "A[n, n] symmetric",
                                 "expect": "x.T @ A"}),
    ("gradient", "x.T @ A @ x", {"wrt": "x[n]", "vars": "A[n, n] spd",
                                 "expect": "4 * x.T @ A"}),
    ("gradient", "x.T @ A @ x", {**QUADRATIC, "layout": "denominator",
                                 "expect": "-(A + A.T) @ x"}),
    ("gradient", "x.T @ A @ x", {"wrt": "x[3]", "vars": "A[3, 3]", "expect": "x.T @ A"}),
    ("gradient", "-x**2", {"wrt": "x", "expect": "2*x"}),
    ("gradient", "a - (b - x)", {"wrt": "x", "vars": "a, b", "expect": "-1"}),
    ("gradient", "x / (y / z)", {"wrt": "x", "vars": "y, z", "expect": "y / z"}),
    ("jacobian", "A @ x", {"wrt": "x[n]", "vars": "A[n, n]", "expect": "A.T"}),
    ("jacobian", "(A @ x).T", {"wrt": "x[n]", "vars": "A[m, n]", "expect": "2 * A"}),
    ("jacobian", "relu(z)", {"wrt": "z[n]", "expect": "-diag(where(z > 0, 1, 0))"}),
    ("jacobian", "relu(z)", {"wrt": "z[n]", "expect": "eye(n)"}),
    ("gradient", "1/N * norm(X @ w - y)**2", {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                             "expect": "1/N * (X @ w - y).T @ X"}),
    ("gradient", "1/2 * norm(r)**2", {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                      "let": "r = X @ w - y", "expect": "-r.T @ X"}),
    ("gradient", "a * x.T @ y", {"wrt": "a, x[n]", "vars": "y[n]",
                                 "expect": "[[x.T @ y, y.T]]"}),
    ("gradient", "a * x.T @ y", {"wrt": "a, x[n]", "vars": "y[n]",
                                 "expect": "-[[x.T @ y, a * y.T]]"}),
    ("jacobian", "a * x", {"wrt": "a, x[n]", "layout": "denominator",
                           "expect": "[[x.T], [2 * a * eye(n)]]"}),
    ("gradient", "log(det(X))", {"wrt": "X[n, n]", "expect": "inv(X).T"}),
    ("gradient", "trace(X.T @ A @ X)", {"wrt": "X[n, p]", "vars": "A[n, n]",
                                        "expect": "X.T @ A"}),
    ("gradient", "x.T @ x", {"wrt": "x[n]", "where": "x.T @ x > 1", "expect": "x.T"}),
    ("gradient", "lambda * x.T @ x", {"wrt": "x[n]", "vars": "lambda",
                                      "expect": "lambda * x.T"}),
    ("gradient", "sum(sigmoid(z))", {"wrt": "z[n]", "layout": "denominator",
                                     "expect": "-sigmoid(z) * (1 - sigmoid(z))"}),
    ("gradient", "max(x, 0)**2", {"wrt": "x", "expect": "x"}),
    ("gradient", "sqrt(2) * x.T @ x", {"wrt": "x[n]", "expect": "2 * x.T"}),
    # an author's e beside Euler's number, an author's sign beside the function
    ("derivative", "(e + exp(1))*sin(x)", {"wrt": "x", "vars": "e",
                                           "expect": "2*e*cos(x)"}),
    ("derivative", "sign*abs(x)", {"wrt": "x", "expect": "where(x > 0, 1, -1)"}),
]


def _pasted(kind: str, argument: str, options: dict[str, str], text: str) -> Outcome:
    return run(kind, argument, **{**options, "expect": text})


@pytest.mark.parametrize("kind, argument, options", WRONG_CLAIMS,
                         ids=[f"{w[1]} != {w[2]['expect']}" for w in WRONG_CLAIMS])
def test_a_wrong_claim_fails_and_what_its_message_offers_verifies(kind, argument, options):
    outcome = run(kind, argument, **options)
    assert outcome.status == FAILED, outcome.message
    # the claim is quoted as the author wrote it, first
    assert outcome.message.startswith(f"claimed {options['expect']}"), outcome.message
    assert "\u03bbambda" not in outcome.message  # no stand-in for lambda
    assert all(balanced(block) for block in outcome.math)
    named = NAMED.match(outcome.message)
    offered = SUGGESTION.search(outcome.message)
    for text in [m.group(1) for m in (named, offered) if m]:
        parse_expression(text)  # in the author's syntax: it parses ...
        pasted = _pasted(kind, argument, options, text)
        assert pasted.status == VERIFIED, (text, pasted.message)  # ... and holds


def test_the_pasted_back_suggestion_is_what_the_slip_names():
    """The sign slip's correction is the claim negated, not the derived form under
    another name (which would hide a second slip)."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="-x.T @ (A + A.T)")
    assert outcome.message.endswith("the sign is wrong; did you mean :expect: "
                                    "x.T @ (A + A.T)?")
    outcome = run("gradient", "-x**2", wrt="x", expect="2*x")
    assert outcome.message.endswith("the sign is wrong; did you mean :expect: -2 * x?")


def test_a_claim_off_at_one_size_only_gets_no_scaled_correction():
    """2 x.T A is the derivative at n = 1 only: the factor seen there corrects nothing."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="2 * x.T @ A")
    assert outcome.status == FAILED
    assert "did you mean :expect: x.T @ A?" not in outcome.message
    offered = SUGGESTION.search(outcome.message)
    assert offered is not None
    assert _pasted("gradient", "x.T @ A @ x", QUADRATIC,
                   offered.group(1)).status == VERIFIED


# --- 3. Verdicts unchanged: true claims and claim-less directives verify ------------

TRUE_DIRECTIVES = [
    ("gradient", "x.T @ A @ x", (), QUADRATIC, DERIVED),
    ("gradient", "x.T @ A @ x", (), {**QUADRATIC, "layout": "denominator"}, DERIVED),
    ("gradient", "x.T @ A @ x", (), {"wrt": "x[n]", "vars": "A[n, n] symmetric"}, DERIVED),
    ("gradient", "x.T @ A @ x", (), {"wrt": "x[n]", "vars": "A[n, n] spd"}, DERIVED),
    ("gradient", "x.T @ A @ x", (), {"wrt": "x[4]", "vars": "A[4, 4]"}, DERIVED),
    ("gradient", "x.T @ A @ y", (), {"wrt": "x[n], y[n]", "vars": "A[n, n]"}, DERIVED),
    ("jacobian", "a * x", (), {"wrt": "a, x[n]", "layout": "denominator"}, DERIVED),
    ("jacobian", "relu(z)", (), {"wrt": "z[n]"}, DERIVED),
    ("jacobian", "relu(z)", (), {"wrt": "z[n]", "where": "z > 0"}, DERIVED),
    ("gradient", "abs(x)", (), {"wrt": "x"}, DERIVED),
    ("gradient", "x.T @ x", (), {"wrt": "x[n]", "where": "x.T @ x > 1"}, DERIVED),
    ("gradient", "1/2 * norm(r)**2", (), {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                          "let": "r = X @ w - y"}, DERIVED),
    ("gradient", "log(det(X))", (), {"wrt": "X[n, n]"}, DERIVED),
    ("jacobian", "A @ X", (), {"wrt": "X[n, p]", "vars": "A[m, n]"}, DERIVED),
    ("jacobian", "X.T @ w", (), {"wrt": "X[m, n]", "vars": "w[m]"}, NO_FORM),
    ("jacobian", "X @ X", (), {"wrt": "X[n, n]"}, NO_FORM),
    ("gradient", "lambda * x.T @ x", (), {"wrt": "x[n]", "vars": "lambda"}, DERIVED),
    # a Hessian by one vector is the Jacobian of its gradient; by several, SymPy's
    ("hessian", "x.T @ A @ x", (), QUADRATIC, DERIVED),
    ("hessian", "x**3 * y", (), {"wrt": "x, y"}, "derivative computed by SymPy"),
    # kinds the engine is not asked about keep SymPy's badge, without "no form"
    ("chain-rule", "", ("z = W @ x", "y = sum(sigmoid(z))"),
     {"wrt": "x[n]", "vars": "W[m, n]"}, ""),
    ("derivative", "f(g(x))", (), {"wrt": "x", "functions": "f, g"},
     "derivative computed by SymPy"),
    # a true claim keeps the claim's badge, not the derived form's
    ("gradient", "x.T @ A @ x", (), {**QUADRATIC, "expect": "x.T @ (A.T + A)"},
     "claim verified symbolically"),
    ("jacobian", "relu(z)", (), {"wrt": "z[n]", "expect": "diag(where(z > 0, 1, 0))"},
     "claim verified numerically"),
]


@pytest.mark.parametrize("kind, argument, content, options, badge", TRUE_DIRECTIVES,
                         ids=[f"{t[0]} {t[1] or t[2][-1]} {t[3]}" for t in TRUE_DIRECTIVES])
def test_a_true_directive_still_verifies(kind, argument, content, options, badge):
    outcome = run(kind, argument, content, **options)
    assert outcome.status == VERIFIED, outcome.message
    assert outcome.badge.startswith(badge), outcome.badge
    if kind in ("hessian", "chain-rule") or "expect" in options:
        # the engine is not asked: the badge does not say it found nothing
        assert "no index-free form" not in outcome.badge
    assert outcome.claims == int("expect" in options)
    assert all(balanced(block) for block in outcome.math)


@pytest.mark.parametrize("kind, argument, content, options, badge",
                         [t for t in TRUE_DIRECTIVES if t[4] == DERIVED],
                         ids=[f"{t[0]} {t[1]} {t[3]}" for t in TRUE_DIRECTIVES
                              if t[4] == DERIVED])
def test_a_derived_form_pasted_back_as_the_claim_verifies(kind, argument, content,
                                                          options, badge):
    """The form shown is one the author could have written: its text re-parses to the
    same tree and, as :expect:, verifies in the author's own directive."""
    problem = build_problem(kind, argument, list(content), dict(options))
    derived = index_free(problem)
    assert derived is not None
    assert parse_expression(derived.text) == parse_expression(to_text(derived.tree))
    pasted = run(kind, argument, content, **{**options, "expect": derived.text})
    assert pasted.status == VERIFIED, (derived.text, pasted.message)


def test_a_derived_form_is_not_shown_at_a_size_the_directive_excludes():
    """:where: n > 1 excludes n = 1: the form is verified (and shown) on the others."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, where="n > 1")
    assert outcome.status == VERIFIED
    assert outcome.badge.startswith(DERIVED)
    assert "sizes 2, 3" in outcome.badge


# --- Known mistakes and :correct: -------------------------------------------------

def test_a_mistake_with_a_correction_shows_the_authors_correction():
    """:correct: is the author's; no derived form replaces it in the box."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="2 * x.T @ A",
                  mistake=None, correct="x.T @ (A.T + A)",
                  reason="A is not symmetric")
    assert outcome.status == VERIFIED and outcome.mistake
    assert outcome.math[-1].endswith(
        r"= \mathbf{x}^{\top} \left(\mathbf{A}^{\top} + \mathbf{A}\right)")


def test_a_mistake_that_holds_still_fails():
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="x.T @ (A + A.T)",
                  mistake=None)
    assert outcome.status == FAILED and outcome.subtype == "mistake"


def test_a_wrong_correction_still_fails_and_is_not_replaced():
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="x.T @ A",
                  mistake=None, correct="2 * x.T @ A")
    assert outcome.status == FAILED and outcome.subtype == "correct"
    assert outcome.option == "correct"


def test_a_shape_mistake_keeps_its_message():
    """A column claimed in numerator layout is a known mistake of shape: confirmed."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="2 * A @ x",
                  mistake=None)
    assert outcome.status == VERIFIED and outcome.mistake
    assert "the claim is a column vector of length n" in outcome.message


# --- Layout suggestions on a shape error ----------------------------------------------

def test_a_transposed_shape_that_does_not_hold_gets_no_layout_suggestion():
    """(2 A x).T = 2 x.T A.T is the derivative only for a symmetric A: not offered."""
    outcome = run("gradient", "x.T @ A @ x", **QUADRATIC, expect="2 * A @ x")
    assert outcome.subtype == "shape"
    assert "did you mean" not in outcome.message


def test_a_layout_suggestion_pasted_back_verifies():
    options = {"wrt": "x[n]", "vars": "a[n], B[n, n]", "expect": "B.T @ a"}
    outcome = run("gradient", "a.T @ (B @ x)", **options)
    offered = SUGGESTION.search(outcome.message)
    assert offered is not None and offered.group(1) == "a.T @ B"
    assert _pasted("gradient", "a.T @ (B @ x)", options, offered.group(1)).status == \
        VERIFIED


# --- Messages in the author's words -------------------------------------------------

@pytest.mark.parametrize("expect", ["-(x**2)", "x - (x - 2*x)", "(2 * x).T", "x / 2 / 3",
                                    "-x**2 / (1 + x)"])
def test_the_claim_is_quoted_exactly_as_written(expect):
    outcome = run("gradient", "x**3", wrt="x", expect=expect)
    assert outcome.status == FAILED
    assert outcome.message.startswith(f"claimed {expect} but the derivative is 3 * x**2;")


def test_a_claim_about_abstract_functions_is_not_named_by_a_form():
    """The engine is not asked about abstract functions: SymPy's words, as before."""
    outcome = run("derivative", "f(g(x))", wrt="x", functions="f, g",
                  expect="f'(g(x))")
    assert outcome.status in (FAILED, "error")
    assert "but the derivative is" not in outcome.message.split(";")[0]
