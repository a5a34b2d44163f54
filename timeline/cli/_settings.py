"""What the `timeline` command takes from its environment, read in this one place."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

__all__ = ["COMPLETE_VAR", "Settings"]

# The variable click's shell-completion scripts set when they ask for completions.
COMPLETE_VAR = "_TIMELINE_COMPLETE"


def _columns(text: str | None) -> int | None:
    """A positive terminal width from `COLUMNS`, or None when unset or not a number."""
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if value > 0 else None


@attrs.frozen
class Settings:
    """Where the command finds its stores and how it may print, as read by `from_env`.

    `columns` is `COLUMNS` when set; `no_color` is whether `NO_COLOR` is set to
    anything but the empty string (https://no-color.org); `term` feeds the colour depth.
    """

    db_url: str | None
    data_home: Path
    cache_home: Path | None = None
    no_color: bool = False
    columns: int | None = None
    term: str | None = None
    complete: str | None = None
    home: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Reads `TIMELINE_DB`, `XDG_DATA_HOME`, `XDG_CACHE_HOME`, `HOME`, `NO_COLOR`,
        `COLUMNS` and `TERM` from `env`."""
        home_text = env.get("HOME")
        home = Path(home_text) if home_text else Path.home()
        return cls(
            db_url=env.get("TIMELINE_DB") or None,
            data_home=_xdg(env.get("XDG_DATA_HOME"), home / ".local" / "share"),
            cache_home=_xdg(env.get("XDG_CACHE_HOME"), home / ".cache"),
            no_color=bool(env.get("NO_COLOR")),
            columns=_columns(env.get("COLUMNS")),
            term=env.get("TERM"),
            complete=env.get(COMPLETE_VAR) or None,
            home=home,
        )

    def shown(self, path: Path) -> str:
        """A path as messages show it: under the home folder, as `~/...`."""
        if self.home is not None and path.is_relative_to(self.home):
            return f"~/{path.relative_to(self.home)}"
        return str(path)

    @property
    def default_store(self) -> Path:
        """The SQLite file used when no store is named: the user's own, empty at first."""
        return self.data_home / "timeline" / "story.db"

    @property
    def demo_store(self) -> Path:
        """The SQLite file `timeline demo` uses, filled with the bundled story on first use."""
        return self.data_home / "timeline" / "demo.db"

    @property
    def load_cache(self) -> Path | None:
        """The file that remembers loads, so reloading unchanged seeds is quick."""
        return None if self.cache_home is None else self.cache_home / "timeline" / "loads.json"


def _xdg(value: str | None, fallback: Path) -> Path:
    # The XDG spec says a relative path in an XDG variable is invalid and must be ignored.
    return Path(value) if value and Path(value).is_absolute() else fallback
