"""What a reader sees: LaTeX of expressions and names, badges, messages.

``latex`` (the tree to LaTeX), ``names`` (every name of a directive written distinctly),
``render`` (the math shown for an outcome, and its badge) and ``messages`` (the words of
a failure, with its point and hints).
"""
