"""Building trees that are already simplified: the engine's smart constructors.

Every tree the engine makes goes through :class:`Algebra`, whose constructors apply
the rules a person applies without thinking: numbers folded (``2 * 3 * x`` is
``6 * x``), like terms combined (``A @ x + A @ x`` is ``2 * A @ x``), common factors
collected (``A @ x + A.T @ x`` is ``(A + A.T) @ x``), transposes moved inward
(``(A @ B).T`` is ``B.T @ A.T``; a matrix declared symmetric is its own transpose),
identities and ones dropped (``eye(n) @ A``, ``ones(n) * v``, ``diag(v) @ ones(n)``),
inverses cancelled (``inv(A) @ A``), diagonals combined (``diag(a) @ diag(b)`` is
``diag(a * b)``, ``diag(a) - diag(b)`` is ``diag(a - b)``, ``r @ diag(v)`` is
``(r.T * v).T``). A product is read as a :class:`Product`: a
number, scalar factors, scalar divisors and a chain of ``@`` factors; it is written back
the way the language parses it (``2/N * r.T @ X`` is ``((2/N) * r.T) @ X``), so that
reading a written product gives the same product back, which makes
:func:`.simplify.simplify` idempotent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction

from ...language.syntax import Binary, Call, Expr, Name, Num, Transpose, Unary, walk
from .shape import Shapes, Unsupported, dim_tree, is_column, is_row, vector_length


@dataclass(frozen=True)
class Product:
    """``coeff * scalars... / divisors... * chain[0] @ chain[1] @ ...``."""

    coeff: Fraction
    scalars: tuple[Expr, ...] = ()
    divisors: tuple[Expr, ...] = ()
    chain: tuple[Expr, ...] = ()

    def times(self, other: Product) -> Product:
        return Product(self.coeff * other.coeff, self.scalars + other.scalars,
                       self.divisors + other.divisors, self.chain + other.chain)

    def key(self) -> tuple:
        """What two terms share when they are alike (differ by a number at most)."""
        normal = powers(self)
        return (frozenset(Counter(normal.scalars).items()),
                frozenset(Counter(normal.divisors).items()), self.chain)


def _split_power(node: Expr) -> tuple[Expr, int]:
    if (isinstance(node, Binary) and node.op == "**" and isinstance(node.right, Num)
            and Fraction(node.right.value).denominator == 1):
        return node.left, int(node.right.value)
    return node, 1


def powers(product: Product) -> Product:
    """Scalar factors and divisors with the powers of one base merged: ``x / x**2``
    is ``1 / x``, ``x * x`` is ``x**2``."""
    exponents: dict[Expr, int] = {}
    for sign, items in ((1, product.scalars), (-1, product.divisors)):
        for item in items:
            base, k = _split_power(item)
            exponents[base] = exponents.get(base, 0) + sign * k

    return replace(product,
                   scalars=tuple(_power(b, k) for b, k in exponents.items() if k > 0),
                   divisors=tuple(_power(b, -k) for b, k in exponents.items() if k < 0))


def _power(base: Expr, k: int) -> Expr:
    return base if k == 1 else Binary("**", base, Num(Fraction(k)))


def _unfold(node: Expr) -> list[Expr]:
    """The factors of a left-grouped product ``a @ b @ c``."""
    if isinstance(node, Binary) and node.op == "@":
        return [*_unfold(node.left), node.right]
    return [node]


def number(value: Fraction) -> Expr:
    """A number as the parser reads it: ``3``, ``1/2``, ``-(2)`` as ``-2``."""
    if value < 0:
        return Unary("-", number(-value))
    if value.denominator == 1:
        return Num(value)
    return Binary("/", Num(Fraction(value.numerator)), Num(Fraction(value.denominator)))


def transposes(node: Expr) -> int:
    return sum(isinstance(n, Transpose) for n in walk(node))


def stripped(node: Expr) -> Expr:
    """``node`` without its transposes: terms that differ only by them sort together."""
    if isinstance(node, Transpose):
        return stripped(node.operand)
    if isinstance(node, Binary):
        return Binary(node.op, stripped(node.left), stripped(node.right))
    if isinstance(node, Unary):
        return Unary(node.op, stripped(node.operand))
    if isinstance(node, Call):
        return Call(node.func, tuple(stripped(a) for a in node.args))
    return node


def is_call(node: Expr, func: str) -> bool:
    return isinstance(node, Call) and node.func == func


def _left_fold(op: str, items: list[Expr]) -> Expr:
    tree = items[0]
    for item in items[1:]:
        tree = Binary(op, tree, item)
    return tree


def _negate_leftmost(node: Expr) -> Expr:
    """``node`` with its leftmost factor negated, as ``-2/N * x`` parses."""
    if isinstance(node, Binary) and node.op in ("*", "/", "@"):
        return Binary(node.op, _negate_leftmost(node.left), node.right)
    return Unary("-", node)


class Algebra:
    """Smart constructors over the shapes of one problem. ``None`` stands for zero."""

    def __init__(self, shapes: Shapes) -> None:
        self.shapes = shapes

    def scalar(self, node: Expr) -> bool:
        return self.shapes.is_scalar(node)

    # Reading and writing products -------------------------------------------------

    def factor(self, node: Expr) -> Product:
        """``node`` read as a :class:`Product`."""
        match node:
            case Num(value=value):
                return Product(Fraction(value))
            case Unary(op=op, operand=operand):
                inner = self.factor(operand)
                return replace(inner, coeff=-inner.coeff) if op == "-" else inner
            case Binary(op="*", left=left, right=right) if (self.scalar(left)
                                                            or self.scalar(right)):
                return self.factor(left).times(self.factor(right))
            case Binary(op="/", left=left, right=right) if self.scalar(right):
                top, bottom = self.factor(left), self.factor(right)
                if bottom.coeff == 0:
                    raise Unsupported("division by zero")
                return Product(top.coeff / bottom.coeff, top.scalars + bottom.divisors,
                               top.divisors + bottom.scalars, top.chain)
            case Binary(op="@", left=left, right=right) if not self.numpy_product(node):
                product = self.factor(left).times(self.factor(right))
                if self.scalar(node):
                    return replace(product, chain=(),
                                   scalars=(*product.scalars, self._chain(product.chain)))
                return product
            case Binary(op="*", left=left, right=right):
                a, b = self.factor(left), self.factor(right)
                atom = Binary("*", self._chain(a.chain), self._chain(b.chain))
                return replace(a.times(b), chain=(atom,))
        if self.scalar(node):
            return Product(Fraction(1), scalars=(node,))
        return Product(Fraction(1), chain=(node,))

    def numpy_product(self, node: Binary) -> bool:
        """Whether ``node`` is ``v @ M`` with a column ``v`` read as a row (NumPy's
        rule, a column result): not a link of a chain, so kept whole."""
        a, b = self.shapes.of(node.left), self.shapes.of(node.right)
        return is_column(a) and not is_column(b) and not (a[1] - b[0]).is_zero

    def _unfolds(self, node: Expr) -> bool:
        """Whether a scalar ``@`` is written as the tail of a product (``2 * x.T @ y``):
        not a dot product of two columns, which a coefficient would join as
        ``(2 * x * a) @ a``, printed (2 x a)^T a, instead of ``2 * x * (a @ a)``."""
        if not (isinstance(node, Binary) and node.op == "@"):
            return False
        first = _unfold(node)[0]
        return len(_unfold(node)) > 2 or not is_column(self.shapes.of(first))

    def _of_arrays(self, node: Expr) -> bool:
        """Whether a scalar is made of arrays (``a @ a``, ``norm(x)``, ``trace(A)``)."""
        return any(not self.scalar(n) for n in walk(node) if isinstance(n, Name))

    def _numpy_inside(self, node: Expr) -> bool:
        """Whether a :meth:`numpy_product` is among ``node``'s terms or their factors."""
        return any(isinstance(n, Binary) and n.op == "@" and self.numpy_product(n)
                   for n in walk(node))

    def _chain(self, chain: tuple[Expr, ...]) -> Expr:
        return _left_fold("@", list(self._tidy_chain(chain)))

    def _tidy_chain(self, chain: tuple[Expr, ...]) -> tuple[Expr, ...]:
        """Identities dropped, ``diag(v) @ ones(n)`` folded to ``v``."""
        items = [f for f in chain if not is_call(f, "eye")] or list(chain[:1])
        changed = True
        while changed:
            changed = False
            for k in range(len(items) - 1):
                a, b = items[k], items[k + 1]
                if is_call(a, "diag") and is_call(b, "ones") and is_column(
                        self.shapes.of(a.args[0])):  # type: ignore[union-attr]
                    items[k:k + 2] = [a.args[0]]  # type: ignore[union-attr]
                elif is_call(a, "kron") and is_call(b, "kron") and self._mixed(a, b):
                    # kron(A, B) @ kron(C, D) = kron(A @ C, B @ D)
                    (p, q), (r, t) = a.args, b.args  # type: ignore[union-attr]
                    items[k:k + 2] = [Call("kron", (self.matmul(p, r), self.matmul(q, t)))]  # type: ignore[arg-type]
                elif (isinstance(a, Transpose) and is_call(a.operand, "ones")
                      and is_call(b, "diag") and is_column(self.shapes.of(b.args[0]))):  # type: ignore[union-attr]
                    items[k:k + 2] = [Transpose(b.args[0])]  # type: ignore[union-attr]
                elif self._diagonal(b) and is_row(self.shapes.of(a)):
                    # r @ diag(v) = (r.T * v).T, entry by entry
                    both = self.mul(self.transpose(a), b.args[0])  # type: ignore[union-attr]
                    if both is None:
                        continue
                    items[k:k + 2] = [Transpose(both)]
                elif self._diagonal(a) and is_column(self.shapes.of(b)):
                    both = self.mul(a.args[0], b)  # type: ignore[union-attr]
                    if both is None:
                        continue
                    items[k:k + 2] = [both]
                elif (self._with_diagonal(a) and is_column(self.shapes.of(b))) or (
                        self._with_diagonal(b) and is_row(self.shapes.of(a))):
                    # (diag(p) - p @ p.T) @ r inside a longer chain: multiplied out
                    spread = self._spread(a, b)
                    if spread is None:
                        continue
                    items[k:k + 2] = [spread]
                elif self._diagonal(a) and self._diagonal(b):
                    # diag(a) @ diag(b) = diag(a * b)
                    both = self.mul(a.args[0], b.args[0])  # type: ignore[union-attr]
                    if both is None:
                        continue
                    items[k:k + 2] = [Call("diag", (both,))]
                elif _inverses(a, b):
                    # inv(A) @ A, A @ inv(A) and their transposes are the identity
                    items[k:k + 2] = [] if len(items) > 2 else [
                        self.eye(self.shapes.of(a))]
                else:
                    continue
                changed = True
                break
        return tuple(items)

    def _mixed(self, a: Call, b: Call) -> bool:
        """Whether ``a @ b`` of two Kronecker products multiplies factor by factor."""
        (p, q), (r, t) = a.args, b.args
        sp, sq, sr, st = (self.shapes.of(x) for x in (p, q, r, t))
        return bool(sp and sq and sr and st) and (sp[1] - sr[0]).is_zero and (
            sq[1] - st[0]).is_zero

    def write(self, product: Product) -> Expr | None:
        """``product`` as a tree, the way the parser would read it back."""
        if product.coeff == 0:
            return None
        product = powers(product)
        scalars, divisors = list(product.scalars), list(product.divisors)
        chain = list(self._tidy_chain(product.chain))
        if not chain and scalars and self._unfolds(scalars[-1]):
            chain = _unfold(scalars.pop())  # 2 * x.T @ y rather than 2 * (x.T @ y)
        size = abs(product.coeff)
        top: list[Expr] = ([Num(Fraction(size.numerator))]
                           if size.numerator != 1 or not scalars else [])
        top += scalars
        bottom: list[Expr] = ([Num(Fraction(size.denominator))]
                              if size.denominator != 1 else []) + divisors
        coefficient: Expr | None = None
        if bottom and not scalars and size.numerator == 1 and chain:
            # x.T / norm(x) rather than 1/norm(x) * x.T
            head = Unary("-", chain[0]) if product.coeff < 0 else chain[0]
            return Binary("/", _left_fold("@", [head, *chain[1:]]), _left_fold("*", bottom))
        if bottom:
            coefficient = Binary("/", _left_fold("*", top) if top else Num(Fraction(1)),
                                 _left_fold("*", bottom))
        elif top and (top != [Num(Fraction(1))] or not chain):
            coefficient = _left_fold("*", top)
        if chain:
            head = chain[0]
            if coefficient is None and product.coeff < 0:
                head = Unary("-", head)
            elif coefficient is not None:
                if product.coeff < 0:
                    coefficient = _negate_leftmost(coefficient)
                head = Binary("*", coefficient, head)
            return _left_fold("@", [head, *chain[1:]])
        assert coefficient is not None
        return _negate_leftmost(coefficient) if product.coeff < 0 else coefficient

    # Sums ---------------------------------------------------------------------------

    def _terms(self, node: Expr, sign: int, into: list[Product]) -> None:
        match node:
            case Binary(op="+" | "-" as op, left=left, right=right):
                self._terms(left, sign, into)
                self._terms(right, -sign if op == "-" else sign, into)
            case Unary(op=op, operand=operand) if isinstance(operand, Binary) and \
                    operand.op in "+-":
                self._terms(operand, -sign if op == "-" else sign, into)
            case _:
                product = self.factor(node)
                into.append(replace(product, coeff=product.coeff * sign))

    def add(self, *nodes: Expr | None, signs: tuple[int, ...] | None = None) -> Expr | None:
        """The sum of ``nodes`` (``None`` is zero) with ``signs`` (+1/-1), simplified."""
        products: list[Product] = []
        for k, node in enumerate(nodes):
            if node is not None:
                self._terms(node, signs[k] if signs else 1, products)
        return self._sum(products)

    def _sum(self, products: list[Product]) -> Expr | None:
        combined: dict[tuple, Product] = {}
        for p in products:
            key = p.key()
            if key in combined:
                combined[key] = replace(combined[key], coeff=combined[key].coeff + p.coeff)
            else:
                combined[key] = p
        terms = self._diagonals([powers(p) for p in combined.values() if p.coeff != 0])
        if not terms:
            return None
        if len(terms) > 1:
            common = self._common_scalars(terms)
            if common is not None:
                return common
            terms = self._collect(terms)
            if len(terms) == 1:
                return self.write(terms[0])
        return self._write_sum(terms)

    def _diagonals(self, terms: list[Product]) -> list[Product]:
        """``diag(a) - 2 * diag(b)`` as ``diag(a - 2 * b)``: the terms that are a
        diagonal matrix of a column (by scalars) summed inside one ``diag``."""
        group = [t for t in terms if len(t.chain) == 1 and self._diagonal(t.chain[0])]
        if len(group) < 2:
            return terms
        inside = self.add(*[self.write(replace(t, chain=(t.chain[0].args[0],)))  # type: ignore[union-attr]
                            for t in group])
        rest = [t for t in terms if t not in group]
        if inside is None:
            return rest
        at = terms.index(group[0])
        return [*rest[:at], self.factor(Call("diag", (inside,))), *rest[at:]]

    def _diagonal(self, node: Expr) -> bool:
        """Whether ``node`` is ``diag(v)`` of a column ``v``."""
        return is_call(node, "diag") and is_column(self.shapes.of(node.args[0]))  # type: ignore[union-attr]

    def _common_scalars(self, terms: list[Product]) -> Expr | None:
        """``a / s + b / s`` as ``(a + b) / s``: scalar factors and divisors that every
        term has, taken out once."""
        def exponents(items: tuple[Expr, ...]) -> dict[Expr, int]:
            found: dict[Expr, int] = {}
            for item in items:
                base, k = _split_power(item)
                found[base] = found.get(base, 0) + k
            return found

        def shared(field: str) -> dict[Expr, int]:
            maps = [exponents(getattr(t, field)) for t in terms]
            return {b: min(m[b] for m in maps) for b in maps[0]
                    if all(b in m for m in maps)}

        scalars, divisors = shared("scalars"), shared("divisors")
        if all(not t.chain and all(self.scalar(f) for f in t.scalars) for t in terms):
            # A sum of monomials in scalars stays one: x**9 * cos(x) + 9 * x**8 * sin(x)
            # is what a person writes, not x**8 * (x * cos(x) + 9 * sin(x)) nested down;
            # but a scalar made of arrays that they share (a dot product, a norm) is
            # taken out: (a @ a) * (2 * x + 1).
            scalars = {b: k for b, k in scalars.items() if self._of_arrays(b)}
        if not scalars and not divisors:
            return None

        def without(items: tuple[Expr, ...], common: dict[Expr, int]) -> tuple[Expr, ...]:
            rest = exponents(items)
            for base, k in common.items():
                rest[base] -= k
            return tuple(_power(b, k) for b, k in rest.items() if k)

        inner = self._sum([replace(t, scalars=without(t.scalars, scalars),
                                   divisors=without(t.divisors, divisors)) for t in terms])
        if inner is None:
            return None
        part = (Product(Fraction(1), scalars=(inner,)) if self.scalar(inner)
                else Product(Fraction(1), chain=(inner,)))
        return self.write(Product(Fraction(1), tuple(_power(b, k) for b, k in scalars.items()),
                                  tuple(_power(b, k) for b, k in divisors.items())).times(part))

    def _collect(self, terms: list[Product]) -> list[Product]:
        """``L @ a + L @ b`` as ``L @ (a + b)``, and the same on the right, for every
        group of terms that share a first (or last) factor."""
        for side in (0, -1):
            for k, term in enumerate(terms):
                if len(term.chain) < 2:
                    continue
                shared = term.chain[side]
                group = [t for t in terms if len(t.chain) >= 2 and t.chain[side] == shared]
                if len(group) < 2:
                    continue
                rests = [replace(t, chain=t.chain[1:] if side == 0 else t.chain[:-1])
                         for t in group]
                inner = self._sum(rests)
                collected = (None if inner is None else
                             self.matmul(shared, inner) if side == 0 else
                             self.matmul(inner, shared))
                others = [t for t in terms if t not in group]
                if collected is None:
                    return self._collect(others) if others else []
                others.insert(min(k, len(others)), self.factor(collected))
                return self._collect(others) if len(others) > 1 else others
        return terms

    def _write_sum(self, terms: list[Product]) -> Expr:
        written = [(t, self.write(t)) for t in terms]
        groups: dict[Expr, int] = {}
        order = []
        for k, (t, tree) in enumerate(written):
            group = groups.setdefault(stripped(self.write(replace(t, coeff=abs(t.coeff)))),
                                      k)
            order.append((group, transposes(tree), k))
        # A and A.T together read A + A.T: within a group, fewer transposes first.
        ranked = [written[k] for _g, _t, k in sorted(order)]
        tree = ranked[0][1]
        for t, term in ranked[1:]:
            if t.coeff < 0:
                tree = Binary("-", tree, self.write(replace(t, coeff=-t.coeff)))
            else:
                tree = Binary("+", tree, term)
        assert tree is not None
        return tree

    def neg(self, node: Expr | None) -> Expr | None:
        return self.add(node, signs=(-1,))

    def sub(self, a: Expr | None, b: Expr | None) -> Expr | None:
        return self.add(a, b, signs=(1, -1))

    # Products -----------------------------------------------------------------------

    def mul(self, a: Expr | None, b: Expr | None) -> Expr | None:
        """``a * b``: by a scalar, or entry by entry."""
        if a is None or b is None:
            return None
        if self.scalar(a) or self.scalar(b):
            return self.write(self.factor(a).times(self.factor(b)))
        # (entry by entry, the shapes are equal: ones of a column or of a row drop)
        if _ones_vector(a):
            return b
        if _ones_vector(b):
            return a
        for x, y in ((a, b), (b, a)):  # u * (1 / v) is u / v
            if isinstance(y, Binary) and y.op == "/" and y.left == Num(Fraction(1)):
                return Binary("/", x, y.right)
        return self.write(self.factor(Binary("*", a, b)))

    def div(self, a: Expr | None, b: Expr) -> Expr | None:
        if a is None:
            return None
        if self.scalar(b):
            return self.write(self.factor(Binary("/", a, b)))
        return Binary("/", a, b)

    def matmul(self, a: Expr | None, b: Expr | None) -> Expr | None:
        """``a @ b``, written with row vectors where NumPy reads a column as a row."""
        if a is None or b is None:
            return None
        if self.scalar(a) or self.scalar(b):
            return self.mul(a, b)
        self.shapes.of(Binary("@", a, b))  # refuses a product of the wrong shapes
        spread = self._spread(a, b)
        if spread is not None:
            return spread
        return self.write(self.factor(Binary("@", a, b)))

    def _spread(self, a: Expr, b: Expr) -> Expr | None:
        """A row times a sum with a diagonal term (``r @ (diag(p) - p @ p.T)``, the
        softmax's Jacobian), or such a sum times a column, multiplied out: the term
        by ``diag`` is then entry by entry (``(r.T * p).T``), which the scalar
        algebra of :mod:`.elementwise` can cancel. Else None."""
        vector = (is_row(self.shapes.of(a)) and self._with_diagonal(b)) or (
            is_column(self.shapes.of(b)) and self._with_diagonal(a))
        if not vector:
            return None
        products: list[Product] = []
        summed, other = (b, a) if self._with_diagonal(b) and is_row(self.shapes.of(a)) \
            else (a, b)
        self._terms(summed, 1, products)
        # Only where the vector holds the diagonal's own entries (a quotient by p
        # beside diag(p)): x.T @ (diag(v) + A) stays as it is.
        inside = set(walk(other))
        if not any(len(p.chain) == 1 and self._diagonal(p.chain[0])
                   and p.chain[0].args[0] in inside for p in products):  # type: ignore[union-attr]
            return None
        terms = [self.write(p) for p in products]
        if summed is b:
            return self.add(*[self.matmul(other, t) for t in terms])
        return self.add(*[self.matmul(t, other) for t in terms])

    def _with_diagonal(self, node: Expr) -> bool:
        """Whether ``node`` is a sum with a term that is ``diag(v)`` times scalars."""
        if not (isinstance(node, Binary) and node.op in "+-"):
            return False
        products: list[Product] = []
        self._terms(node, 1, products)
        return len(products) > 1 and any(
            len(p.chain) == 1 and self._diagonal(p.chain[0]) for p in products)

    def power(self, a: Expr, b: Expr) -> Expr:
        if b == Num(Fraction(1)):
            return a
        return Binary("**", a, b)

    def transpose(self, node: Expr | None) -> Expr | None:
        """``node.T`` with the transpose moved inward as far as it goes; a matrix
        declared symmetric (or spd, or diagonal) is its own transpose, and so is the
        inverse of a sum that is (``inv(A + X.T @ C @ X)`` with A and C symmetric)."""
        if node is None or self.scalar(node):
            return node
        match node:
            case Name(id=name) if name in self.shapes.symmetric:
                return node
            case Call(func="inv", args=(inner,)) if self.transpose(inner) == inner:
                return node
            case Transpose(operand=operand):
                return operand
            case Unary(op=op, operand=operand):
                inner = self.transpose(operand)
                return self.neg(inner) if op == "-" else inner
            case Binary(op="+" | "-"):
                products: list[Product] = []
                self._terms(node, 1, products)
                pushed = self.add(*[self._transposed(p) for p in products])
                # (X @ w - y).T stays whole (the author's residual); (A.T + B).T is
                # A + B.T, and a derived sum with transposes inside is opened, as is
                # one with a NumPy product (x @ A, printed x^T A: its transpose would
                # read as a column).
                if (pushed is None or transposes(node) or self._numpy_inside(node)
                        or transposes(pushed) <= transposes(node) + 1):
                    return pushed
                return Transpose(node)
            case Call(func="diag" | "eye"):
                return node
            case Call(func="kron", args=(a, b)):
                return Call("kron", (self.transpose(a), self.transpose(b)))  # type: ignore[arg-type]
            case Binary(op="@", left=left, right=right) if self.numpy_product(node):
                # (v @ M).T, NumPy's column M.T v, is the row v.T M: written so, since
                # the page prints v @ M as v^T M, and (v^T M)^T would read as a column.
                return self.matmul(self.transpose(left), right)
        product = self.factor(node)
        if product.chain and (len(product.chain) > 1 or product.chain[0] != node):
            return self._transposed(product)
        return Transpose(node)

    def _transposed(self, product: Product) -> Expr | None:
        chain = tuple(self.transpose(f) for f in reversed(product.chain))
        try:
            self.shapes.of(_left_fold("@", list(chain)))  # type: ignore[arg-type]
        except Unsupported:
            # A dot product inside, (p @ p.T @ r).T: r.T @ p is a scalar, and a scalar
            # times p.T is no link of a chain; multiplied out one factor at a time.
            folded = chain[0]
            for factor in chain[1:]:
                folded = self.matmul(folded, factor)
            if folded is None:
                return None
            return self.write(replace(product, chain=()).times(self.factor(folded)))
        return self.write(replace(product, chain=chain))  # type: ignore[arg-type]

    # Constants ----------------------------------------------------------------------

    def eye(self, shape) -> Expr:
        return Call("eye", (dim_tree(shape[0]),))

    def ones(self, shape) -> Expr:
        """Ones of an array shape: a column, a row, or ``ones(m) @ ones(n).T``."""
        if is_column(shape) or (shape[1] - 1).is_zero:
            return Call("ones", (dim_tree(shape[0]),))
        if is_row(shape):
            return Transpose(Call("ones", (dim_tree(shape[1]),)))
        return Binary("@", Call("ones", (dim_tree(shape[0]),)),
                      Transpose(Call("ones", (dim_tree(shape[1]),))))

    def zero(self, shape) -> Expr:
        if not shape:
            return Num(Fraction(0))
        return Call("zeros", (dim_tree(shape[0]), dim_tree(shape[1])))

    def column(self, node: Expr) -> Expr:
        """A vector as a column."""
        shape = self.shapes.of(node)
        vector_length(shape)
        return node if is_column(shape) or (shape[1] - 1).is_zero else self.transpose(node)  # type: ignore[return-value]


def _inverses(a: Expr, b: Expr) -> bool:
    """Whether ``a @ b`` is an identity: ``inv(A) @ A``, ``A @ inv(A)``, or one of these
    transposed (``inv(A).T @ A.T``)."""
    if isinstance(a, Transpose) and isinstance(b, Transpose):
        a, b = b.operand, a.operand
    return (is_call(a, "inv") and a.args[0] == b) or (  # type: ignore[union-attr]
        is_call(b, "inv") and b.args[0] == a)  # type: ignore[union-attr]


def _ones_vector(node: Expr) -> bool:
    """``ones(n)`` or ``ones(n).T``."""
    return is_call(node, "ones") or (isinstance(node, Transpose)
                                     and is_call(node.operand, "ones"))
