"""The source scanner finds directives as docutils splits them (see also
tests/sphinx/test_prefetch.py, which compares it with real builds)."""

from __future__ import annotations

from sphinx_vcr.core.language.scan import Found, directives


def test_argument_options_and_content():
    text = """\
Intro.

.. chain-rule::
   :wrt: x
   :expect: 2*x*cos(x**2)
   :name: chain

   u = x**2
   y = sin(u)

After.
"""
    assert directives(text) == [Found("chain-rule", "", ["u = x**2", "y = sin(u)"],
                                      {"wrt": "x", "expect": "2*x*cos(x**2)"})]


def test_flag_options_are_empty_strings_and_names_lowercase():
    found = directives(".. derivative:: x**2\n   :WRT: x\n   :mistake:\n")
    assert found == [Found("derivative", "x**2", [], {"wrt": "x", "mistake": ""})]


def test_multi_line_argument_and_option_value():
    text = """\
.. gradient:: w @ x
     + b
   :wrt: w[n],
      b
   :vars: x[n]
"""
    assert directives(text) == [Found("gradient", "w @ x\n  + b", [],
                                      {"wrt": "w[n],\nb", "vars": "x[n]"})]


def test_list_items_and_nesting_by_indentation():
    text = """\
.. note::

   - .. derivative:: exp(x)
        :wrt: x

   - plain text
.. jacobian:: A @ x
  :wrt: x[n]
  :vars: A[m, n]
"""
    assert directives(text) == [
        Found("derivative", "exp(x)", [], {"wrt": "x"}),
        Found("jacobian", "A @ x", [], {"wrt": "x[n]", "vars": "A[m, n]"}),
    ]


def test_malformed_option_block_and_other_directives_are_skipped():
    text = """\
.. derivative:: x
   :wrt: x
   not an option

.. math:: x^2

.. derivatives:: x
"""
    assert directives(text) == []
