"""A corpus of published-style identities, to measure the index-free engine's coverage.

In the style of the held-out set of issue 13 (Matrix Cookbook sections 2.1-2.7, Parr &
Howard, CS229/CS231n, Bishop): scalar, vector and matrix derivatives; element-wise
functions, reductions, quadratic forms, traces, determinants, inverses, losses and
activations. Each entry: (name, expression, :wrt:, :vars:, layout, kind), kind being
``scalar`` (by a scalar), ``vector`` (by a vector) or ``matrix`` (by a matrix).
``python -m tests.core.indexfree_corpus`` prints the coverage and what is not handled.
"""

from __future__ import annotations

N, D = "numerator", "denominator"

CORPUS: list[tuple[str, str, str, str, str, str]] = [
    # scalar by scalar
    ("power times sine", "x**3 * sin(x)", "x", "", N, "scalar"),
    ("gaussian", "exp(-x**2)", "x", "", N, "scalar"),
    ("softplus", "log(1 + exp(x))", "x", "", N, "scalar"),
    ("logistic", "sigmoid(x)", "x", "", N, "scalar"),
    ("tanh of a multiple", "tanh(2*x)", "x", "", N, "scalar"),
    ("square root", "sqrt(x**2 + 1)", "x", "", N, "scalar"),
    ("quotient", "x / (1 + x**2)", "x", "", N, "scalar"),
    ("relu", "relu(x)", "x", "", N, "scalar"),
    # vector: linear and quadratic forms (Cookbook 2.4.1, 2.4.2)
    ("linear form", "a.T @ x", "x[n]", "a[n]", N, "vector"),
    ("squared norm", "x.T @ x", "x[n]", "", N, "vector"),
    ("quadratic form", "x.T @ A @ x", "x[n]", "A[n, n]", N, "vector"),
    ("quadratic form, denominator", "x.T @ A @ x", "x[n]", "A[n, n]", D, "vector"),
    ("bilinear in x", "(A @ x + b).T @ C @ (D @ x + e)", "x[n]",
     "A[m, n], b[m], C[m, m], D[m, n], e[m]", D, "vector"),
    ("norm", "norm(x)", "x[n]", "", N, "vector"),
    ("distance squared", "norm(x - a)**2", "x[n]", "a[n]", D, "vector"),
    ("affine map", "A @ x + b", "x[n]", "A[m, n], b[m]", N, "vector"),
    ("hadamard product", "x * a", "x[n]", "a[n]", N, "vector"),
    ("element-wise exp", "exp(x)", "x[n]", "", N, "vector"),
    ("element-wise sigmoid", "sigmoid(z)", "z[n]", "", N, "vector"),
    ("tanh layer by input", "tanh(W @ x + b)", "x[n]", "W[m, n], b[m]", N, "vector"),
    ("relu layer by input", "relu(W @ x + b)", "x[n]", "W[m, n], b[m]", N, "vector"),
    ("sum of exp", "sum(exp(x))", "x[n]", "", D, "vector"),
    ("mean of squares", "mean(x**2)", "x[n]", "", D, "vector"),
    ("logsumexp", "logsumexp(z)", "z[n]", "", D, "vector"),
    ("softmax Jacobian", "softmax(z)", "z[n]", "", N, "vector"),
    ("cross-entropy of softmax", "-y.T @ log(softmax(z))", "z[n]", "y[n]", D, "vector"),
    ("cross-entropy, logsumexp form", "logsumexp(z) - y.T @ z", "z[n]", "y[n]", D, "vector"),
    ("mean squared error", "1/N * norm(X @ w - y)**2", "w[n]", "X[N, n], y[N]", N, "vector"),
    ("ridge regression", "norm(X @ w - y)**2 + lam * norm(w)**2", "w[n]", "X[N, n], y[N]",
     D, "vector"),
    ("logistic loss", "sum(log(1 + exp(-y * (X @ w))))", "w[n]", "X[N, n], y[N]", D,
     "vector"),
    ("neuron", "sigmoid(w @ x + b)", "w[n]", "x[n]", N, "vector"),
    ("neuron, weights and bias", "sigmoid(w @ x + b)", "w[n], b", "x[n]", N, "vector"),
    ("squared error of a neuron", "(w @ x + b - t)**2", "w[n]", "x[n]", N, "vector"),
    ("normalisation", "x / norm(x)", "x[n]", "", N, "vector"),
    ("Rayleigh quotient", "(x.T @ A @ x) / (x.T @ x)", "x[n]", "A[n, n]", D, "vector"),
    ("product of linear forms", "dot(a, x) * dot(b, x)", "x[n]", "a[n], b[n]", D, "vector"),
    ("exp of a linear form", "exp(a.T @ x)", "x[n]", "a[n]", D, "vector"),
    ("L1 norm", "sum(abs(x))", "x[n]", "", N, "vector"),
    ("tanh readout by input", "u.T @ tanh(W @ x)", "x[n]", "u[m], W[m, n]", D, "vector"),
    ("outer product times a vector", "outer(x, x) @ a", "x[n]", "a[n]", N, "vector"),
    ("x times A x", "x * (A @ x)", "x[n]", "A[n, n]", N, "vector"),
    ("diag of x times a", "diag(x) @ a", "x[n]", "a[n]", N, "vector"),
    ("matrix after sigmoid", "A @ sigmoid(x)", "x[n]", "A[m, n]", N, "vector"),
    ("leaky relu", "where(x > 0, x, 0.1 * x)", "x[n]", "", N, "vector"),
    ("linear form with an inverse", "b.T @ inv(A) @ x", "x[n]", "A[n, n], b[n]", D,
     "vector"),
    ("max of two affine maps", "max(A @ x, B @ x)", "x[n]", "A[m, n], B[m, n]", N, "vector"),
    # matrix: Cookbook 2.2-2.5 and losses by weight matrices
    ("a.T X b", "a.T @ X @ b", "X[m, n]", "a[m], b[n]", D, "matrix"),
    ("a.T X.T b", "a.T @ X.T @ b", "X[m, n]", "a[n], b[m]", D, "matrix"),
    ("trace", "trace(X)", "X[n, n]", "", D, "matrix"),
    ("trace(A X)", "trace(A @ X)", "X[m, n]", "A[n, m]", D, "matrix"),
    ("trace(X.T A)", "trace(X.T @ A)", "X[m, n]", "A[m, n]", D, "matrix"),
    ("trace(A X B)", "trace(A @ X @ B)", "X[m, n]", "A[k, m], B[n, k]", D, "matrix"),
    ("trace(X X)", "trace(X @ X)", "X[n, n]", "", D, "matrix"),
    ("trace(X.T X)", "trace(X.T @ X)", "X[m, n]", "", D, "matrix"),
    ("trace(X.T A X)", "trace(X.T @ A @ X)", "X[n, n]", "A[n, n]", D, "matrix"),
    ("trace(X A X.T)", "trace(X @ A @ X.T)", "X[m, n]", "A[n, n]", D, "matrix"),
    ("determinant", "det(X)", "X[n, n]", "", D, "matrix"),
    ("log-determinant", "logdet(X)", "X[n, n]", "", D, "matrix"),
    ("a.T inv(X) b", "a.T @ inv(X) @ b", "X[n, n]", "a[n], b[n]", D, "matrix"),
    ("trace(A inv(X) B)", "trace(A @ inv(X) @ B)", "X[n, n]", "A[n, n], B[n, n]", D,
     "matrix"),
    ("det(A X B)", "det(A @ X @ B)", "X[n, n]", "A[n, n], B[n, n]", D, "matrix"),
    ("Frobenius norm squared", "norm(X)**2", "X[m, n]", "", D, "matrix"),
    ("Frobenius residual", "norm(A @ X - B)**2", "X[m, n]", "A[k, m], B[k, n]", D,
     "matrix"),
    ("multi-output regression", "1/N * norm(X @ W - Y)**2", "W[n, k]",
     "X[N, n], Y[N, k]", D, "matrix"),
    ("relu layer sum by weights", "sum(relu(W @ x + b))", "W[m, n]", "x[n], b[m]", D,
     "matrix"),
    ("tanh readout by weights", "u.T @ tanh(W @ x)", "W[m, n]", "u[m], x[n]", D, "matrix"),
    ("softmax regression", "-y.T @ log(softmax(W @ x))", "W[k, n]", "x[n], y[k]", D,
     "matrix"),
    ("logsumexp of a linear map", "logsumexp(W @ x)", "W[k, n]", "x[n]", D, "matrix"),
    ("b.T X.T X c", "b.T @ X.T @ X @ c", "X[m, n]", "b[n], c[n]", D, "matrix"),
    ("two-layer network by W1", "norm(W2 @ relu(W1 @ x) - y)**2", "W1[h, n]",
     "W2[k, h], x[n], y[k]", D, "matrix"),
    ("two-layer network by W2", "norm(W2 @ relu(W1 @ x) - y)**2", "W2[k, h]",
     "W1[h, n], x[n], y[k]", D, "matrix"),
    ("matrix times a vector, by the matrix", "X @ w", "X[m, n]", "w[n]", N, "matrix"),
    ("matrix product, by the matrix", "X @ A", "X[m, n]", "A[n, k]", N, "matrix"),
    ("sigmoid layer, by the weights", "sigmoid(W @ x)", "W[m, n]", "x[n]", N, "matrix"),
    ("tanh layer with a bias, by the weights", "tanh(W @ x + b)", "W[m, n]", "x[n], b[m]",
     D, "matrix"),
    ("gated linear map, by the weights", "a * (W @ x)", "W[m, n]", "x[n], a[m]", N,
     "matrix"),
    ("transposed matrix times a vector, by the matrix", "X.T @ w", "X[m, n]", "w[m]", N,
     "matrix"),
]


def main() -> None:  # pragma: no cover - a report, run by hand
    from .indexfree_check import derived

    handled, missing = 0, []
    counted = [c for c in CORPUS if c[5] != "scalar"]
    for name, expr, wrt, params, layout, kind in CORPUS:
        form = derived(expr, wrt, params, layout, positive="log" in expr)
        print(f"{kind:7} {name:40} {form}")
        if kind != "scalar":
            if form is None:
                missing.append(name)
            else:
                handled += 1
    print(f"\nindex-free: {handled} of {len(counted)} vector and matrix derivatives "
          f"({100 * handled / len(counted):.0f}%); not handled: {', '.join(missing)}")


if __name__ == "__main__":
    main()
