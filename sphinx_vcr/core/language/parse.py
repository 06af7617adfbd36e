"""Parse expression-language text into :mod:`.syntax` trees, by whitelist.

Python's own parser (``ast.parse``) only builds a tree: it runs nothing. We then accept
a small whitelist of node types and turn them into our tree; everything else is a
:class:`~.errors.ParseError` that quotes the offending text and says what is allowed.
No ``eval``, ``exec``, ``sympify`` or ``parse_expr`` ever sees document text.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from fractions import Fraction

from ..errors import LimitError, ParseError
from ..words import N_, _
from .structured import check_structure
from .syntax import (
    Apply,
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Declaration,
    Definition,
    Expr,
    FunctionRef,
    Name,
    Num,
    Subscript,
    Transpose,
    Unary,
)

#: Functions of the language and how many arguments each takes.
FUNCTIONS: dict[str, tuple[int, ...]] = {
    "exp": (1,), "log": (1,), "ln": (1,), "sqrt": (1,), "sin": (1,), "cos": (1,),
    "tan": (1,), "tanh": (1,), "sigmoid": (1,), "relu": (1,), "abs": (1,),
    "max": (2,), "min": (2,), "sum": (1, 2), "mean": (1,), "dot": (2,), "norm": (1,),
    "diag": (1,), "eye": (1,), "ones": (1,), "zeros": (1, 2), "where": (3,),
    "diff": (2,), "vector": (2,), "row": (2,), "matrix": (3,), "delta": (2,),
    "trace": (1,), "tr": (1,), "det": (1,), "inv": (1,), "logdet": (1,), "vec": (1,),
    "kron": (2,), "outer": (2,), "softmax": (1,), "logsumexp": (1,),
}
#: Functions whose names stay free for authors' own names where they are not called
#: (``delta`` is a Greek letter, ``row`` a fine name): added with derivations, they
#: must not break a document that used them as names.
SOFT = ("diff", "vector", "row", "matrix", "delta",
        # the matrix functions, added with matrix calculus (tr, det, vec are common names)
        "trace", "tr", "det", "inv", "logdet", "vec", "kron", "outer", "softmax",
        "logsumexp")
#: The derivative operator on abstract functions, ``D(f)(x)``; a name otherwise.
DERIVATIVE = "D"
MAX_ORDER = 4  # D(D(D(D(f)))) at most
CONSTANTS = ("pi",)

MAX_TEXT = 2000      # characters in one expression
MAX_DEPTH = 40       # nesting of brackets
MAX_TREE_DEPTH = 150  # nesting of the tree (a flat sum of n terms nests n deep)
MAX_NAME = 32        # characters in one name
MAX_DIGITS = 20      # digits in one number literal

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Greek letters that are Python keywords (of Python's keywords, only ``lambda`` is
#: one). Python's parser refuses them as names, so they are read under a stand-in of the
#: same length (error columns stay right) made with a letter no author can write: a
#: name of the language is ASCII, and text holding that letter is refused first, so
#: the stand-in can never alias a name of the author's.
KEYWORD_NAMES = {"lambda": "\u03bbambda"}
_MARKER = "\u03bb"
_ORIGINAL = {stand_in: name for name, stand_in in KEYWORD_NAMES.items()}
#: What a Python lambda expression starts with (``lambda: 1``, ``lambda x, y: x``).
_LAMBDA_EXPRESSION = re.compile(r"(?<!\w)lambda(?!\w)[\w\s,]*:")
_KEYWORD = re.compile(r"(?<!\w)(" + "|".join(KEYWORD_NAMES) + r")(?!\w)")
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.MatMult: "@"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.NotEq: "!="}
_OTHER_OPS = {ast.Eq: "==", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
              ast.NotIn: "not in"}
# What users most often write instead of the language, with the fix to suggest.
_HINTS = {
    ast.Subscript: N_("a subscript is an index declared in :index: on a declared name, "
                      "such as x[i] or X[i, j]; write a component of a fixed-length "
                      "vector g as g1, g2 (1-based)"),
    ast.Lambda: N_("lambdas are not part of the language"),
    ast.Attribute: N_("the only attribute is .T (transpose)"),
    ast.BoolOp: N_("combine conditions with a comma in :where:, not and/or"),
    ast.IfExp: N_("write piecewise results as where(cond, a, b)"),
    ast.NamedExpr: N_("assignment expressions are not part of the language"),
}


def _allowed() -> str:
    """What the language allows, for messages about what it does not."""
    return _("numbers, names, + - * / ** ^ @, unary minus, parentheses, [vectors], "
             "[[matrices]], .T and the functions {functions}").format(
        functions=", ".join(FUNCTIONS))


def parse_expression(text: str, *, line: int | None = None,
                     functions: frozenset[str] = frozenset()) -> Expr:
    """Parse one expression (comparisons only as the first argument of ``where``);
    ``functions`` are the abstract functions declared in ``:functions:``."""
    tree = _python_tree(text, line)
    return _Converter(text, line, functions).convert(tree.body)


def parse_conditions(text: str, *, line: int | None = None,
                     functions: frozenset[str] = frozenset()) -> tuple[Expr, ...]:
    """Parse a ``:where:`` option: comma-separated comparisons that must all hold."""
    tree = _python_tree(text, line)
    body = tree.body
    parts = body.elts if isinstance(body, ast.Tuple) else [body]
    converter = _Converter(text, line, functions)
    converter.equalities = parts  # "a == b" only as a condition of its own
    result = tuple(converter.convert(p, condition=True) for p in parts)
    for part, node in zip(parts, result):
        if not isinstance(node, Compare):
            raise ParseError(
                _("each :where: condition must be a comparison such as x > 0, "
                  "not {text}").format(text=_quote(text, part)), line=line)
    return result


_DEFINITION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)\Z", re.S)


def parse_definition(text: str, line: int, functions: frozenset[str] = frozenset()
                     ) -> Definition:
    """Parse a content line ``name = expr``."""
    match = _DEFINITION.match(text)
    if not match:
        check_ascii(text, line)  # a fullwidth name fails the pattern: say which letter
        raise ParseError(_("expected a definition 'name = expression', got {text!r}")
                         .format(text=text.strip()), line=line)
    name = check_name(match.group(1), line)
    return Definition(name, parse_expression(match.group(2), line=line, functions=functions),
                      line, text.strip())


def is_definition(text: str) -> bool:
    """Whether a content line looks like ``name = expr``."""
    return bool(_DEFINITION.match(text))


def check_name(name: str, line: int | None) -> str:
    """Return ``name`` if it is a valid name of the language, else raise."""
    if len(name) > MAX_NAME:
        raise LimitError(_long_name(name), line=line)
    check_ascii(name, line)
    if not _NAME.match(name):
        raise ParseError(_("{name!r} is not a valid name: use letters, digits and "
                           "underscores, starting with a letter").format(name=name),
                         line=line)
    if (name in FUNCTIONS and name not in SOFT) or name in CONSTANTS:
        raise ParseError(_("{name!r} is a function or constant of the language and cannot "
                           "be used as a name").format(name=name), line=line)
    return name


def _long_name(name: str) -> str:
    return _("name {start}... is longer than {limit} characters").format(
        start=name[:MAX_NAME], limit=MAX_NAME)


# A name, its sizes, and a structure word (``S[n, n] symmetric``).
_DECL = re.compile(r"\s*([^\[\],\s]+)\s*(?:\[([^\]]*)\])?\s*(?:([^\[\],\s]+)\s*)?")


def parse_declarations(text: str, option: str) -> tuple[Declaration, ...]:
    """Parse ``:wrt:``/``:vars:``: ``x, y``, ``x[3]``, ``w[n], X[N, n]``."""
    decls: list[Declaration] = []
    rest = text.strip()
    if not rest:
        raise ParseError(_(":{option}: is empty; list names such as x, w[n]")
                         .format(option=option))
    while rest:
        match = _DECL.match(rest)
        if not match or match.end() == 0:
            raise ParseError(_("cannot read :{option}: at {rest!r}; write names such as "
                               "x, x[3], w[n], X[N, n]").format(option=option, rest=rest))
        name = check_name(match.group(1), None)
        dims = _parse_dims(match.group(2), name, option)
        word = match.group(3)
        decls.append(Declaration(name, dims, check_structure(name, dims, word, option)
                                 if word else ""))
        rest = rest[match.end():]
        if rest:
            if not rest.startswith(","):
                raise ParseError(_("cannot read :{option}: at {rest!r}; separate entries "
                                   "with commas").format(option=option, rest=rest))
            rest = rest[1:].strip()
    seen = [d.name for d in decls]
    for name in seen:
        if seen.count(name) > 1:
            raise ParseError(_("{name!r} is listed twice in :{option}:")
                             .format(name=name, option=option))
    return tuple(decls)


MAX_FIXED_SIZE = 12  # a symbolic Jacobian grows with the square of the size


def _parse_dims(text: str | None, name: str, option: str) -> tuple[int | str, ...]:
    if text is None:
        return ()
    parts = [p.strip() for p in text.split(",")]
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise ParseError(_("{name}[{sizes}] in :{option}: needs one size (vector) or two "
                           "(matrix), such as x[3], w[n], X[N, n]")
                         .format(name=name, sizes=text, option=option))
    dims: list[int | str] = []
    for part in parts:
        if part.isdigit():
            size = int(part[:MAX_DIGITS])
            if not 1 <= size <= MAX_FIXED_SIZE or len(part) > MAX_DIGITS:
                raise LimitError(_("size {size} of {name} is out of range: fixed sizes go "
                                   "from 1 to {limit}; use a size name such as n for a "
                                   "generic size").format(size=part, name=name,
                                                          limit=MAX_FIXED_SIZE))
            dims.append(size)
        elif _NAME.match(part) and len(part) <= MAX_NAME:
            dims.append(part)
        else:
            raise ParseError(_("size {size!r} of {name} in :{option}: must be a whole "
                               "number or a size name such as n")
                             .format(size=part, name=name, option=option))
    return tuple(dims)


def _python_tree(text: str, line: int | None) -> ast.Expression:
    if not text.strip():
        raise ParseError(_("empty expression"), line=line)
    if len(text) > MAX_TEXT:
        raise LimitError(_("expression is {length} characters long; the limit is {limit}")
                         .format(length=len(text), limit=MAX_TEXT), line=line)
    bad = next((c for c in text if ord(c) < 32 and c not in "\t\n\r"), None)
    if bad is not None:
        raise ParseError(_("control character {char!r} in expression").format(char=bad),
                         line=line)
    _check_no_comment(text, line)
    _check_no_caret_transpose(text, line)
    # Python reads names in NFKC form, in which mathematical italic lambda is λ too.
    if _MARKER in unicodedata.normalize("NFKC", text):
        raise ParseError(_("{char!r} is not part of the language: write Greek letters by "
                           "name, such as lambda").format(char=_MARKER), line=line)
    check_ascii(text, line)
    depth = max_bracket_depth(text)
    if depth > MAX_DEPTH:
        raise LimitError(_("expression nests {depth} brackets deep; the limit is {limit}")
                         .format(depth=depth, limit=MAX_DEPTH), line=line)
    source = python_source(text)
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        if _LAMBDA_EXPRESSION.search(text):
            raise ParseError(_("lambdas are not part of the language (lambda is a name, the "
                               "Greek letter): {text}").format(text=repr(text.strip()[:60])),
                             line=line) from None
        # Python's own explanation (err.msg) stays in English: it is not ours to translate.
        message = (_("syntax error in {text!r} at column {column}: {reason}") if err.offset
                   else _("syntax error in {text!r}: {reason}"))
        raise ParseError(message.format(text=text.strip(), column=err.offset,
                                        reason=_as_written(err.msg)), line=line) from None
    except (RecursionError, MemoryError, ValueError):
        raise LimitError(_("expression {text!r} is too deeply nested")
                         .format(text=text.strip()[:40]), line=line) from None


#: Typeset operators an author may paste from a formula, and what the language writes.
_ASCII_OPERATORS = {"\u2212": "-", "\u00b7": "*", "\u00d7": "*", "\u22c5": "*"}


def check_ascii(text: str, line: int | None = None) -> None:
    """Names are ASCII. Python reads names in NFKC form, in which a fullwidth or
    mathematical-italic x is x: accepted, such a letter would silently be another spelling
    of a variable (and :wrt: refuses it), so the text that holds one is refused."""
    char = next((c for c in text if ord(c) > 127 and not c.isspace()), None)
    if char is None:
        return
    plain = _ASCII_OPERATORS.get(char) or unicodedata.normalize("NFKC", char)
    hint = (_("; write {plain!r}").format(plain=plain)
            if plain.isascii() and (char in _ASCII_OPERATORS or plain.isalpha()) else "")
    raise ParseError(_("{char!r} (U+{code:04X}) is not part of the language: names and "
                       "operators are ASCII{hint}").format(char=char, code=ord(char),
                                                           hint=hint), line=line)


def max_bracket_depth(text: str) -> int:
    """The deepest nesting of ``()`` and ``[]`` in ``text``."""
    depth = deepest = 0
    for char in text:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest


def python_source(text: str) -> str:
    """The text Python's parser reads: ``^`` as ``**``, on one line, and the Greek names
    that are Python keywords under their stand-ins (:data:`KEYWORD_NAMES`).

    ``^`` has no other meaning in the language, so it can be rewritten before Python's
    parser gives it XOR precedence; line breaks inside an option are just spaces.
    """
    source = " ".join(text.replace("^", "**").split())
    return _KEYWORD.sub(lambda m: KEYWORD_NAMES[m.group(1)], source)


def original_name(name: str) -> str:
    """The author's name for a name of Python's tree (``lambda`` for its stand-in)."""
    return _ORIGINAL.get(name, name)


def _as_written(source: str) -> str:
    """Python source with the stand-ins back as the author wrote them, for messages."""
    for stand_in, name in _ORIGINAL.items():
        source = source.replace(stand_in, name)
    return source


#: ``X^T``, ``X^{T}``, ``X^\top``: a transpose as the Matrix Cookbook writes it.
_CARET_TRANSPOSE = re.compile(r"\^\s*(?:\{\s*T\s*\}|T\b|\\top\b)")


def _check_no_caret_transpose(text: str, line: int | None) -> None:
    """``^`` is a power here, so ``X^T`` read as X to the power of a scalar named T,
    which failed with a baffling value of T (a new user copying the Cookbook)."""
    match = _CARET_TRANSPOSE.search(text)
    if match:
        raise ParseError(_("{text} is a power in this language ({caret} means **): write "
                           "X.T for a transpose, or X**T for a power").format(
            text=match.group(0).strip(), caret="^"), line=line)


def _check_no_comment(text: str, line: int | None) -> None:
    """``#`` is not part of the language; in Python it would start a comment that, once
    the lines are joined, swallowed every line after it (``3*x**2  # rule`` then
    ``+ 1`` was read as ``3*x**2``)."""
    if "#" in text:
        raise ParseError(_("'#' is not part of the language (there are no comments in "
                           "an expression): {text}").format(text=repr(text.strip()[:60])),
                         line=line)


def _quote(text: str, node: ast.AST) -> str:
    source = python_source(text)
    segment = _as_written(ast.get_source_segment(source, node) or type(node).__name__)
    return repr(segment if len(segment) <= 60 else segment[:57] + "...")


class _Converter:
    """Turns a whitelisted Python ``ast`` tree into a :mod:`.syntax` tree."""

    def __init__(self, text: str, line: int | None,
                 functions: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.line = line
        self.functions = functions
        self.depth = 0
        #: The nodes that may be an equality constraint (the parts of a :where:).
        self.equalities: list[ast.expr] = []

    def fail(self, node: ast.AST, why: str) -> ParseError:
        return ParseError(_("{why}: {text}").format(why=why, text=_quote(self.text, node)),
                          line=self.line)

    def convert(self, node: ast.AST, *, condition: bool = False) -> Expr:
        self.depth += 1
        if self.depth > MAX_TREE_DEPTH:
            raise LimitError(_("expression nests more than {limit} levels deep")
                             .format(limit=MAX_TREE_DEPTH), line=self.line)
        try:
            return self._convert(node, condition)
        finally:
            self.depth -= 1

    def _convert(self, node: ast.AST, condition: bool) -> Expr:
        match node:
            case ast.Constant(value=bool()) | ast.Constant(value=None):
                raise self.fail(node, _("keywords are not part of the language"))
            case ast.Constant(value=int() | float()):
                return self._number(node)
            case ast.Constant():
                raise self.fail(node, _("only numbers are allowed as literals, not this"))
            case ast.Name(id=name):
                return self._name(node, original_name(name))
            case ast.UnaryOp(op=ast.USub() | ast.UAdd() as op, operand=operand):
                return Unary("-" if isinstance(op, ast.USub) else "+",
                             self.convert(operand))
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINOPS:
                return Binary(_BINOPS[type(op)], self.convert(left), self.convert(right))
            case ast.Attribute(value=value, attr="T"):
                return Transpose(self.convert(value))
            case ast.Call():
                return self._call(node)
            case ast.Subscript(value=ast.Name(id=base), slice=index):
                return self._subscript(node, base, index)
            case ast.List(elts=elts):
                if not elts:
                    raise self.fail(node, _("an empty vector is not allowed"))
                return ArrayLit(tuple(self.convert(e) for e in elts))
            case ast.Compare():
                return self._compare(node, condition)
            case ast.Tuple():
                raise self.fail(node, _("a comma-separated list must be written as a "
                                        "vector [a, b] (a comma separates conditions only "
                                        "in :where:)"))
        hint = next((h for t, h in _HINTS.items() if isinstance(node, t)), None)
        why = _(hint) if hint else _("{node} is not part of the language").format(
            node=type(node).__name__)
        raise self.fail(node, _("{why}; allowed are {allowed}").format(
            why=why, allowed=_allowed()))

    def _number(self, node: ast.Constant) -> Num:
        literal = ast.get_source_segment(python_source(self.text), node) or repr(node.value)
        digits = sum(c.isdigit() for c in literal)
        exponent = literal.lower().partition("e")[2]
        if exponent.lstrip("+-").isdigit() and abs(int(exponent)) > MAX_DIGITS:
            raise LimitError(_out_of_range(literal[:30]), line=self.line)
        if digits > MAX_DIGITS or "j" in literal.lower():
            raise LimitError(_("number {number!r} is too long or not real; numbers have at "
                               "most {limit} digits").format(number=literal[:30],
                                                             limit=MAX_DIGITS),
                             line=self.line)
        try:
            value = Fraction(literal.replace("_", ""))
        except (ValueError, ZeroDivisionError):
            raise self.fail(node, _("cannot read this number")) from None
        if abs(value) > 10**MAX_DIGITS or (value and abs(value) < Fraction(1, 10**MAX_DIGITS)):
            raise LimitError(_out_of_range(literal), line=self.line)
        return Num(value)

    def _name(self, node: ast.Name, name: str) -> Expr:
        if name in CONSTANTS:
            return Const(name)
        if name in FUNCTIONS and name not in SOFT:
            raise self.fail(node, _("{name} is a function: call it as {name}(...)")
                            .format(name=name))
        if name in self.functions:
            raise self.fail(node, _("{name} is a function of :functions:: apply it, as "
                                    "{name}(x)").format(name=name))
        if len(name) > MAX_NAME:
            raise LimitError(_long_name(name), line=self.line)
        if not _NAME.match(name):
            raise self.fail(node, _("names start with a letter (no leading underscore)"))
        return Name(name)

    def _call(self, node: ast.Call) -> Call | Apply:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, _("keyword and star arguments are not part of the "
                                    "language"))
        if isinstance(node.func, ast.Call) or (isinstance(node.func, ast.Name) and
                                               original_name(node.func.id) in self.functions):
            ref = self._function(node.func)
            if not node.args:
                raise self.fail(node, _("an abstract function takes at least one argument"))
            return Apply(ref, tuple(self.convert(a) for a in node.args))
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, _("only the functions of the language can be called"))
        func = original_name(node.func.id)
        if func == DERIVATIVE:
            raise self.fail(node, _("D(f) is the derivative of an abstract function f: "
                                    "apply it to arguments, as D(f)(x)"))
        if func not in FUNCTIONS:
            declare = (_("; declare abstract functions in :functions:") if not
                       self.functions else "")
            # Not self.fail: it would quote the name a second time.
            raise ParseError(_("unknown function {name!r}; the functions are "
                               "{functions}{declare}").format(
                name=func, functions=", ".join(FUNCTIONS), declare=declare),
                line=self.line)
        if len(node.args) not in FUNCTIONS[func]:
            counts = _(" or ").join(str(n) for n in FUNCTIONS[func])
            raise self.fail(node, _("{name} takes {counts} argument(s), not {given}")
                            .format(name=func, counts=counts, given=len(node.args)))
        args = tuple(self.convert(a, condition=(func == "where" and i == 0))
                     for i, a in enumerate(node.args))
        if func == "where" and not isinstance(args[0], Compare):
            raise self.fail(node.args[0], _("the first argument of where() must be a "
                                            "comparison such as x > 0"))
        return Call(func, args)

    def _function(self, node: ast.expr) -> FunctionRef:
        """``f`` or ``D(f)``, ``D(f, 2)``, ``D(D(f))``: a function to apply."""
        if isinstance(node, ast.Name):
            name = original_name(node.id)
            if name not in self.functions:
                # Not self.fail: it would quote the name a second time.
                raise ParseError(_("{name} is not declared in :functions:; declare the "
                                   "abstract functions there, as :functions: f, g")
                                 .format(name=name), line=self.line)
            return FunctionRef(name)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == DERIVATIVE and 1 <= len(node.args) <= 2
                and not node.keywords):
            raise self.fail(node, _("only an abstract function f and its derivatives "
                                    "D(f), D(f, k), D(D(f)) can be applied this way"))
        inner = self._function(node.args[0])
        order = 0  # "the only argument": an error if the function takes several
        if len(node.args) == 2:
            argument = node.args[1]
            if not (isinstance(argument, ast.Constant) and type(argument.value) is int
                    and 1 <= argument.value <= 9):
                raise self.fail(argument, _("D(f, k) takes the number k of the argument "
                                            "to differentiate by, from 1 to 9"))
            order = argument.value
        if len(inner.orders) >= MAX_ORDER:
            raise self.fail(node, _("derivatives of abstract functions go up to order "
                                    "{limit}").format(limit=MAX_ORDER))
        return FunctionRef(inner.name, (*inner.orders, order))

    def _subscript(self, node: ast.Subscript, base: str, index: ast.expr) -> Subscript:
        """``x[i]``, ``X[i, j]``: a declared array subscripted by indices (names)."""
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        if not 1 <= len(parts) <= 2 or not all(isinstance(p, ast.Name) for p in parts):
            raise self.fail(node, _(_HINTS[ast.Subscript]))
        base = original_name(base)
        if not _NAME.match(base) or len(base) > MAX_NAME:
            raise self.fail(node, _("names start with a letter (no leading underscore)"))
        return Subscript(base, tuple(original_name(p.id)  # type: ignore[union-attr]
                                     for p in parts))

    def _compare(self, node: ast.Compare, condition: bool) -> Compare:
        if not condition:
            raise self.fail(node, _("comparisons are only allowed in :where: and as the "
                                    "first argument of where()"))
        ops = []
        for op in node.ops:
            if isinstance(op, ast.Eq) and len(node.ops) == 1 and any(
                    node is part for part in self.equalities):
                ops.append("==")
                continue
            if isinstance(op, ast.Eq):
                raise self.fail(node, _("== is an equality constraint: write it as a "
                                        "condition of its own in :where:, such as "
                                        "sum(y) == 1"))
            if type(op) not in _CMPOPS:
                raise self.fail(node, _("{op} is not one of the comparisons, which are "
                                        "< <= > >= !=").format(
                    op=_OTHER_OPS.get(type(op), type(op).__name__)))
            ops.append(_CMPOPS[type(op)])
        operands = (node.left, *node.comparators)
        return Compare(tuple(ops), tuple(self.convert(o) for o in operands))


def _out_of_range(literal: str) -> str:
    return _("number {number!r} is out of range: numbers go from 1e-{limit} to 1e{limit}; "
             "write smaller or larger ones as powers, such as 10**-30").format(
        number=literal, limit=MAX_DIGITS)
