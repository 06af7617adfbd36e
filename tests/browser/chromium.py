"""A real browser for the rendered pages: local MathJax, a local server, headless Chromium.

No CDN is reachable where the tests run, so MathJax comes from the npm package
``mathjax`` (version 3, and version 4 with its font for the tests of Sphinx's default),
installed once into a cache folder, and is served with the built pages from a loopback
HTTP server. Chromium is Debian's ``chromium``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

CACHE = Path(os.environ.get("VCR_TEST_CACHE", Path.home() / ".cache" / "sphinx-vcr-tests"))
MATHJAX_PACKAGE = "mathjax@3"
MATHJAX4_PACKAGE = "mathjax@4"


class BrowserUnavailable(Exception):
    """Chromium or npm is missing; the message says which."""


def chromium() -> str:
    """The path of a Chromium binary."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise BrowserUnavailable("no chromium on PATH (apt-get install chromium)")


def mathjax() -> Path:
    """The folder of MathJax 3's browser components, installed from npm if needed."""
    return _npm(MATHJAX_PACKAGE, "mathjax-npm") / "mathjax" / "es5"


def mathjax4() -> Path:
    """The ``node_modules`` folder of MathJax 4: ``mathjax`` (the components) and
    ``@mathjax/mathjax-newcm-font`` (its default font, which MathJax 4 loads apart)."""
    return _npm(MATHJAX4_PACKAGE, "mathjax4-npm")


def _npm(package: str, folder: str) -> Path:
    """``node_modules`` of ``package`` installed into the cache folder ``folder``.

    Installed beside and then renamed into place: several test runs may share the cache,
    and none may see a half-installed package."""
    modules = CACHE / folder / "node_modules"
    if (modules / "mathjax" / "package.json").is_file():
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise BrowserUnavailable(f"no npm on PATH to install {package}")
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=CACHE, prefix=f"{folder}-"))
    try:
        subprocess.run([npm, "install", "--prefix", str(staging), package, "--no-audit",
                        "--no-fund", "--loglevel=error"],
                       check=True, capture_output=True, timeout=300)
        with contextlib.suppress(OSError):  # another run won the race: use its copy
            staging.rename(CACHE / folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not (modules / "mathjax" / "package.json").is_file():
        raise RuntimeError(f"npm installed {package}, but {modules} has no mathjax: "
                           f"remove {CACHE / folder} (left by an interrupted install?)")
    return modules


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser closed while a file was on its way (a favicon, say): no matter


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
