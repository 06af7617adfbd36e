"""A persistent cache of outcomes, one JSON file per directive, safe to share.

The key is a hash of everything an outcome depends on: the directive's text and
options, the verification settings, and the versions of sphinx-vcr, SymPy, NumPy,
mpmath and Python. An entry is read back only if it parses, has every field of an
:class:`Outcome` with the right types, and repeats the exact key it was stored under;
anything else (a truncated write, a file from another version, a hand edit) is ignored
and recomputed, never trusted. Writes go to a temporary file first and are renamed into
place, so parallel workers never see half an entry.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import importlib.metadata
import json
import os
import platform
import tempfile
from pathlib import Path

from .outcome import Outcome

SCHEMA = 1
_FIELDS = {f.name: f for f in dataclasses.fields(Outcome)}
_TYPES = {"status": str, "subtype": str, "message": str, "line": (int, type(None)),
          "option": (str, type(None)), "math": list, "badge": str, "mistake": bool,
          "exact": bool, "points": int, "max_error": (float, int)}


@functools.cache
def versions() -> str:
    """The versions an outcome depends on, besides the directive and the settings."""
    from .. import __version__

    # Read from the installed metadata: importing the libraries for their
    # ``__version__`` would cost a build served from the cache half a second.
    libraries = "; ".join(f"{name} {_version(name)}" for name in ("sympy", "numpy", "mpmath"))
    return (f"sphinx-vcr {__version__}; {libraries}; python "
            f"{platform.python_version()}; schema {SCHEMA}")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # a source checkout on the path
        module = importlib.import_module(distribution)
        return str(getattr(module, "__version__", "unknown"))


def cache_key(text: str) -> str:
    """The key of an outcome computed from ``text`` (directive and settings) here."""
    return hashlib.sha256(f"{versions()}\n{text}".encode()).hexdigest()


class OutcomeCache:
    """Outcomes on disk under ``directory``, by key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether an entry exists for ``key`` (trusted or not: :meth:`get` decides)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Outcome | None:
        """The stored outcome, or None if there is none or it cannot be trusted."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        fields = data.get("outcome")
        if not isinstance(fields, dict) or set(fields) != set(_FIELDS):
            return None
        if not all(isinstance(fields[name], kind) for name, kind in _TYPES.items()):
            return None
        if not all(isinstance(block, str) for block in fields["math"]):
            return None
        return Outcome(**fields)

    def put(self, key: str, outcome: Outcome) -> None:
        """Store ``outcome``; a cache that cannot be written is simply not used."""
        path = self._path(key)
        payload = json.dumps({"key": key, "outcome": dataclasses.asdict(outcome)},
                             ensure_ascii=False, sort_keys=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf8") as stream:
                stream.write(payload)
            os.replace(temporary, path)
        except OSError:
            pass
