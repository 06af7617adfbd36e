"""Right claims verify and wrong claims fail, across every kind of derivation.

These run the whole core (parse, evaluate, differentiate, sample, compare) without
Sphinx. The wrong claims include the classic traps: a sign, a transpose, a constant
factor, a tiny offset, and claims that hold only at size 1.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

D, G, J, C = "derivative", "gradient", "jacobian", "chain-rule"

RIGHT = [
    # scalar rules
    (D, "99", [], {"wrt": "x", "expect": "0"}),
    (D, "3*x", [], {"wrt": "x", "expect": "3"}),
    (D, "x**3", [], {"wrt": "x", "expect": "3*x**2"}),
    (D, "x^2 + 3*x", [], {"wrt": "x", "expect": "2*x + 3"}),
    (D, "x**2 - 3*x", [], {"wrt": "x", "expect": "2*x - 3"}),
    (D, "x**2 * x", [], {"wrt": "x", "expect": "3*x**2"}),
    (D, "log(x**2)", [], {"wrt": "x", "expect": "2/x"}),
    (D, "ln(x)", [], {"wrt": "x", "expect": "1/x"}),
    (D, "sqrt(x**2 + 1)", [], {"wrt": "x", "expect": "x / sqrt(x**2 + 1)"}),
    (D, "exp(2*x)", [], {"wrt": "x", "expect": "2*exp(2*x)"}),
    (D, "sin(3*x)", [], {"wrt": "x", "expect": "3*cos(3*x)"}),
    (D, "tan(x)", [], {"wrt": "x", "expect": "1 + tan(x)**2"}),
    (D, "tanh(x)", [], {"wrt": "x", "expect": "1 - tanh(x)**2"}),
    (D, "sigmoid(x)", [], {"wrt": "x", "expect": "sigmoid(x) * (1 - sigmoid(x))"}),
    (D, "log(1 + exp(x))", [], {"wrt": "x", "expect": "sigmoid(x)"}),
    (D, "abs(x)", [], {"wrt": "x", "expect": "where(x > 0, 1, -1)"}),
    (D, "relu(x)", [], {"wrt": "x", "expect": "where(x > 0, 1, 0)"}),
    (D, "max(0, x)", [], {"wrt": "x", "where": "x > 0", "expect": "1"}),
    (D, "x**2", [], {"wrt": "x", "where": "x > 5", "expect": "2*x"}),  # outside [-2, 2]
    (D, "alpha * x**2 / 2", [], {"wrt": "x", "expect": "alpha * x"}),
    (D, "pi * x", [], {"wrt": "x", "expect": "pi"}),
    (D, "0.5 * x**2", [], {"wrt": "x", "expect": "x"}),
    # logistic loss of a logit
    (D, "-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))", [],
     {"wrt": "z", "expect": "sigmoid(z) - y"}),
    # gradients
    (G, "3*x**2*y", [], {"wrt": "x, y", "expect": "[[6*x*y, 3*x**2]]"}),
    (G, "3*x**2*y", [], {"wrt": "x, y", "expect": "[6*x*y, 3*x**2]",
                         "layout": "denominator"}),
    (G, "w @ x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "x.T"}),
    (G, "dot(w, x)", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "x.T"}),
    (G, "w @ x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "x", "layout": "denominator"}),
    (G, "w @ x + b", [], {"wrt": "w[n], b", "vars": "x[n]", "expect": "[[x.T, 1]]"}),
    (G, "sum(x)", [], {"wrt": "x[n]", "expect": "ones(n).T"}),
    (G, "sum(x * z)", [], {"wrt": "x[n], z", "expect": "[[z * ones(n).T, sum(x)]]"}),
    (G, "mean(x)", [], {"wrt": "x[n]", "expect": "ones(n).T / n"}),
    (G, "x.T @ S @ x", [], {"wrt": "x[n]", "vars": "S[n, n]", "expect": "x.T @ (S + S.T)"}),
    (G, "norm(x)**2", [], {"wrt": "x[n]", "expect": "2 * x.T"}),
    (G, "mean((X @ w + b - y)**2)", [],
     {"wrt": "w[n], b", "vars": "X[N, n], y[N]",
      "expect": "2/N * [[(X @ w + b - y).T @ X, sum(X @ w + b - y)]]"}),
    (G, "sum(log(1 + exp(X @ w)))", [],
     {"wrt": "w[n]", "vars": "X[N, n]", "expect": "sigmoid(X @ w).T @ X"}),
    # Jacobians
    (J, "", ["f = 3*x**2*y", "g = 2*x + y**8"],
     {"wrt": "x, y", "expect": "[[6*x*y, 3*x**2], [2, 8*y**7]]"}),
    (J, "x", [], {"wrt": "x[n]", "expect": "I"}),
    (J, "x", [], {"wrt": "x[n]", "expect": "eye(n)"}),
    (J, "w + x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "I"}),
    (J, "w - x", [], {"wrt": "x[n]", "vars": "w[n]", "expect": "-I"}),
    (J, "w * x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "diag(x)"}),
    (J, "w * x", [], {"wrt": "x[n]", "vars": "w[n]", "expect": "diag(w)"}),
    (J, "w / x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "diag(1/x)"}),
    (J, "w / x", [], {"wrt": "x[n]", "vars": "w[n]", "expect": "diag(-w / x**2)"}),
    (J, "x * z", [], {"wrt": "z", "vars": "x[n]", "expect": "x"}),
    (J, "A @ x", [], {"wrt": "x[n]", "vars": "A[m, n]", "expect": "A"}),
    (J, "A @ x", [], {"wrt": "x[n]", "vars": "A[m, n]", "expect": "A.T",
                      "layout": "denominator"}),
    (J, "tanh(x)", [], {"wrt": "x[n]", "expect": "diag(1 - tanh(x)**2)"}),
    (J, "sigmoid(x)", [], {"wrt": "x[3]", "expect": "diag(sigmoid(x) * (1 - sigmoid(x)))"}),
    (J, "max(0, x)", [], {"wrt": "x[n]", "where": "x > 0", "expect": "I"}),
    (J, "[log(x**2), sin(3*x)]", [], {"wrt": "x", "expect": "[2/x, 3*cos(3*x)]"}),
    # chain rules
    (C, "", ["g = [x**2, 3*x]", "y = [log(g1), sin(g2)]"],
     {"wrt": "x", "expect": "[2/x, 3*cos(3*x)]"}),
    (C, "", ["u = x**2", "y = sin(u)"], {"wrt": "x", "expect": "2*x*cos(x**2)"}),
    (C, "", ["u1 = x**2", "u2 = x + u1"], {"wrt": "x", "expect": "1 + 2*x"}),
    (C, "", ["u = w * x", "y = sum(u)"], {"wrt": "w[n]", "vars": "x[n]", "expect": "x.T"}),
    (C, "", ["z = w @ x + b", "a = max(0, z)"],
     {"wrt": "w[n], b", "vars": "x[n]", "where": "w @ x + b > 0", "expect": "[[x.T, 1]]"}),
    (C, "", ["z = w @ x + b", "a = max(0, z)"],
     {"wrt": "w[n], b", "vars": "x[n]", "where": "w @ x + b < 0", "expect": "zeros(1, n + 1)"}),
    (C, "", ["z = w @ x + b", "a = max(0, z)"],
     {"wrt": "x[n]", "vars": "w[n]", "where": "w @ x + b > 0", "expect": "w.T"}),
    (C, "", ["z = X @ w + b", "a = max(0, z)", "e = a - y", "loss = mean(e**2)"],
     {"wrt": "w[n]", "vars": "X[N, n], y[N]", "where": "X @ w + b > 0",
      "expect": "2/N * (X @ w + b - y).T @ X"}),
    (C, "", ["z = X @ w + b", "a = max(0, z)", "e = a - y", "loss = mean(e**2)"],
     {"wrt": "b", "vars": "X[N, n], y[N], w[n]", "where": "X @ w + b > 0",
      "expect": "2/N * sum(X @ w + b - y)"}),
    (C, "", ["z = w @ x + b", "p = sigmoid(z)", "loss = -(y*log(p) + (1 - y)*log(1 - p))"],
     {"wrt": "w[n]", "vars": "x[n]", "expect": "(sigmoid(w @ x + b) - y) * x.T"}),
]

WRONG = [
    (D, "log(x**2)", [], {"wrt": "x", "expect": "1/x"}),             # factor
    (D, "log(x**2)", [], {"wrt": "x", "expect": "2/x + 1e-9"}),      # tiny offset
    (D, "x**2 * x", [], {"wrt": "x", "expect": "x**2 + 2*x**2 + 1"}),
    (D, "sin(3*x)", [], {"wrt": "x", "expect": "cos(3*x)"}),         # missing chain factor
    (D, "exp(-x)", [], {"wrt": "x", "expect": "exp(-x)"}),           # sign
    (D, "sigmoid(x)", [], {"wrt": "x", "expect": "sigmoid(x) * (1 + sigmoid(x))"}),
    (D, "relu(x)", [], {"wrt": "x", "expect": "1"}),                 # holds only for x > 0
    (G, "3*x**2*y", [], {"wrt": "x, y", "expect": "[[6*x*y, 3*x]]"}),
    (G, "sum(x)", [], {"wrt": "x[n]", "expect": "2 * ones(n).T"}),
    (G, "x.T @ S @ x", [], {"wrt": "x[n]", "vars": "S[n, n]", "expect": "2 * x.T @ S"}),
    (G, "mean((X @ w - y)**2)", [], {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                     "expect": "2 * (X @ w - y).T @ X"}),  # missing 1/N
    (J, "", ["f = 3*x**2*y", "g = 2*x + y**8"],
     {"wrt": "x, y", "expect": "[[6*x*y, 3*x**2], [2, 7*y**6]]"}),
    (J, "x", [], {"wrt": "x[n]", "expect": "ones(n) @ ones(n).T"}),  # holds at n=1 only
    (J, "w * x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "diag(w)"}),
    (J, "w / x", [], {"wrt": "x[n]", "vars": "w[n]", "expect": "diag(w / x**2)"}),
    (J, "A @ x", [], {"wrt": "x[n]", "vars": "A[n, n]", "expect": "A.T"}),   # transpose
    (C, "", ["g = [x**2, 3*x]", "y = [log(g1), sin(g2)]"],
     {"wrt": "x", "expect": "[2/x, cos(3*x)]"}),
    (C, "", ["u1 = x**2", "u2 = x + u1"], {"wrt": "x", "expect": "2*x"}),  # missing direct term
    (C, "", ["z = w @ x + b", "a = max(0, z)"],
     {"wrt": "w[n], b", "vars": "x[n]", "expect": "[[x.T, 1]]"}),   # no :where:
]


def _id(case: tuple) -> str:
    kind, argument, content, options = case
    return f"{kind}:{argument or ';'.join(content)}:{options.get('expect')}"


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_right_claim_verifies(case):
    outcome = check(*case)
    assert outcome.status == "verified", outcome.message
    assert outcome.points >= 5


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_wrong_claim_fails(case):
    outcome = check(*case)
    assert outcome.status == "failed", (outcome.status, outcome.message)
    assert outcome.subtype == "mismatch"
    assert "claim does not hold at" in outcome.message


@pytest.mark.parametrize("case", [c for c in WRONG if c[0] != C or "where" not in c[3]][:8],
                         ids=_id)
def test_wrong_claim_marked_as_mistake_is_verified(case):
    kind, argument, content, options = case
    outcome = check(kind, argument, content, {**options, "mistake": None})
    assert outcome.status == "verified" and outcome.mistake
    assert outcome.badge.startswith("Known mistake, confirmed wrong: ")


def test_right_claim_marked_as_mistake_fails():
    outcome = check(*RIGHT[6][:3], {**RIGHT[6][3], "mistake": None})
    assert outcome.status == "failed" and outcome.subtype == "mistake"


@pytest.mark.parametrize("case, hint", [
    ((D, "exp(-x)", [], {"wrt": "x", "expect": "exp(-x)"}), "the sign is wrong"),
    ((D, "log(x**2)", [], {"wrt": "x", "expect": "1/x"}),
     "it is 1/2 times the derivative: check the constant factor"),
    ((J, "A @ x", [], {"wrt": "x[n]", "vars": "A[n, n]", "expect": "A.T"}),
     "it holds at n=1 but not at every size"),
    ((J, "A @ x", [], {"wrt": "x[2]", "vars": "A[2, 2]", "expect": "A.T"}),
     "it is the transpose of the derivative: check the layout"),
    ((G, "sum(w)", [], {"wrt": "w[n]", "expect": "n * ones(n).T"}),
     "it is 2 times the derivative at n=2: check the constant factor; it holds at n=1"),
    ((D, "relu(x)", [], {"wrt": "x", "expect": "1"}),
     "the derivative is piecewise: restrict the region with :where:"),
], ids=lambda v: v if isinstance(v, str) else _id(v))
def test_mismatch_hints_name_the_likely_cause(case, hint):
    outcome = check(*case)
    assert outcome.status == "failed" and hint in outcome.message, outcome.message


def test_no_piecewise_hint_for_a_claim_wrong_on_every_piece():
    # 1/|x| is sign(x) on no piece: restricting the region would not mend it
    outcome = check(G, "norm(x)", [], {"wrt": "x[n]", "expect": "x.T / norm(x)**2"})
    assert outcome.status == "failed"
    assert "piecewise" not in outcome.message, outcome.message


def test_a_derivative_entry_that_is_a_number_is_not_given_twice():
    # the Hessian of logsumexp at n = 1 is 0: "the derivative is 0", not "0 -> 0"
    outcome = check("hessian", "logsumexp(x)", [], {"wrt": "x[n]",
                                                    "expect": "diag(softmax(x))"})
    assert outcome.status == "failed"
    assert outcome.message.endswith("the claim is 1 there but the derivative is 0"), \
        outcome.message


def test_step_functions_are_resolved_inside_the_region_in_messages():
    outcome = check(C, "", ["z = w @ x + b", "a = max(0, z)"],
                    {"wrt": "w[n], b", "vars": "x[n]", "where": "w @ x + b > 0",
                     "expect": "[[w.T, 1]]"})
    assert outcome.status == "failed"
    assert "Heaviside" not in outcome.message and "derivative's is x[1] " in outcome.message


@pytest.mark.parametrize("argument, expect", [("x/0", None), ("log(0*x)", None),
                                              ("x", "1/0")])
def test_undefined_everywhere_is_a_domain_error(argument, expect):
    options = {"wrt": "x"} | ({"expect": expect} if expect else {})
    outcome = check(D, argument, [], options)
    assert outcome.status == "error" and outcome.subtype == "domain"
    assert "undefined everywhere" in outcome.message
    assert outcome.option == ("expect" if expect else None)


def test_rendered_math_uses_the_real_shapes():
    outcome = check(G, "sum(y * (X @ w))", [], {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                                "expect": "y.T @ X"})
    assert r"\mathbf{y} \odot \left(\mathbf{X} \mathbf{w}\right)" in outcome.math[-1]


def test_total_derivative_form_distinguishes_d_from_partial():
    outcome = check(C, "", ["z = W @ x", "y = x @ z"], {"wrt": "x[n]", "vars": "W[n, n]"})
    assert outcome.ok
    assert outcome.math[-1].startswith(
        r"\frac{\mathrm{d} y}{\mathrm{d} \mathbf{x}} = \frac{\partial y}{\partial \mathbf{x}} + ")


def test_a_mistake_of_shape_is_a_confirmed_mistake():
    options = {"wrt": "w[n]", "vars": "x[n]", "where": "w @ x + b > 0", "expect": "x"}
    content = ["z = w @ x + b", "a = max(0, z)"]
    assert check(C, "", content, options).subtype == "shape"  # without :mistake:
    outcome = check(C, "", content, {**options, "mistake": ""})
    assert outcome.status == "verified" and outcome.mistake
    assert "transpose the claim with .T" in outcome.badge
    # the correct value is the chain's composite, index-free (verified), not entries;
    # on the region w @ x + b > 0 the ReLU's indicator is 1 (indexfree/region.py)
    assert outcome.math[-1].startswith(
        r"\frac{\partial a}{\partial \mathbf{w}} = \mathbf{x}^{\top}\qquad "
        r"\text{for }"), outcome.math[-1]


def test_repeated_checks_give_equal_but_independent_outcomes():
    case = RIGHT[6]
    first, second = check(*case), check(*case)
    assert first == second and first is not second
    first.math.append("changed")
    assert check(*case).math == second.math


# Wrong claims that only a careless checker would pass: wrong on part of the domain
# (near 0, beyond 2, on one side of a kink), off by a tiny amount, or confusing sizes
# when there are more size names than sizes.
SUBTLY_WRONG = [
    # too large to prove exactly, and wrong by a hair
    (D, "(sin(x)**2 + cos(x)**2)**30 * x", [], {"wrt": "x", "expect": "1 + 10**-30"}),
    # wrong by less than the points can see: only exact simplification tells (of the
    # expression as written: its expansion hides the constant from simplify)
    (D, "tanh(x)", [], {"wrt": "x", "expect": "4*exp(2*x)/(exp(2*x) + 1)**2 + 10**-45"}),
    (D, "(x + y + 2)**20", [], {"wrt": "x",
                                "expect": "(20*x + 20*y + 40)*(x + y + 2)**18 + 10**-45"}),
    # slow entries must not use up the time that finds a wrong one after them
    (J, "", ["f = tanh(x)", "g = tanh(y)", "h = tanh(z)", "k = w**2"],
     {"wrt": "x, y, z, w", "expect": "[[4*exp(2*x)/(exp(2*x) + 1)**2, 0, 0, 0], "
      "[0, 4*exp(2*y)/(exp(2*y) + 1)**2, 0, 0], [0, 0, 4*exp(2*z)/(exp(2*z) + 1)**2, 0], "
      "[0, 0, 0, 2*w + 10**-45]]"}),
    (D, "max(x, 3/2)", [], {"wrt": "x", "expect": "0"}),
    (D, "where(x > -3/2, x**2, 0)", [], {"wrt": "x", "expect": "2*x"}),
    (D, "abs(x - 1/10)", [], {"wrt": "x", "expect": "where(x > 0, 1, -1)"}),
    (D, "relu(x + 1/10)", [], {"wrt": "x", "expect": "where(x > 0, 1, 0)"}),
    (D, "abs(x)", [], {"wrt": "x", "expect": "where(x > 0.1, 1, -1)"}),
    (D, "x**3", [], {"wrt": "x", "expect": "3*x**2 + where(x > 2.5, 1, 0)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "2*x + relu(x - 5)"}),
    (D, "relu(x)", [], {"wrt": "x", "expect": "where(x > -0.15, 1, 0)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "2*x + 1/10**30"}),
    (D, "x**2", [], {"wrt": "x", "expect": "2*x*(1 + 1/10**26)"}),
    (D, "exp(x)", [], {"wrt": "x", "expect": "exp(x)*(1 + 1/10**45)"}),
    (D, "sin(x)", [], {"wrt": "x", "expect": "cos(x)*(1 + 1/10**35)"}),
    (G, "w @ x", [], {"wrt": "w[n]", "vars": "x[n]", "expect": "x.T + 1/10**30*ones(n).T"}),
    (G, "sum(w) / n", [], {"wrt": "w[n]", "vars": "A[m, p], b[q]", "expect": "ones(n).T / q"}),
    (G, "mean(h) * sum(w)", [], {"wrt": "w[n]", "vars": "X[N, n], V[k, m], h[m], c[q]",
                                 "expect": "sum(h)/n*ones(n).T"}),
]


@pytest.mark.parametrize("case", SUBTLY_WRONG, ids=_id)
def test_subtly_wrong_claims_fail_even_with_no_time_to_simplify(case, monkeypatch):
    """Soundness must not depend on the machine's load: with simplification cut short
    at once, the 150-digit points still catch every one of these."""
    from sphinx_vcr.core.checking import compare
    from sphinx_vcr.core.running import verify

    monkeypatch.setattr(compare, "EXACT_SECONDS", 1e-4)
    monkeypatch.setattr(verify, "_memo", verify.OrderedDict())
    outcome = check(*case)
    assert outcome.status == "failed", outcome.message


@pytest.mark.parametrize("case", SUBTLY_WRONG, ids=_id)
def test_subtly_wrong_claims_fail(case):
    outcome = check(*case)
    assert outcome.status == "failed", outcome.message


@pytest.mark.parametrize("case", [
    (J, "[x*y, x + y]", [], {"wrt": "x, y", "where": "x > 1.99", "expect": "[[y, x], [1, 1]]"}),
    (J, "[x*y, x+y, x-y]", [], {"wrt": "x, y", "where": "x > 1.9, y > 1.9",
                                "expect": "[[y, x], [1, 1], [1, -1]]"}),
    (D, "1e12*x", [], {"wrt": "x", "expect": "1e12"}),
    (D, "abs(sin(50*x))", [], {"wrt": "x", "expect":
                               "where(sin(50*x) > 0, 50*cos(50*x), -50*cos(50*x))"}),
    (D, "log(2 + sin(150*x))", [], {"wrt": "x", "expect": "150*cos(150*x)/(2 + sin(150*x))"}),
    (D, "sqrt(x)", [], {"wrt": "x", "expect": "1/(2*sqrt(abs(x)))"}),
    (D, "max(x, 3/2)", [], {"wrt": "x", "expect": "where(x > 3/2, 1, 0)"}),
    # identities that exact simplification would take many seconds (or forever) to
    # prove: the points decide them within the time limit
    (D, "(sin(x)**2 + cos(x)**2)**30 * x", [], {"wrt": "x", "expect": "1"}),
    (D, "(sin(x)**2 + cos(x)**2)**20 * x", [], {"wrt": "x", "expect": "1"}),
    (J, "(sin(x)**2 + cos(x)**2)**25 * x", [], {"wrt": "x[n]", "expect": "eye(n)"}),
    (D, "x*(x + y + z + w + u + v)**(61/2)", [], {"wrt": "x", "expect":
        "(x + y + z + w + u + v + 61/2*x)*(x + y + z + w + u + v)**(59/2)"}),
], ids=_id)
def test_correct_claims_in_hard_places_verify(case):
    outcome = check(*case)
    assert outcome.status == "verified", outcome.message


@pytest.mark.parametrize("case, status, text", [
    ((G, "where(n > 1, sum(x), 0)", [], {"wrt": "x[n]"}), "verified", ""),
    ((G, "sum(x)", [], {"wrt": "x[n]", "where": "n > 1", "expect": "ones(n).T"}),
     "verified", ""),
    ((G, "sum(x)", [], {"wrt": "x[n]", "where": "n > 5"}), "error",
     "excludes every size"),
    ((D, "x**2", [], {"wrt": "x", "where": "0 > 1"}), "error", "never holds"),
    ((D, "x", [], {"wrt": "x", "expect": "1e999999999"}), "error", "out of range"),
    ((D, "x * (10**999)**5", [], {"wrt": "x"}), "error", "too many digits"),
    ((J, "x", [], {"wrt": "x[n]", "expect": "eye(64*64*64)"}), "error", "sizes go from 1"),
    ((D, "+".join(["x"] * 60), [], {"wrt": "x", "expect": "60"}), "verified", ""),
    ((C, "", ["u = x + b", "v = [u, 2*u]", "y = v1 + v2*v_2"], {"wrt": "x"}), "error",
     "'v_2' clashes with entry 2 of 'v'"),
    ((D, "f*x", [], {"wrt": "x", "expect": "f"}), "verified", ""),
    ((D, "x**2", [], {"wrt": "x", "expect": "2*f/x"}), "failed", ""),
    ((D, "x + sqrt(log(0.5))", [], {"wrt": "x"}), "error", "no finite real value"),
    ((C, "", ["z = w @ x + b", "a = max(0, z)"],
      {"wrt": "w[3], b", "vars": "x[3]", "where": "w @ x + b > 0", "expect": "[[x.T, 1]]"}),
     "verified", ""),
], ids=lambda v: v if isinstance(v, str) else _id(v) if isinstance(v, tuple) else None)
def test_edge_cases_found_in_review(case, status, text):
    outcome = check(*case)
    assert outcome.status == status and text in outcome.message, outcome.message


@pytest.mark.parametrize("case, hint", [
    ((C, "", ["u1 = x**2", "u2 = x + u1"], {"wrt": "x", "expect": "2*x"}),
     "it leaves out the direct term"),
    ((C, "", ["u1 = x**2", "u2 = x + u1"], {"wrt": "x", "expect": "1"}),
     "it leaves out the path through u1"),
    ((C, "", ["u = 3*x", "y = sin(u)"], {"wrt": "x", "expect": "cos(3*x)"}),
     "it leaves out the factor du/dx"),
    ((D, "abs(x - 1/10)", [], {"wrt": "x", "expect": "where(x > 0, 1, -1)"}),
     "it holds on part of the domain only"),
], ids=lambda v: v if isinstance(v, str) else _id(v))
def test_hints_for_chain_terms_and_partial_domains(case, hint):
    outcome = check(*case)
    assert outcome.status == "failed" and hint in outcome.message, outcome.message


@pytest.mark.parametrize("content, line, text", [
    (["u = x**2", "y = sin(v)"], 1, "v is neither defined by a step nor declared"),
    (["u = x**2", "w = 3*x", "y = sin(u)"], 1, "no later step uses w"),
])
def test_a_chain_step_that_feeds_nothing_is_a_located_error(content, line, text):
    outcome = check(C, "", content, {"wrt": "x", "expect": "2*x*cos(x**2)"})
    assert (outcome.status, outcome.subtype, outcome.line) == ("error", "parse", line)
    assert outcome.message.startswith(text)
