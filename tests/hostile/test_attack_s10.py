"""Hostile review of two speed-ups of the probe comparison (issue 13 item 8), neither
landed: enclosing only PER_REGION points per region of each entry's difference (and no
longer comparing the other probes), then that plus a doubles screen of every probe.
Both let the wrong claims below verify; 8b6bac5's comparison (every probe in 150
digits) fails all of them. Any future speed-up of the probes must keep it so.

Every test asserts the RIGHT verdict. Root cause: the premise "within a region (the
same guard signs) a difference is smooth" is false, and entries without a Piecewise
have no region at all:
- sqrt(x**2 + 10*x + 25) is |x + 5|: its guard (the sqrt's base) is >= 0 on both
  sides of x = -5, so the sign pattern does not tell x < -5 from x > -5;
- probes are deterministic (axis values 1e-300, 1e-200, ..., midpoints): a difference
  can vanish at the first two of a region that holds no sample point;
- a difference far below a doubles screen's tolerance (10**-20 relative) is seen only
  where the probe is compared in many digits.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute

KEY = "k"
HIDDEN = "sqrt(x**2 + 10*x + 25)"  # |x + 5|, without a Piecewise in SymPy


def run(kind, argument, options, content=(), key=KEY):
    return compute(kind, argument, list(content), dict(options), Settings(), key)


NET = "norm(W2 @ relu(W1 @ x + b1) + b2 - y)**2"
NET_OPTIONS = {"wrt": "W1[2, 2]", "vars": "W2[1, 2], x[2], b1[2], b2[1], y[1]",
               "layout": "denominator"}
NET_RIGHT = ("2 * ((W2.T @ (W2 @ relu(W1 @ x + b1) + b2 - y)) * "
             "where(W1 @ x + b1 > 0, 1, 0)) @ x.T")

WRONG = [
    # FINDING F1: d/dx of |x + 5| claimed 1, wrong for x < -5. The
    # entry has no Piecewise, so no region; the y entry's regions choose the probes
    # (0, +-1e-300), (0, +-1e-200), all at x = 0. Alone (a derivative) it still fails.
    ("gradient", f"{HIDDEN} + max(0, y)", {"wrt": "x, y",
                                          "expect": "[[1, where(y > 0, 1, 0)]]"}),
    # FINDING F2: the same in one entry with a kink: the region
    # x < 0 spans x < -5 too; its first probes -1e-300, -1e-200 lie in (-5, 0).
    ("derivative", f"max(0, x) + {HIDDEN}", {"wrt": "x",
                                            "expect": "where(x > 0, 1, 0) + 1"}),
    # FINDING F3: mirror image, region x > 0 spans x > 5.
    ("derivative", "abs(x) + sqrt(x**2 - 10*x + 25)",
     {"wrt": "x", "expect": "where(x > 0, 1, -1) - 1"}),
    # FINDING F4: deterministic probes. Region x > 5000 holds no
    # sample; its probes are 7500 (midpoint), 1e4, 1e6 (axis values), in that order:
    # a branch off by (x - 7500)*(x - 10000) vanishes at exactly the two enclosed.
    ("derivative", "max(0, x - 5000)",
     {"wrt": "x", "expect": "where(x > 5000, 1 + (x - 7500)*(x - 10000), 0)"}),
    # FINDING F5: the tour-like network by W1 (fixed sizes), a
    # claim wrong in one entry only, for x1 < -5.
    ("gradient", NET, {**NET_OPTIONS, "expect": NET_RIGHT +
                       f" + [[0, 0], [0, {HIDDEN.replace('x', 'x1')} - x1 - 5]]"}),
    # FINDING (the doubles screen): the hidden kink of F2 with a branch off by
    # 10**-20 * 2(x + 5) for x < -5 only: far below what doubles see at any probe.
    ("derivative", f"max(0, x) + {HIDDEN}",
     {"wrt": "x", "expect": f"where(x > 0, 1, 0) + (x + 5)/{HIDDEN}"
                           f" + 10**-20*(x + 5 - {HIDDEN})"}),
    # FINDING (the doubles screen): the same for F1's entry without a region.
    ("gradient", f"{HIDDEN} + max(0, y)",
     {"wrt": "x, y", "expect": f"[[(x + 5)/{HIDDEN} + 10**-20*(x + 5 - {HIDDEN}),"
                               " where(y > 0, 1, 0)]]"}),
    # FINDING (the doubles screen): F4's vanishing branch scaled to 1e-12 relative.
    ("derivative", "max(0, x - 5000)",
     {"wrt": "x", "expect": "where(x > 5000, 1 + 10**-12*(x - 7500)*(x - 10000)/x**2, 0)"}),
    # held: one more kink in the claim is a region of its own
    ("gradient", "x*y + max(0, x) + max(0, y)",
     {"wrt": "x, y", "expect": "[[y + where(x > 0, 1, 0), "
                               "x + where(y > 0, 1, 0) + where(x > 20, y, 0)]]"}),
    ("derivative", HIDDEN, {"wrt": "x", "expect": "1"}),
    # held: a unit's indicator with the wrong bias sign
    ("gradient", NET, {**NET_OPTIONS,
                       "expect": NET_RIGHT.replace("where(W1 @ x + b1", "where(W1 @ x - b1")}),
]

RIGHT = [
    ("gradient", f"{HIDDEN} + max(0, y)",
     {"wrt": "x, y", "expect": f"[[(x + 5)/{HIDDEN}, where(y > 0, 1, 0)]]"}),
    ("derivative", f"max(0, x) + {HIDDEN}",
     {"wrt": "x", "expect": f"where(x > 0, 1, 0) + (x + 5)/{HIDDEN}"}),
    ("derivative", "max(0, x)", {"wrt": "x", "expect": "where(x > 0, 1, 0)"}),
    ("gradient", NET, {**NET_OPTIONS, "expect": NET_RIGHT}),
]


@pytest.mark.parametrize(("kind", "argument", "options"), WRONG)
def test_wrong_claim_fails(kind, argument, options):
    outcome = run(kind, argument, options)
    assert outcome.status == "failed", (outcome.status, outcome.message)


@pytest.mark.parametrize(("kind", "argument", "options"), RIGHT)
def test_right_claim_verifies(kind, argument, options):
    outcome = run(kind, argument, options)
    assert outcome.status == "verified", (outcome.status, outcome.message)
