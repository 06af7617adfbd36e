"""Values and derivatives at one instantiation of the sizes.

``shapes`` (shapes and their arithmetic), ``evaluate`` (an expression tree to SymPy
values), ``instance`` (a problem at concrete sizes) and ``derivatives`` (Jacobians in
either layout, and chain-rule factorisations).
"""
