"""Messages quote the claim as the author wrote it, also where no index-free form exists.

A chain rule, a Jacobian of several lines and a claim the engine finds no form for are
told with the claim's own text (the whole claim, or an array literal's entry as typed),
never SymPy's rewriting of it; the derivative is then given by SymPy's entry, and the
message says so where the claim is not quoted entry by entry.
"""

from __future__ import annotations

from sphinx_vcr.core.language.parse import parse_expression
from sphinx_vcr.core.outcome import FAILED, VERIFIED
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.rendering.messages import _items, _typed
from sphinx_vcr.core.running.pipeline import compute

JACOBIAN = ["f = 3*x**2*y", "g = 2*x + y**8"]


def outcome(kind: str, content: list[str], argument: str = "", **options: str | None):
    return compute(kind, argument, content, options, Settings(),
                   f"{kind}|{argument}|{content}|{options}")


def test_an_entry_of_a_literal_is_quoted_as_typed_not_as_sympy_writes_it():
    result = outcome("jacobian", JACOBIAN, wrt="x, y",
                     expect="[[6*x*y, 3*x**2], [2, y**6*7]]")
    assert result.status == FAILED
    # SymPy writes the entry 7*y**6; the author wrote y**6*7
    assert ": entry (2, 2) is y**6*7 -> " in result.message, result.message
    assert "7*y**6" not in result.message
    assert "but the derivative is 8*y**7 -> " in result.message


def test_a_known_mistakes_box_quotes_the_entry_as_typed_too():
    result = outcome("jacobian", JACOBIAN, wrt="x, y",
                     expect="[[6*x*y, 3*x**2], [2, y**6*7]]", mistake=None)
    assert (result.status, result.mistake) == (VERIFIED, True)
    assert "entry (2, 2) is y**6*7 -> " in result.badge


def test_a_chain_rules_scalar_claim_keeps_sigmoid():
    result = outcome("chain-rule", ["u = x**2", "y = sigmoid(u)"], wrt="x",
                     expect="sigmoid(u) * (1 + sigmoid(u)) * 2*x")
    assert result.status == FAILED
    # The claim as written, and the chain's composite derived index-free (verified)
    assert result.message.startswith(
        "claimed sigmoid(u) * (1 + sigmoid(u)) * 2*x but the derivative is "
        "2 * sigmoid(u) * (1 - sigmoid(u)) * x; "), result.message
    # SymPy's rewriting of the claim (exponentials) is nowhere in the message
    assert "exp" not in result.message.split("but the derivative")[0]


def test_an_index_free_claim_without_a_form_is_quoted_whole_and_the_entries_said_so():
    # d vec(X.T w) / d vec(X) needs a Kronecker product the read-off does not write
    result = outcome("jacobian", [], "X.T @ w", wrt="X[n, n]", vars="w[n]",
                     expect="kron(w.T, eye(n))")
    assert result.status == FAILED
    assert result.message.startswith(
        "claimed kron(w.T, eye(n)) (no index-free form of the derivative found: its "
        "entries are quoted one by one); claim does not hold at n=")
    assert ": entry (1, 2) of the claim is 0 but the derivative's is w[2] -> " in \
        result.message


def test_a_chain_rule_with_a_row_result_names_its_index_free_derivative():
    # f = x.T A.T B is a row: its Jacobian by x, in numerator layout, is B.T A
    result = outcome("chain-rule", ["g = A @ x", "f = g.T @ B"], wrt="x[n]",
                     vars="A[n, n], B[n, n]", expect="A @ B")
    assert result.status == FAILED
    assert result.message.startswith("claimed A @ B but the derivative is B.T @ A; ")


def test_a_chain_rules_wrong_claim_names_the_composites_index_free_derivative():
    result = outcome("chain-rule", ["g = A @ x", "f = B @ g"], wrt="x[n]",
                     vars="A[n, n], B[n, n]", expect="A @ B")
    assert result.status == FAILED
    assert result.message.startswith("claimed A @ B but the derivative is B @ A; ")
    # the failure box shows the same form, not SymPy's entries
    assert result.math[-1].endswith(r"= \mathbf{B} \mathbf{A}"), result.math[-1]


def test_a_literal_of_blocks_is_quoted_whole():
    result = outcome("chain-rule", ["z = w @ x + b", "a = max(0, z)"], wrt="w[n], b",
                     vars="x[n]", where="w @ x + b > 0", expect="[[2*x.T, 1]]")
    assert result.status == FAILED
    # the region w @ x + b > 0 settles the ReLU's piece (indexfree/region.py)
    assert result.message.startswith("claimed [[2*x.T, 1]] but the derivative is "
                                     "[[x.T, 1]]")
    assert "entry (1, 1) of the claim is " in result.message


def test_a_scalar_claim_of_a_derivative_with_abstract_functions_is_quoted():
    result = outcome("derivative", [], "f(x)**2", wrt="x", functions="f",
                     expect="D(f)(x)")
    assert result.status == FAILED
    assert "the claim 'D(f)(x)' is " in result.message


def test_literal_items_split_at_top_level_commas_only():
    assert _items("[[max(0, x), 1], [2, y]]") == ["[max(0, x), 1]", "[2, y]"]
    assert _items("[max(0, x) ,  y**2]") == ["max(0, x)", "y**2"]
    assert _items("x.T") == []
    entry = parse_expression("max(0, x)")
    assert _typed("[[max(0, x), 1], [2, y]]", 0, 0, entry) == "max(0, x)"
    # text that does not parse back to the entry is never quoted for it
    assert _typed("[[max(0, x), 1], [2, y]]", 1, 1, entry) == ""
    assert _typed("[a, b]", 5, 0, entry) == ""
