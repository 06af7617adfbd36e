"""Property tests: any text in any expression position is a result or a located error."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.errors import VcrError
from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.verify import check

# Fragments of the language and of Python, so random text is often nearly valid.
TOKENS = st.sampled_from([
    "x", "y", "w", "2", "0.5", "1e-3", "pi", "+", "-", "*", "/", "**", "^", "@", "(", ")",
    "[", "]", ",", ".T", ".real", "exp(", "log(", "max(", "sum(", "diag(", "where(", ">",
    "<", "=", "'", "lambda", ":", "__import__", "[0]", " ", "\n", "x1", "eye(", "n",
])
TEXT = st.one_of(st.lists(TOKENS, max_size=12).map("".join), st.text(max_size=30))


@given(TEXT)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_parser_never_raises_anything_but_vcr_errors(text):
    try:
        parse_expression(text)
    except VcrError as err:
        assert err.message


POSITIONS = ["argument", "content", "expect", "where", "wrt", "vars", "layout"]


@given(TEXT, st.sampled_from(POSITIONS))
# A scalar of :vars: that is also a vector of :wrt: was once reported at :wrt: with a
# hint about components.
@example(text="w", position="vars")
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_check_never_raises_in_any_position(text, position):
    kind, argument, content = "gradient", "x**2 + w @ w", []
    options = {"wrt": "x, w[n]", "vars": "y", "expect": "[[2*x, 2*w.T]]"}
    if position == "argument":
        argument = text
    elif position == "content":
        # The text is a factor of the second step, which must use u (a chain rule's steps
        # must feed each other).
        kind, argument, content = "chain-rule", "", ["u = x**2 + w @ w", f"v = u * ({text})"]
        options.pop("expect")
    else:
        options[position] = text
    outcome = check(kind, argument, content, options, Settings(timeout=5, samples=2))
    assert outcome.status in ("verified", "failed", "error")
    if outcome.status != "verified":
        assert outcome.message and outcome.subtype != "internal", outcome.message
    # An error in a content line is reported at that line, one in an option at its own.
    if outcome.status == "error" and outcome.subtype == "parse":
        if position == "content" and outcome.line is not None:
            assert outcome.line == 1
        if position in ("expect", "where", "wrt", "vars", "layout") and outcome.option:
            # a name in both :wrt: and :vars: is the fault of the pair: either will do
            both = position in ("wrt", "vars") and "both :wrt: and :vars:" in outcome.message
            assert outcome.option == position or both
