"""The optional extras of the distribution, and the check that one is installed.

`web` (FastAPI and uvicorn for `serve`, matplotlib for charts) and `postgres`
(psycopg for PostgreSQL stores) are optional, so a missing one is said in one line
naming the extra, before anything is opened or written.
"""

from __future__ import annotations

import importlib.util

from timeline.engine.errors import MissingExtraError

__all__ = ["EXTRAS", "missing", "require"]

# The top-level module of each dependency that an extra alone installs -> that extra.
EXTRAS = {
    "fastapi": "web",
    "matplotlib": "web",
    "starlette": "web",
    "uvicorn": "web",
    "psycopg": "postgres",
    "psycopg_pool": "postgres",
}
MODULES = {
    "web": ("fastapi", "matplotlib", "uvicorn"),
    "postgres": ("psycopg",),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(extra: str, what: str, modules: tuple[str, ...] | None = None) -> None:
    """Raises `MissingExtraError` naming `extra` when a module it installs is missing."""
    for module in MODULES[extra] if modules is None else modules:
        if not _installed(module):
            raise MissingExtraError(what, extra)


def missing(error: BaseException, what: str = "this command") -> MissingExtraError | None:
    """The `MissingExtraError` that an import failure of an extra's module means, else None."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    extra = EXTRAS.get(error.name.split(".")[0])
    return None if extra is None else MissingExtraError(what, extra)
