"""A persistent cache of outcomes, one file per directive, that trusts nothing it reads.

The key is a hash of everything an outcome depends on: the directive's text and
options, the verification settings, and the versions of sphinx-vcr, SymPy, NumPy,
mpmath and Python. An entry is the JSON of its key and outcome, preceded by a line with
an HMAC-SHA256 of both under a random secret kept beside the entries (``secret``,
made with the cache). An entry is read back only if it is a regular file (never
through a symbolic link, never a named pipe or a device) of at most
:data:`MAX_ENTRY_BYTES`, its HMAC matches, it repeats the exact key it was stored under
and has every field of an :class:`Outcome` with the right types; anything else (a
truncated write, a file from another version, a hand edit, another entry copied over
it) is ignored and recomputed, never trusted. Writes go to a temporary file first and
are renamed into place, so parallel workers never see half an entry.

The HMAC stops edits made without the secret. Whoever can write the build directory can
also read the secret, so the cache is exactly as trustworthy as the build directory:
never restore one from a build of untrusted sources (see ``docs/safety.rst``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import importlib.metadata
import json
import os
import platform
import secrets
import stat
import tempfile
from pathlib import Path

from ..outcome import Outcome

SCHEMA = 2
#: The type of every field stored: every field of an outcome's value (``seconds``, how
#: long it took to compute, is not part of it and is 0 for an outcome read back).
_TYPES = {"status": str, "subtype": str, "message": str, "line": (int, type(None)),
          "option": (str, type(None)), "math": list, "badge": str, "mistake": bool,
          "exact": bool, "points": int, "max_error": (float, int),
          "claims": int}
#: Far above any real entry (the largest of this project's docs is under 2 KB), far below
#: what could hurt: an entry past it is neither written nor read.
MAX_ENTRY_BYTES = 1 << 22
SECRET_NAME = "secret"
_SECRET_BYTES = 32
_DIGEST_CHARS = 64  # hex SHA-256


@functools.cache
def versions() -> str:
    """The versions an outcome depends on, besides the directive and the settings."""
    from ... import __version__

    # Read from the installed metadata: importing the libraries for their
    # ``__version__`` would cost a build served from the cache half a second.
    libraries = "; ".join(f"{name} {_version(name)}" for name in ("sympy", "numpy", "mpmath"))
    return (f"sphinx-vcr {__version__} ({code_digest()[:16]}); {libraries}; python "
            f"{platform.python_version()}; schema {SCHEMA}")


@functools.cache
def code_digest() -> str:
    """A digest of the code and catalogs that outcomes are computed with.

    The version number alone changes rarely, and an editable install or a CI that keeps
    its build directory across commits would then be served outcomes computed by older
    code: a wrong claim that older code missed would stay verified. Hashing the source
    (a few hundred KB, about a millisecond) makes any change of it a new key.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.mo")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # a source checkout on the path
        module = importlib.import_module(distribution)
        return str(getattr(module, "__version__", "unknown"))


def cache_key(text: str) -> str:
    """The key of an outcome computed from ``text`` (directive and settings) here."""
    return hashlib.sha256(f"{versions()}\n{text}".encode()).hexdigest()


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None.

    Never follows a symbolic link at ``path`` (one to ``/dev/zero`` never ends), never
    blocks (a named pipe with no writer would wait forever) and never reads more than
    ``limit + 1`` bytes, even from a file that grows meanwhile.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
            return None  # Windows: no O_NOFOLLOW, and no named pipes or devices either
        handle = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, limit + 1 - size)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None
    except OSError:
        return None
    finally:
        os.close(handle)


class OutcomeCache:
    """Outcomes on disk under ``directory``, by key, each bound to its key by an HMAC."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._secret: bytes | None = None

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether a file is stored for ``key`` (trusted or not: :meth:`get` decides)."""
        try:
            return stat.S_ISREG(os.lstat(self._path(key)).st_mode)
        except OSError:
            return False

    def get(self, key: str) -> Outcome | None:
        """The stored outcome, or None if there is none or it cannot be trusted."""
        secret = self._read_secret()
        data = read_regular(self._path(key), MAX_ENTRY_BYTES) if secret else None
        if secret is None or data is None:
            return None
        digest, _, payload = data.partition(b"\n")
        if not hmac.compare_digest(digest, _digest(secret, key, payload).encode()):
            return None
        try:
            entry = json.loads(payload)
        except (ValueError, RecursionError):  # (the HMAC matched: written with the secret)
            return None
        return _outcome(entry, key)

    def put(self, key: str, outcome: Outcome) -> None:
        """Store ``outcome``; a cache that cannot be written is simply not used."""
        fields = {name: getattr(outcome, name) for name in _TYPES}
        payload = json.dumps({"key": key, "outcome": fields}, ensure_ascii=False,
                             sort_keys=True).encode()
        try:
            secret = self._make_secret()
            if secret is None or len(payload) + _DIGEST_CHARS + 1 > MAX_ENTRY_BYTES:
                return
            digest = _digest(secret, key, payload).encode()
            write_atomically(self._path(key), digest + b"\n" + payload)
        except OSError:
            pass

    def _read_secret(self) -> bytes | None:
        if self._secret is None:
            self._secret = _secret_in(self.directory / SECRET_NAME)
        return self._secret

    def _make_secret(self) -> bytes | None:
        """The cache's secret, made now if there is none (or only something unreadable
        in its place, which can then have signed nothing that is read back)."""
        if self._read_secret() is not None:
            return self._secret
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(os.urandom(_SECRET_BYTES))
            target = self.directory / SECRET_NAME
            try:
                # A link never replaces a secret another process has just made; a bad
                # file in the way (a link, a pipe, a short file) is replaced.
                os.link(temporary, target)
            except FileExistsError:
                if _secret_in(target) is None:
                    os.replace(temporary, target)
            except OSError:  # no hard links here: at worst a racing process's entries
                os.replace(temporary, target)  # are signed with a lost secret, and redone
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        return self._read_secret()


def _secret_in(path: Path) -> bytes | None:
    secret = read_regular(path, _SECRET_BYTES)
    return secret if secret is not None and len(secret) == _SECRET_BYTES else None


def _digest(secret: bytes, key: str, payload: bytes) -> str:
    return hmac.new(secret, key.encode() + b"\n" + payload, hashlib.sha256).hexdigest()


def _outcome(entry: object, key: str) -> Outcome | None:
    """The outcome held by a parsed entry, if it has exactly the right shape."""
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    fields = entry.get("outcome")
    if not isinstance(fields, dict) or set(fields) != set(_TYPES):
        return None
    if not all(isinstance(fields[name], kind) for name, kind in _TYPES.items()):
        return None
    if not all(isinstance(block, str) for block in fields["math"]):
        return None
    return Outcome(**fields)


def write_atomically(path: Path, content: bytes, mode: int = 0o600) -> None:
    """Write ``content`` to a new file beside ``path`` and rename it into place: a reader
    sees the old file or the new one, never half of one, and whatever was at ``path``
    (a symbolic link, a named pipe) is replaced, not written through. ``mode`` is
    narrowed by the umask, as for any new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(temporary, flags, mode), "wb") as stream:
        try:
            stream.write(content)
        except BaseException:
            os.unlink(temporary)
            raise
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
