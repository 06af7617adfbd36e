"""LaTeX for expression trees, names and SymPy results.

Conventions of the chapters we typeset: declared vectors bold (``\\mathbf{w}``), matrices
bold upper-case, scalars italic; Greek names as Greek letters; a trailing number or an
``_suffix`` as a subscript (``g1`` is g_1). Element-wise product and quotient of arrays
are ``\\odot`` and ``\\oslash``; the dot product of two vectors is ``\\cdot``.

:func:`name` is a name's usual form. Two names of one directive can share it (``x2`` and
``x_2``), so the printers take a :class:`~.names.Names` table, which writes every name
of a directive distinctly (and the entries of its vectors, as SymPy results show them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from ..calculus.shapes import same_dim
from ..language.syntax import (
    Apply,
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Expr,
    FunctionRef,
    Name,
    Num,
    Subscript,
    Transpose,
    Unary,
    names_in,
)
from ..words import _

if TYPE_CHECKING:
    from .names import Names

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
    "Upsilon", "Phi", "Psi", "Omega",
}
_TRAILING_NUMBER = re.compile(r"([A-Za-z]+)(\d+)\Z")


def split_name(text: str) -> tuple[str, str | None]:
    """``w_2`` and ``w2`` are both ``w`` with subscript ``2``."""
    if "_" in text:
        stem, sub = text.split("_", 1)
        return stem, sub.replace("_", ",")
    match = _TRAILING_NUMBER.match(text)
    return (match.group(1), match.group(2)) if match else (text, None)

# Operator precedence, loosest first, for parentheses.
_PREC = {"cmp": 0, "+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "neg": 3, "**": 4, "atom": 5}

def _negated(node: Expr) -> Expr | None:
    """``-a`` as ``a``, a negative number as its magnitude; None for anything else."""
    match node:
        case Unary(op="-", operand=operand):
            return operand
        case Num(value=v) if v < 0:
            return Num(-v)
    return None


def _mixed(op: str, operand: Expr) -> bool:
    """Whether ``operand`` is a product of the other kind than ``op`` (``*`` or ``/``
    against ``@``)."""
    return op in "*/@" and isinstance(operand, Binary) and operand.op in "*/@" \
        and (operand.op == "@") != (op == "@")


_FUNCTIONS = {
    "exp": r"\exp", "log": r"\log", "ln": r"\ln", "sin": r"\sin", "cos": r"\cos",
    "tan": r"\tan", "tanh": r"\tanh", "sigmoid": r"\sigma", "relu": r"\operatorname{ReLU}",
    "max": r"\max", "min": r"\min", "sum": r"\operatorname{sum}",
    "mean": r"\operatorname{mean}", "diag": r"\operatorname{diag}",
    "trace": r"\operatorname{tr}", "tr": r"\operatorname{tr}",
    "vec": r"\operatorname{vec}", "softmax": r"\operatorname{softmax}",
    "logsumexp": r"\operatorname{logsumexp}",
}
_RELATIONS = {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "!=": r"\ne", "==": "="}


def name(text: str, style: str = "scalar", *, keep_case: bool = False,
         inline: bool = False, spelled: bool = False) -> str:
    """LaTeX for a name: ``w`` as a vector is ``\\mathbf{w}``, ``alpha2`` is ``\\alpha_{2}``.

    The flags are the other forms :class:`~.names.Names` gives a name when its usual one
    is taken: ``keep_case`` (a matrix ``a`` stays bold a), ``inline`` (the number of
    ``x2`` stays on the line) and ``spelled`` (``x_`` as written, its underscore too).
    """
    body, sub = name_parts(text, style, keep_case=keep_case, inline=inline,
                           spelled=spelled)
    return body + (f"_{{{sub}}}" if sub else "")


def name_parts(text: str, style: str = "scalar", *, keep_case: bool = False,
               inline: bool = False, spelled: bool = False) -> tuple[str, str | None]:
    """A name's LaTeX without its subscript, and the subscript (``None`` if none)."""
    array = style in ("vector", "matrix")
    if spelled:
        body = text.replace("_", r"\_")
        return (rf"\mathbf{{{body}}}" if array else rf"\mathit{{{body}}}"), None
    if text.endswith("_hat") and len(text) > 4:
        # X_hat, an estimate of X: the hat accent, as the notes write it.
        body, sub = name_parts(text[:-4], style, keep_case=keep_case, inline=inline)
        return rf"\hat{{{body}}}", sub
    stem, sub = split_name(text)
    digits = ""
    if inline and sub and "_" not in text:
        digits, sub = sub, None
    if style == "matrix" and not keep_case and stem not in GREEK:
        stem = stem[0].upper() + stem[1:]
    if stem in GREEK:
        core = f"\\{stem}{digits}"
        return (rf"\boldsymbol{{{core}}}" if array else core), sub or None
    if array:
        return rf"\mathbf{{{stem}{digits}}}", sub or None
    if len(stem) == 1 and not digits:
        return stem, sub or None
    return rf"\mathit{{{stem}{digits}}}", sub or None


class Printer:
    """Prints expression trees; ``styles`` maps names to scalar/vector/matrix.

    ``names``, if given, writes the names (and picks the symbols of functions that a
    name's LaTeX would otherwise look like); else each name takes its usual form.
    """

    def __init__(self, styles: dict[str, str],
                 shapes: Callable[[Expr], bool | None] | None = None,
                 names: Names | None = None, arities: dict[str, int] | None = None,
                 matrices: Callable[[Expr], bool | None] | None = None,
                 columns: Callable[[Expr], tuple | None] | None = None) -> None:
        self.styles = styles
        self.shapes = shapes
        #: A node's shape, if known: a column vector on the left of @ acts as a row
        #: (NumPy), which the math writes with a transpose.
        self.columns = columns
        #: Whether a node is a matrix (not a vector): ||X||_F is a matrix's norm.
        self.matrices = matrices
        self.names = names
        #: How many arguments each abstract function takes (f' or ∂_1 f).
        self.arities = arities or {}

    def __call__(self, node: Expr) -> str:
        return self.print(node)[0]

    def is_array(self, node: Expr) -> bool:
        """Whether ``node`` is an array: asked of ``shapes`` if given, else guessed."""
        known = self.shapes(node) if self.shapes else None
        if known is not None:
            return known
        match node:
            case Name(id=n):
                return self.styles.get(n, "scalar") != "scalar"
            case ArrayLit():
                return True
            case Transpose(operand=o) | Unary(operand=o):
                return self.is_array(o)
            case Binary(op="@"):
                return False
            case Binary(left=a, right=b):
                return self.is_array(a) or self.is_array(b)
            case Call(func="diag" | "eye" | "ones" | "zeros" | "vector" | "row" | "matrix"):
                return True
            case Subscript(base=base, indices=indices):
                return len(indices) == 1 and self.styles.get(base) == "matrix"
            case Call(func="delta"):
                return False
            case Apply(args=args):
                return any(self.is_array(a) for a in args)
            case Call(func="sum" | "mean" | "dot" | "norm" | "trace" | "tr" | "det"
                      | "logdet" | "logsumexp"):
                return False
            case Call(func="vec" | "kron" | "outer" | "inv" | "softmax"):
                return True
            case Call(args=args):
                return any(self.is_array(a) for a in args)
        return False

    def is_matrix(self, node: Expr) -> bool:
        """Whether ``node`` is a matrix, not a vector: asked of ``matrices`` if given,
        else guessed from the declared names."""
        known = self.matrices(node) if self.matrices else None
        if known is not None:
            return known
        match node:
            case Name(id=n):
                return self.styles.get(n) == "matrix"
            case ArrayLit(items=items):
                return all(isinstance(i, ArrayLit) for i in items) and len(items) > 1
            case Transpose(operand=o) | Unary(operand=o) | Call(func="inv", args=(o,)):
                return self.is_matrix(o)
            case Binary(op="+" | "-" | "*" | "/", left=a, right=b):
                return self.is_matrix(a) or self.is_matrix(b)
            case Call(func="diag" | "eye" | "outer"):
                return True
            case Call(func="kron", args=(a, b)):
                return self.is_matrix(a) or self.is_matrix(b)
        return False

    def is_vector(self, node: Expr) -> bool:
        """A declared vector or a row X[i] (a vector in the language): ``@`` of two is
        their dot product, written with a dot."""
        if isinstance(node, Name):
            return self.styles.get(node.id) == "vector"
        return isinstance(node, Subscript) and len(node.indices) == 1 \
            and self.styles.get(node.base) == "matrix"

    def column(self, node: Expr) -> bool:
        """Whether ``node`` is known to be a column vector (n x 1, n not 1)."""
        shape = self.columns(node) if self.columns else None
        return bool(shape) and len(shape) == 2 and same_dim(shape[1], 1) \
            and not same_dim(shape[0], 1)

    def row(self, node: Expr) -> bool:
        """Whether ``node`` is known to be a row (1 x n): a column times it is an outer
        product, not a dot product."""
        shape = self.columns(node) if self.columns else None
        return bool(shape) and len(shape) == 2 and same_dim(shape[0], 1)

    def row_like(self, node: Expr) -> bool:
        """Whether ``node``, though a column in the language, is written as a row: a
        product with a column on the left (``x @ A``, shown x^T A), or one negated,
        or sums of them."""
        match node:
            case Binary(op="@", left=left, right=right):
                return self.column(left) and not self.row(right)
            case Unary(operand=o):
                return self.row_like(o)
            case Binary(op="+" | "-", left=a, right=b):
                return self.row_like(a) or self.row_like(b)
        return False

    def print(self, node: Expr) -> tuple[str, int]:
        """LaTeX of ``node`` and its precedence."""
        match node:
            case Num(value=v) if v < 0:
                # -\frac{1}{2}, not \frac{-1}{2}
                return "-" + self.print(Num(-v))[0], _PREC["neg"]
            case Num(value=v):
                text = str(v.numerator) if v.denominator == 1 else \
                    rf"\frac{{{v.numerator}}}{{{v.denominator}}}"
                return text, _PREC["atom"] if v.denominator == 1 else _PREC["*"]
            case Const():
                return r"\pi", _PREC["atom"]
            case Name(id=n):
                text = self.names(n) if self.names else name(n, self.styles.get(n, "scalar"))
                return text, _PREC["atom"]
            case Unary(op=op, operand=o):
                return op + self.wrap(o, _PREC["neg"]), _PREC["neg"]
            case Transpose(operand=Subscript(base=base, indices=(index,))) if \
                    self.styles.get(base) == "matrix":
                # The row X[i] transposed back: the row itself.
                return "{" + self(Name(base)) + "}_{" + self(Name(index)) + ",:}", _PREC["atom"]
            case Transpose(operand=Call(func="inv", args=(o,))):
                # (A^{-1})^T as the Matrix Cookbook writes it: A^{-T}
                return self.superscripted(o) + r"^{-\top}", _PREC["atom"]
            case Transpose(operand=o):
                return self.superscripted(o) + r"^{\top}", _PREC["atom"]
            case Binary():
                return self.binary(node)
            case ArrayLit():
                return self.array(node), _PREC["atom"]
            case Call(func="diff"):
                # A product of an operator and its operand: d/dx(x^2)^2 would read as
                # d/dx of (x^2)^2.
                return self.call(node), _PREC["*"]
            case Call(func="kron"):
                # between + and a product: x ⊗ I diag(a) hides what comes first
                return self.product(node), _PREC["*"] - 0.5
            case Call(func="outer"):
                return self.product(node), _PREC["*"]
            case Call(func="sum", args=(body, index)):
                return (rf"\sum_{{{self(index)}}} {self.wrap(body, _PREC['*'])}",
                        _PREC["+"])
            case Call():
                return self.call(node), _PREC["atom"]
            case Subscript():
                return self.subscript(node), _PREC["atom"]
            case Apply():
                return self.apply(node), _PREC["atom"]
            case Compare(ops=ops, operands=operands):
                parts = [self.wrap(operands[0], 1)]
                for op, operand in zip(ops, operands[1:]):
                    parts.append(f"{_RELATIONS[op]} {self.wrap(operand, 1)}")
                return " ".join(parts), _PREC["cmp"]
        return str(node), _PREC["atom"]

    def wrap(self, node: Expr, minimum: int) -> str:
        text, prec = self.print(node)
        return rf"\left({text}\right)" if prec < minimum else text

    def superscripted(self, node: Expr) -> str:
        """``node`` as the base of a superscript: bracketed if loose, and braced if it
        ends in a superscript of its own (x^{T}^{T} is not LaTeX)."""
        text = self.wrap(node, _PREC["atom"])
        if node_superscripted(node) or (isinstance(node, Binary) and node.op == "**"):
            return "{" + text + "}"
        return text

    def product(self, node: Call) -> str:
        r"""``kron(A, B)`` as A \otimes B, ``outer(a, b)`` as a b^{\top}."""
        left, right = node.args
        first = self.wrap(left, _PREC["*"] + 1)
        if node.func == "kron":
            return first + r" \otimes " + self.wrap(right, _PREC["*"] + 1)
        return first + " " + self.superscripted(right) + r"^{\top}"

    def binary(self, node: Binary) -> tuple[str, int]:
        op, left, right = node.op, node.left, node.right
        prec = _PREC[op]
        arrays = self.is_array(left) and self.is_array(right)
        if op == "/" and not arrays:
            # -2/N as -\frac{2}{N}: the sign goes before the fraction
            negated = _negated(left)
            if negated is not None:
                return rf"-\frac{{{self(negated)}}}{{{self(right)}}}", _PREC["neg"]
            return rf"\frac{{{self(left)}}}{{{self(right)}}}", _PREC["*"]
        if op == "**":
            return self.power(left, right), prec
        dotted_scalars = self.names is not None and self.names.dotted_scalars
        dotted_arrays = self.names is not None and self.names.dotted_arrays
        # "*" and "@" share a precedence, but A ⊙ A x hides which comes first: a product
        # of one kind inside one of the other is bracketed.
        first = self.wrap(left, prec + 1 if _mixed(op, left) and not self.scaled(left)
                          else prec)
        if op == "@":
            vectors = self.is_vector(left) and self.is_vector(right)
            joiner = r" \cdot " if vectors or dotted_arrays else " "
            if not vectors and self.column(left) and not self.row(right) \
                    and not self.row_like(left):
                # y @ (W x + b) is the row y^T times a column: y (W x + b) would read
                # as a column times a column.
                sign, column = (left.op, left.operand) if isinstance(left, Unary) \
                    else ("", left)
                first = sign + self.superscripted(column) + r"^{\top}"
            return first + joiner + self.wrap(right, prec + 1), prec
        symbol = {"+": " + ", "-": " - ", "*": r" \odot " if arrays else " ",
                  "/": r" \oslash "}[op]
        # a signed right operand is bracketed: "x (-y)", "a - (-b)", "x (-\frac{1}{2})"
        second = self.wrap(right, prec + 1)
        if second.startswith("-"):
            second = rf"\left({second}\right)"
        # Side by side, "2" and "3^{2}" would read as 23^2: a number on the right of a
        # product (or a sign) needs a visible dot; so does a product of two scalars in
        # a directive with an italic name of several letters (x y beside xy), and of
        # arrays beside a bold one (A b beside Ab). An italic scalar beside a bold array
        # reads as no one name: rate x^T A x needs no dots.
        scalars = self.is_array(left) is False and self.is_array(right) is False
        if symbol == " " and ((dotted_scalars and scalars) or second[:1].isdigit()
                              or second[:1] in "-+"):
            symbol = r" \cdot "
        return first + symbol + second, prec

    def scaled(self, node: Expr) -> bool:
        """Whether ``node`` is a number times (or over) an array: ``2/N r^T X`` hides
        nothing, the scaling being the same wherever it is applied."""
        if not (isinstance(node, Binary) and node.op in "*/"):
            return False
        scalars = [self.is_array(part) is False for part in (node.left, node.right)]
        return scalars[1] if node.op == "/" else any(scalars)

    def power(self, base: Expr, exponent: Expr) -> str:
        """``x^{2}``; an array's power is element-wise, ``A^{\\circ 2}`` (A² would read
        as A A), and a power by a name written T is ``\\operatorname{pow}`` (x^{T}
        would read as a transpose)."""
        text = self.superscripted(base)
        power = self(exponent)
        if self.is_array(base):
            return f"{text}^{{\\circ {power}}}"
        if isinstance(exponent, Name) and power in ("T", r"\top"):
            return rf"\operatorname{{pow}}\left({self(base)}, {power}\right)"
        return f"{text}^{{{power}}}"

    def array(self, node: ArrayLit) -> str:
        if all(isinstance(i, ArrayLit) for i in node.items):
            rows = [" & ".join(self(e) for e in row.items)  # type: ignore[union-attr]
                    for row in node.items]
        else:
            rows = [self(e) for e in node.items]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"

    def subscript(self, node: Subscript) -> str:
        r"""``x_{i}``, ``X_{ij}``; the row ``X[i]`` as ``\mathbf{X}_{i,:}``."""
        indices = [self(Name(i)) for i in node.indices]
        if len(indices) == 1 and self.styles.get(node.base) == "matrix":
            # Row i of X, which the language makes a column: the transposed row.
            return "{" + self(Name(node.base)) + "}_{" + indices[0] + r",:}^{\top}"
        prefix = (self.names.entry_prefix(node.base) if self.names else
                  name(node.base) + "_{")
        joiner = "" if all(len(i) == 1 for i in indices) and prefix.endswith("_{") else ","
        return prefix + joiner.join(indices) + "}"

    def function(self, ref: FunctionRef) -> str:
        r"""``f``, ``f'``, ``f''``, ``\partial_{2} f``: an abstract function or a
        derivative of one."""
        return function_latex(ref.name, ref.orders, self.arities.get(ref.name, 1),
                              self.names)

    def apply(self, node: Apply) -> str:
        inner = ", ".join(self(a) for a in node.args)
        return rf"{self.function(node.func)}\left({inner}\right)"

    def derivative(self, body: Expr, variable: Expr) -> str:
        """``diff(expr, v)``: d/dx of an expression in one scalar, else ∂/∂v."""
        by = self(variable)
        ordinary = isinstance(variable, Name) and self.styles.get(variable.id, "scalar") \
            == "scalar" and names_in(body) <= {variable.id}
        d = r"\mathrm{d}" if ordinary else r"\partial"
        if isinstance(body, Name | Subscript):
            return rf"\frac{{{d} {self(body)}}}{{{d} {by}}}"
        return rf"\frac{{{d}}}{{{d} {by}}}\left({self(body)}\right)"

    def call(self, node: Call) -> str:
        func, args = node.func, node.args
        if func == "diff":
            return self.derivative(*args)
        if func == "delta":
            if self.names is None or self.names.plain_delta:
                return rf"\delta_{{{''.join(self(a) for a in args)}}}"
            # Beside a name written delta, the Iverson bracket: [i = j].
            return rf"\left[{self(args[0])} = {self(args[1])}\right]"
        if func in ("vector", "row", "matrix"):
            at = "".join(self(a) for a in args[1:])
            return rf"\left[{self(args[0])}\right]_{{{at}}}" + (
                r"^{\top}" if func == "row" else "")
        if func == "sqrt":
            return rf"\sqrt{{{self(args[0])}}}"
        if func == "abs":
            return rf"\left|{self(args[0])}\right|"
        if func == "norm":
            # A matrix's norm is Frobenius' (the vector 2-norm of its entries).
            frobenius = "_{F}" if self.is_matrix(args[0]) else ""
            return rf"\left\lVert {self(args[0])} \right\rVert{frobenius}"
        if func == "inv":
            return self.superscripted(args[0]) + "^{-1}"
        if func in ("det", "logdet"):
            inner = args[0]
            # Always bracketed: \det X X^{-T} would read as det(X X^{-T}).
            det = rf"\det\left({self(inner)}\right)"
            return rf"\log\left|{det}\right|" if func == "logdet" else det
        if func == "dot":
            return f"{self.wrap(args[0], 5)} \\cdot {self.wrap(args[1], 5)}"
        if func in ("eye", "ones", "zeros"):
            identity = self.names.identity if self.names else "I"
            symbol = {"eye": identity, "ones": r"\mathbf{1}", "zeros": r"\mathbf{0}"}[func]
            return f"{symbol}_{{{', '.join(self(a) for a in args)}}}"
        if func == "where" and args[1:] == (Num(1), Num(0)):
            # where(z > 0, 1, 0), as the engine writes ReLU's slope: the indicator.
            return rf"\mathbb{{1}}\left[{self(args[0])}\right]"
        if func == "where":
            cond, yes, no = (self(a) for a in args)
            return (r"\begin{cases}" + yes + r" & \text{" + _("if") + " } " + cond + r" \\ "
                    + no + r" & \text{" + _("otherwise") + r"}\end{cases}")
        inner = ", ".join(self(a) for a in args)
        symbol = self.names.sigmoid if func == "sigmoid" and self.names else _FUNCTIONS[func]
        return rf"{symbol}\left({inner}\right)"


def node_superscripted(node: Expr) -> bool:
    """Whether ``node`` prints with a superscript at its end (a transpose, an inverse)."""
    return isinstance(node, Transpose) or (isinstance(node, Call) and node.func == "inv")


def function_latex(text: str, orders: tuple[int, ...], arity: int,
                   names: Names | None = None) -> str:
    r"""An abstract function, or a derivative of one: ``f``, ``f'``, ``f''`` (one
    argument), ``\partial_{1} \partial_{2} f`` (several)."""
    short = split_name(text)[0]
    stem = names(text) if names is not None else (
        name(text) if len(short) == 1 or short in GREEK else rf"\operatorname{{{text}}}")
    if not orders:
        return stem
    if arity == 1:
        return stem + "'" * len(orders)
    return "".join(rf"\partial_{{{max(k, 1)}}} " for k in sorted(orders)) + stem


def sympy_latex(expr: sympy.Basic, names: Names | None = None) -> str:
    """LaTeX of a SymPy result (a matrix in ``bmatrix``); 1 x 1 matrices as scalars.

    With ``names``, every symbol is written as the directive writes it (SymPy would write
    ``xabs`` as |x| and ``x__2`` as x squared), and Euler's number and the step function
    are not written as a name of the directive (``e``, ``theta``) would be.
    """
    if isinstance(expr, sympy.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    dotted = names is not None and names.dotted
    settings = {"mat_str": "bmatrix", "mat_delim": "", "mul_symbol": "dot" if dotted else None}
    if names is None:
        tex = sympy.latex(expr, **settings)
    else:
        symbols = {s: names.symbol(s) for s in expr.free_symbols}
        tex = _ResultPrinter(names, {**settings, "symbol_names": symbols}).doprint(expr)
    # SymPy writes the words of a piecewise result itself, in English.
    return tex.replace(r"\text{for}\: ", r"\text{" + _("for") + r"}\: ").replace(
        r"\text{otherwise}", r"\text{" + _("otherwise") + "}")


class _ResultPrinter(LatexPrinter):
    """SymPy's LaTeX, with ``exp`` and ``Heaviside`` renamed where a name looks like them."""

    def __init__(self, names: Names, settings: dict) -> None:
        super().__init__(settings)
        self.vcr_names = names

    def _print_ExpBase(self, expr: sympy.Basic, exp: str | None = None) -> str:
        if self.vcr_names.plain_e:
            return super()._print_ExpBase(expr, exp)
        return self._do_exponent(rf"\exp\left({self._print(expr.args[0])}\right)", exp)

    def _print(self, expr: sympy.Basic, **kwargs: object) -> str:
        # Euler's number prints itself (its own _latex method), before any _print_Exp1.
        if expr is sympy.E and not self.vcr_names.plain_e:
            return r"\exp\left(1\right)"
        return super()._print(expr, **kwargs)

    def _print_Pow(self, expr: sympy.Pow) -> str:
        # x^{T} would read as a transpose: as the printer of the directive writes it
        base, power = expr.args
        if isinstance(power, sympy.Symbol) and self.vcr_names.symbol(power) == "T":
            return rf"\operatorname{{pow}}\left({self._print(base)}, T\right)"
        return super()._print_Pow(expr)

    def _print_Function(self, expr: sympy.Basic, exp: str | None = None) -> str:
        # An abstract function (SymPy's undefined one) as the directive writes it.
        if isinstance(expr, AppliedUndef):
            tex = self._abstract(expr.func.__name__, (), expr.args)
            return rf"{tex}^{{{exp}}}" if exp else tex
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        r"""``f'(x)``, ``\partial_{2} f(x, y)``: a derivative of an abstract function."""
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and all(v in inner.args for v in expr.variables):
            orders = tuple(inner.args.index(v) + 1 for v in expr.variables)
            return self._abstract(inner.func.__name__, orders, inner.args)
        return super()._print_Derivative(expr)

    def _print_Subs(self, subs: sympy.Subs) -> str:
        """SymPy's ``Subs(Derivative(f(t), t), t, g(x))``: ``f'(g(x))``."""
        expr, variables, points = subs.args
        if isinstance(expr, sympy.Derivative) and isinstance(expr.expr, AppliedUndef):
            inner = expr.expr
            if all(v in inner.args for v in expr.variables):
                orders = tuple(inner.args.index(v) + 1 for v in expr.variables)
                args = [a.xreplace(dict(zip(variables, points))) for a in inner.args]
                return self._abstract(inner.func.__name__, orders, args)
        return super()._print_Subs(subs)

    def _abstract(self, name: str, orders: tuple[int, ...], args: Sequence) -> str:
        stem = function_latex(name, orders, len(args), self.vcr_names)
        return rf"{stem}\left({', '.join(self._print(a) for a in args)}\right)"

    def _print_Heaviside(self, expr: sympy.Basic, exp: str | None = None) -> str:
        # The language's step is 0 at 0 (relu'(0) = 0): that value goes without saying.
        args = expr.pargs
        if len(args) > 1 and args[1] == 0:
            args = args[:1]
        inner = ", ".join(map(self._print, args))
        name = r"\theta" if self.vcr_names.plain_theta else r"\operatorname{step}"
        tex = rf"{name}\left({inner}\right)"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex


def wrt_latex(parts: list[str]) -> str:
    """``x``, or ``(\\mathbf{w}, b)`` for several variables (each already LaTeX)."""
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
