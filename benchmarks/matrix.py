"""``python -m benchmarks.matrix [--rounds N] [--profile NAME]``: matrix identities.

Issue 13 asks that no identity of the Matrix Cookbook kind take more than a second to
verify, and that SymPy prove it exactly wherever it can. Each case is one directive in
our syntax: the identities of the Cookbook (Petersen & Pedersen, November 2012) by
equation number, as listed in the issue's acceptance set, and the issue's own examples
(the ratio of quadratic forms, softmax cross-entropy on the simplex, the two-layer
network by ``W1``), and the tour's network without ``:where:``, where the probes cover
both sides of every hidden unit's kink. Each is checked by the core directly (no
Sphinx, no cache), at the default sizes 1, 2, 3, each without SymPy's cache of earlier
checks; the figure is the median CPU time over the rounds, after a warm-up. It
prints a table (seconds, whether the proof was exact) and, with ``--profile``, a
cProfile of the named cases; it writes nothing unless ``--write`` names a file.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from io import StringIO
from pathlib import Path

import sympy

from sphinx_vcr.core.outcome import Outcome
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

D, G, J, H = "derivative", "gradient", "jacobian", "hessian"
SQ = "A[n, n], B[n, n]"
X = "X[n, n]"
DEN = {"layout": "denominator"}


def _g(body: str, wrt: str, vars_: str, expect: str, **more: str) -> tuple:
    options = {"wrt": wrt, "expect": expect, **DEN, **more}
    if vars_:
        options["vars"] = vars_
    return (G, body, options)


def _d(body: str, wrt: str, vars_: str, expect: str, **more: str) -> tuple:
    options = {"wrt": wrt, "expect": expect, **more}
    if vars_:
        options["vars"] = vars_
    return (D, body, options)


QUADRATIC_RATIO = ("((A + A.T) @ x * (x.T @ B @ x) - (x.T @ A @ x) * (B + B.T) @ x)"
                   " / (x.T @ B @ x)**2")
SOFTMAX = "exp(z) / sum(exp(z))"
TOUR_LET = "z = W1 @ x + b1, a = relu(z), e = W2 @ a + b2 - y"
TOUR_VARS_W1 = "x[n], b1[h], W2[k, h], b2[k], y[k]"
TOUR_W1 = "2 * ((W2.T @ e) * where(z > 0, 1, 0)) @ x.T"
NET_BODY = "norm(W2 @ relu(W1 @ x + b1) + b2 - y)**2"

#: name -> (kind, body, options); a name starting with "(" is a Cookbook equation.
CASES: dict[str, tuple] = {
    # 2.1 determinant
    "(46) d det(A + x B)/dx": _d("det(A + x*B)", "x", SQ,
                                 "det(A + x*B) * trace(inv(A + x*B) @ B)"),
    "(49) d det(X)/dX": _g("det(X)", X, "", "det(X) * inv(X).T"),
    "(51) d det(A X B)/dX": _g("det(A @ X @ B)", X, SQ, "det(A @ X @ B) * inv(X).T"),
    "(57) d logdet(X)/dX": _g("logdet(X)", X, "", "inv(X).T"),
    # 2.2 inverse
    "(59) d inv(A + x B)/dx": _d("inv(A + x*B)", "x", SQ,
                                 "-inv(A + x*B) @ B @ inv(A + x*B)"),
    "(61) d a.T inv(X) b/dX": _g("a.T @ inv(X) @ b", X, "a[n], b[n]",
                                 "-inv(X).T @ a @ b.T @ inv(X).T"),
    "(62) d det(inv(X))/dX": _g("det(inv(X))", X, "", "-det(inv(X)) * inv(X).T"),
    "(63) d tr(A inv(X) B)/dX": _g("trace(A @ inv(X) @ B)", X, SQ,
                                   "-(inv(X) @ B @ A @ inv(X)).T"),
    "(64) d tr(inv(X + A))/dX": _g("trace(inv(X + A))", X, "A[n, n]",
                                   "-(inv(X + A) @ inv(X + A)).T"),
    # 2.4.1 first order
    "(69) d x.T a/dx": _g("x.T @ a", "x[n]", "a[n]", "a"),
    "(70) d a.T X b/dX": _g("a.T @ X @ b", "X[m, n]", "a[m], b[n]", "a @ b.T"),
    "(71) d a.T X.T b/dX": _g("a.T @ X.T @ b", "X[m, n]", "a[n], b[m]", "b @ a.T"),
    "(72) d a.T X a/dX": _g("a.T @ X @ a", X, "a[n]", "a @ a.T"),
    # 2.4.2 second order
    "(77) d b.T X.T X c/dX": _g("b.T @ X.T @ X @ c", "X[m, n]", "b[n], c[n]",
                                "X @ (b @ c.T + c @ b.T)"),
    "(78) d (Bx + b).T C (Dx + d)/dx": _g(
        "(B @ x + b).T @ C @ (D @ x + d)", "x[n]", "B[m, n], b[m], C[m, m], D[m, n], d[m]",
        "B.T @ C @ (D @ x + d) + D.T @ C.T @ (B @ x + b)"),
    "(81) d x.T B x/dx": _g("x.T @ B @ x", "x[n]", "B[n, n]", "(B + B.T) @ x"),
    "(82) d b.T X.T D X c/dX": _g("b.T @ X.T @ D @ X @ c", "X[m, n]", "b[n], c[n], D[m, m]",
                                  "D.T @ X @ b @ c.T + D @ X @ c @ b.T"),
    "(83) d (Xb + c).T D (Xb + c)/dX": _g(
        "(X @ b + c).T @ D @ (X @ b + c)", "X[m, n]", "b[n], c[m], D[m, m]",
        "(D + D.T) @ (X @ b + c) @ b.T"),
    "(84) d/ds (x - As).T W (x - As)": _g(
        "(x - A @ s).T @ W @ (x - A @ s)", "s[n]", "x[m], A[m, n], W[m, m] symmetric",
        "-2 * A.T @ W @ (x - A @ s)"),
    "(85) d/dx (x - s).T W (x - s)": _g("(x - s).T @ W @ (x - s)", "x[n]",
                                        "s[n], W[n, n] symmetric", "2 * W @ (x - s)"),
    "(86) d/ds (x - s).T W (x - s)": _g("(x - s).T @ W @ (x - s)", "s[n]",
                                        "x[n], W[n, n] symmetric", "-2 * W @ (x - s)"),
    "(87) d/dx (x - As).T W (x - As)": _g(
        "(x - A @ s).T @ W @ (x - A @ s)", "x[m]", "s[n], A[m, n], W[m, m] symmetric",
        "2 * W @ (x - A @ s)"),
    "(88) d/dA (x - As).T W (x - As)": _g(
        "(x - A @ s).T @ W @ (x - A @ s)", "A[m, n]", "x[m], s[n], W[m, m] symmetric",
        "-2 * W @ (x - A @ s) @ s.T"),
    # 2.5.1 traces, first order
    "(99) d tr(X)/dX": _g("trace(X)", X, "", "eye(n)"),
    "(100) d tr(X A)/dX": _g("trace(X @ A)", X, "A[n, n]", "A.T"),
    "(101) d tr(A X B)/dX": _g("trace(A @ X @ B)", "X[m, n]", "A[k, m], B[n, k]",
                               "A.T @ B.T"),
    "(102) d tr(A X.T B)/dX": _g("trace(A @ X.T @ B)", "X[m, n]", "A[k, n], B[m, k]",
                                 "B @ A"),
    "(103) d tr(X.T A)/dX": _g("trace(X.T @ A)", "X[m, n]", "A[m, n]", "A"),
    "(104) d tr(A X.T)/dX": _g("trace(A @ X.T)", "X[m, n]", "A[m, n]", "A"),
    "(105) d tr(kron(A, X))/dX": _g("trace(kron(A, X))", X, "A[m, m]", "trace(A) * eye(n)"),
    # 2.5.2 traces, second order
    "(106) d tr(X X)/dX": _g("trace(X @ X)", X, "", "2 * X.T"),
    "(107) d tr(X X B)/dX": _g("trace(X @ X @ B)", X, "B[n, n]", "(X @ B + B @ X).T"),
    "(108) d tr(X.T B X)/dX": _g("trace(X.T @ B @ X)", "X[m, n]", "B[m, m]",
                                 "B @ X + B.T @ X"),
    "(109) d tr(B X X.T)/dX": _g("trace(B @ X @ X.T)", "X[m, n]", "B[m, m]",
                                 "B @ X + B.T @ X"),
    "(110) d tr(X X.T B)/dX": _g("trace(X @ X.T @ B)", "X[m, n]", "B[m, m]",
                                 "B @ X + B.T @ X"),
    "(111) d tr(X B X.T)/dX": _g("trace(X @ B @ X.T)", "X[m, n]", "B[n, n]",
                                 "X @ B.T + X @ B"),
    "(112) d tr(B X.T X)/dX": _g("trace(B @ X.T @ X)", "X[m, n]", "B[n, n]",
                                 "X @ B.T + X @ B"),
    "(113) d tr(X.T X B)/dX": _g("trace(X.T @ X @ B)", "X[m, n]", "B[n, n]",
                                 "X @ B.T + X @ B"),
    "(114) d tr(A X B X)/dX": _g("trace(A @ X @ B @ X)", X, SQ,
                                 "A.T @ X.T @ B.T + B.T @ X.T @ A.T"),
    "(115) d tr(X.T X)/dX": _g("trace(X.T @ X)", "X[m, n]", "", "2 * X"),
    "(116) d tr(B.T X.T C X B)/dX": _g("trace(B.T @ X.T @ C @ X @ B)", "X[m, n]",
                                       "B[n, k], C[m, m]",
                                       "C.T @ X @ B @ B.T + C @ X @ B @ B.T"),
    "(117) d tr(X.T B X C)/dX": _g("trace(X.T @ B @ X @ C)", "X[m, n]", "B[m, m], C[n, n]",
                                   "B @ X @ C + B.T @ X @ C.T"),
    "(118) d tr(A X B X.T C)/dX": _g("trace(A @ X @ B @ X.T @ C)", "X[m, n]",
                                     "A[k, m], B[n, n], C[m, k]",
                                     "A.T @ C.T @ X @ B.T + C @ A @ X @ B"),
    "(119) d tr((AXB + C)(AXB + C).T)/dX": _g(
        "trace((A @ X @ B + C) @ (A @ X @ B + C).T)", "X[m, n]",
        "A[k, m], B[n, l], C[k, l]", "2 * A.T @ (A @ X @ B + C) @ B.T"),
    "(120) d tr(kron(X, X))/dX": _g("trace(kron(X, X))", X, "", "2 * trace(X) * eye(n)"),
    # 2.5.4 other
    "(124) d tr(A inv(X) B)/dX": _g("trace(A @ inv(X) @ B)", X, SQ,
                                    "-inv(X).T @ A.T @ B.T @ inv(X).T"),
    # 2.6, 2.7 norms
    "(129) d norm(x - a)/dx": _g("norm(x - a)", "x[n]", "a[n]", "(x - a) / norm(x - a)"),
    "(130) d (x - a)/norm(x - a)/dx": (J, "(x - a) / norm(x - a)", {
        "wrt": "x[n]", "vars": "a[n]",
        "expect": "eye(n) / norm(x - a) - outer(x - a, x - a) / norm(x - a)**3"}),
    "(131) d norm(x)**2/dx": _g("norm(x)**2", "x[n]", "", "2 * x"),
    "(132) d norm(X)**2/dX": _g("norm(X)**2", "X[m, n]", "", "2 * X"),
    # the examples and the brief's slow cases
    "ratio of quadratic forms": _g("(x.T @ A @ x) / (x.T @ B @ x)", "x[n]",
                                   "A[n, n], B[n, n] spd", QUADRATIC_RATIO),
    "softmax cross-entropy": _g(f"-sum(y * log({SOFTMAX}))", "z[n]", "y[n]",
                                f"{SOFTMAX} - y", where="sum(y) == 1, y >= 0"),
    "two-layer network by W1": _g(NET_BODY, "W1[h, n]", "W2[k, h], x[n], b1[h], b2[k], y[k]",
                                  "2 * (W2.T @ (W2 @ (W1 @ x + b1) + b2 - y)) @ x.T",
                                  where="W1 @ x + b1 > 0"),
    # the tour's network without :where: (docs/tour.rst): every unit's kink is probed
    "tour: network by W1, kinks": _g("norm(e)**2", "W1[h, n]", TOUR_VARS_W1, TOUR_W1,
                                     let=TOUR_LET),
    "tour: network by b1, kinks": _g("norm(e)**2", "b1[h]",
                                     "x[n], W1[h, n], W2[k, h], b2[k], y[k]",
                                     "2 * (W2.T @ e) * where(z > 0, 1, 0)", let=TOUR_LET),
    "tour: network by W1, :mistake:": _g("norm(e)**2", "W1[h, n]", TOUR_VARS_W1,
                                         "2 * (W2.T @ e) @ x.T", let=TOUR_LET, mistake="",
                                         correct=TOUR_W1, reason="no ReLU derivative"),
    "d/dt logdet(A + t B)": _d("logdet(A + t*B)", "t", SQ, "trace(inv(A + t*B) @ B)"),
    "d/dt logdet(P + t B), P spd": _d("logdet(P + t*B)", "t", "P[n, n] spd, B[n, n]",
                                      "trace(inv(P + t*B) @ B)"),
    "diff(det(A X B), X) in a derivation": ("derivation", "diff(det(A @ X @ B), X)", {
        "vars": "A[n, n], B[n, n], X[n, n]", **DEN,
        "steps": "= det(A @ X @ B) * inv(X).T"}),
    "hessian x.T A x": (H, "x.T @ A @ x", {"wrt": "x[n]", "vars": "A[n, n]",
                                          "expect": "A + A.T"}),
    "hessian logsumexp": (H, "logsumexp(x)", {"wrt": "x[n]", "let": "p = softmax(x)",
                                             "expect": "diag(p) - outer(p, p)"}),
    # slow cases found by a new user's check of issue 13
    "(125) d tr(inv(X.T C X) A)/dX, C symmetric": _g(
        "trace(inv(X.T @ C @ X) @ A)", X, "C[n, n] symmetric, A[n, n]",
        "-C @ X @ inv(X.T @ C @ X) @ (A + A.T) @ inv(X.T @ C @ X)"),
    "hessian of the regularised logistic loss": (H, (
        "sum(log(1 + exp(X @ w))) + lambda/2 * norm(w)**2"), {
        "wrt": "w[n]", "vars": "X[N, n]", "let": "s = sigmoid(X @ w)",
        "expect": "X.T @ diag(s * (1 - s)) @ X + lambda * eye(n)"}),
    "hessian of softmax cross-entropy by x": (H, "-y.T @ log(softmax(W @ x))", {
        "wrt": "x[n]", "vars": "W[k, n], y[k]", "where": "sum(y) == 1, y >= 0",
        "let": "p = softmax(W @ x)", "expect": "W.T @ (diag(p) - p @ p.T) @ W"}),
    "softmax cross-entropy network by W1": _g(
        "-y.T @ log(softmax(W2 @ relu(W1 @ x)))", "W1[H, D]", "W2[K, H], x[D], y[K]",
        "(W2.T @ (softmax(W2 @ relu(W1 @ x)) - y)) @ x.T",
        where="sum(y) == 1, y >= 0, W1 @ x > 0"),
}


def wrong(case: tuple) -> tuple:
    """The case with its claim off by a factor 2, the wrong claim a reader must see
    fail at its line as fast as a right one verifies (issue 13's acceptance)."""
    kind, body, options = case
    options = dict(options)
    if "mistake" in options:
        options.pop("mistake")
        options["expect"] = options.pop("correct")
        options.pop("reason", None)
    if kind == "derivation":
        options["steps"] = "= 2 * (" + options["steps"].removeprefix("= ") + ")"
    else:
        options["expect"] = f"2 * ({options['expect']})"
    return (kind, body, options)


def check(name: str, tag: str = "", claim_wrong: bool = False
          ) -> tuple[float, float, Outcome]:
    """One uncached check of a case: (CPU seconds, wall seconds, outcome). ``tag`` makes
    its text (and so its sampling seed) differ between rounds, as distinct directives
    would. CPU time is the figure: the machine is shared, and wall time counts the
    others' work too (the budgets of :mod:`sphinx_vcr.core.running.limits` count CPU
    time as well)."""
    kind, body, options = wrong(CASES[name]) if claim_wrong else CASES[name]
    options = dict(options)
    content: list[str] = []
    if kind == "derivation":
        content = [body, options.pop("steps")]
        body = ""
    # SymPy's cache would serve a later round the derivatives of an earlier one; a
    # build's directives are distinct, so each check starts without it.
    sympy.core.cache.clear_cache()
    start, cpu = time.perf_counter(), time.process_time()
    outcome = compute(kind, body, content, options, Settings(), f"{name}|{tag}")
    return time.process_time() - cpu, time.perf_counter() - start, outcome


Row = tuple[str, float, float, float, Outcome]


def measure(names: list[str], rounds: int, claim_wrong: bool = False) -> list[Row]:
    """(name, median CPU s, largest CPU s, median wall s, last outcome) per case."""
    for name in names[:3]:
        check(name, "warm-up", claim_wrong)  # imports, first compilations
    cpu: dict[str, list[float]] = {name: [] for name in names}
    wall: dict[str, list[float]] = {name: [] for name in names}
    last: dict[str, Outcome] = {}
    for k in range(rounds):
        for name in names:
            seconds, elapsed, last[name] = check(name, f"round {k}", claim_wrong)
            cpu[name].append(seconds)
            wall[name].append(elapsed)
    return [(name, statistics.median(cpu[name]), max(cpu[name]),
             statistics.median(wall[name]), last[name]) for name in names]


def table(rows: list[Row]) -> str:
    lines = ["| identity | median CPU s | max CPU s | median wall s | status | exact |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    for name, median, most, elapsed, outcome in rows:
        status = outcome.status if outcome.ok else f"{outcome.status}: {outcome.message[:60]}"
        lines.append(f"| {name} | {median:.2f} | {most:.2f} | {elapsed:.2f} | {status} | "
                     f"{'yes' if outcome.exact else 'no'} |")
    return "\n".join(lines) + "\n"


def profile(names: list[str], lines: int = 25) -> str:
    prof = cProfile.Profile()
    for name in names:
        prof.enable()
        check(name, "profile")
        prof.disable()
    text = StringIO()
    pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(lines)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="cases whose name contains this")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the selected cases")
    parser.add_argument("--write", type=Path, help="also write the table to this file")
    parser.add_argument("--wrong", action="store_true",
                        help="each claim off by a factor 2 (each must fail)")
    args = parser.parse_args()
    names = [name for name in CASES if args.only in name]
    text = table(measure(names, args.rounds, args.wrong))
    if args.profile:
        text += "\n```text\n" + profile(names) + "```\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf8")


if __name__ == "__main__":
    main()
