"""Data files: the vocabularies, lists and thresholds that rules refer to by name.

Each file under ``data/`` is a YAML mapping with a ``meta`` block saying where the
data came from and as of when (``source``, ``as_of``), and any other top-level keys.
Rules refer to a value as ``file.key.key`` (``providers.nwcd.unsupported_provinces``).
Later data folders override earlier ones file by file, so a portal can replace
``banned_terms.yaml`` without touching the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from . import validation
from .errors import Problem, RuleFileError
from .resources import shipped

BUILTIN_DATA = shipped("data")
T = TypeVar("T")


_BUILTIN: list[DataStore] = []


def builtin() -> DataStore:
    """The built-in data files, loaded once per process (shared with a rule set loaded without overlays)."""
    if not _BUILTIN:
        _BUILTIN.append(DataStore.load())
    return _BUILTIN[0]


def share_builtin(store: DataStore) -> None:
    """Take ``store`` (the built-in data, with no overlay: from a cached rule set, say) as :func:`builtin`,
    unless the built-in data is loaded already: the same files are not read twice."""
    if not _BUILTIN:
        _BUILTIN.append(store)


def ui(section: str, lang: str) -> dict[str, str]:
    """Interface wording (data/ui.yaml) for one section and language, English as fallback."""
    table: dict[str, dict[str, str]] = builtin().resolve(f"ui.{section}")
    return table.get(lang) or table["en"]


def _window(effective: Any) -> tuple[dt.date | None, dt.date | None] | None:
    if not isinstance(effective, Mapping):
        return None

    def day(value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    return day(effective.get("from")), day(effective.get("until"))


def covers(window: tuple[dt.date | None, dt.date | None], day: dt.date) -> bool:
    """Whether ``day`` falls in a window of dates in force: from its start (None: always), until
    its end, which is not included (None: still in force)."""
    start, end = window
    return (start is None or start <= day) and (end is None or day < end)


def _in_force(value: Any, day: dt.date) -> Any:
    if isinstance(value, Mapping):
        out = {}
        for key, sub in value.items():
            window = _window(sub.get("effective")) if isinstance(sub, Mapping) else None
            if window is None or covers(window, day):
                out[key] = _in_force(sub, day)
        return out
    if isinstance(value, list):
        kept = []
        for sub in value:
            window = _window(sub.get("effective")) if isinstance(sub, Mapping) else None
            if window is None or covers(window, day):
                kept.append(_in_force(sub, day))
        return kept
    return value


#: Where a document's services are, which key holds a service's type, and the values that make a
#: service count as another type (``offline: true`` is an offline APP): data/selectors.yaml.
ServicesAt = tuple[str, str, tuple[tuple[str, Any, str], ...]]


def services_at(data: DataStore) -> ServicesAt:
    """Where the services are and what gives each its type, as data/selectors.yaml says."""
    services = data.files.get("selectors", {}).get("rules", {}).get("services", {})
    as_type = tuple((str(t["key"]), t["equals"], str(t["type"])) for t in services.get("as_type", []))
    return str(services.get("list", "services")), str(services.get("key", "type")), as_type


class DataStore:
    """All loaded data files, by name (the file name without ``.yaml``)."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self._dated: list[tuple[dt.date | None, dt.date | None]] | None = None
        self._dated_files: dict[str, dict[str, Any]] | None = None
        #: Where each file came from and the SHA-256 of its bytes (what a report says produced it).
        self.origins: dict[str, tuple[str, str]] = {}
        self._derived: dict[str, Any] = {}
        self._derived_files: dict[str, dict[str, Any]] | None = None

    @classmethod
    def load(cls, folders: Iterable[Path | Any] = ()) -> DataStore:
        store = cls()
        store.add_folder(BUILTIN_DATA, trusted=True)
        for folder in folders:
            store.add_folder(folder)
        return store

    def add_folder(self, folder: Path | Any, *, trusted: bool = False) -> None:
        folder_path = folder if not isinstance(folder, str) else Path(folder)
        if not folder_path.is_dir():
            raise RuleFileError(Problem("data folder does not exist", file=str(folder)))
        for entry in sorted(folder_path.iterdir(), key=lambda p: p.name):
            if entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                self.add_file(entry, trusted=trusted)

    def add_file(self, path: Path | Any, *, trusted: bool = False) -> None:
        """Read one data file and validate it against its published schema (``schema/data/NAME``).

        A file replaces the loaded file of the same name; a name that matches no data file is
        an error, since the file would change nothing.
        """
        name = path.name.rsplit(".", 1)[0]
        file = str(path)
        if name not in validation.known_data_files():
            raise validation.no_such_data_file(name, file)
        value, positions, raw = validation.read_yaml_file(path, trusted=trusted)
        if not isinstance(value, dict):
            raise RuleFileError(positions.problem("a data file is a mapping"))
        validation.validate(value, validation.data_schema_name(name), positions, raw=raw if trusted else None,
                            kind="data", name=path.name)
        self.files[name] = value
        self.origins[name] = ("shipped" if trusted else file, hashlib.sha256(raw).hexdigest())
        self._dated = None
        self._derived = {}

    def limit(self, name: str) -> int:
        """A number of ``limits.yaml``: this store's, else the built-in file's (an overlay file replaces
        the whole file, and may leave some out); a name in neither is a bug (``KeyError``)."""
        value = self.files.get("limits", {}).get(name)
        if value is None:
            value = builtin().files["limits"][name]
        return int(value)

    def resolve(self, ref: str) -> Any:
        """Value of ``file.key.key``; raises ``KeyError`` with what is missing."""
        parts = ref.split(".")
        name = parts[0]
        if name not in self.files:
            raise KeyError(f"no data file {name!r} (known: {', '.join(sorted(self.files))})")
        value: Any = self.files[name]
        for i, part in enumerate(parts[1:], start=1):
            if not isinstance(value, Mapping) or part not in value:
                known = ", ".join(sorted(map(str, value))) if isinstance(value, Mapping) else "none"
                raise KeyError(f"data {'.'.join(parts[:i])!r} has no key {part!r} (keys: {known})")
            value = value[part]
        return value

    def dated_entries(self) -> list[tuple[dt.date | None, dt.date | None]]:
        """The ``effective: {from, until}`` of every dated entry of the data, in a stable order
        (worked out once: every check asks)."""
        cached: list[tuple[dt.date | None, dt.date | None]] | None = getattr(self, "_dated", None)
        if cached is not None and getattr(self, "_dated_files", None) is self.files:
            return cached
        found: list[tuple[dt.date | None, dt.date | None]] = []

        def walk(value: Any) -> None:
            if isinstance(value, Mapping):
                window = _window(value.get("effective"))
                if window is not None:
                    found.append(window)
                for key, sub in value.items():
                    if key != "effective":
                        walk(sub)
            elif isinstance(value, list):
                for sub in value:
                    walk(sub)

        for name in sorted(self.files):
            walk({k: v for k, v in self.files[name].items() if k != "meta"})
        self._dated, self._dated_files = found, self.files
        return found

    def on(self, day: dt.date) -> DataStore:
        """The data in force on ``day``: entries (in lists, or values in mappings) whose
        ``effective: {from, until}`` excludes the day are left out."""
        view = DataStore()
        view.origins = dict(self.origins)
        view.files = {name: _in_force(value, day) for name, value in self.files.items()}
        return view

    def derived(self, name: str, build: Callable[[DataStore], T]) -> T:
        """A value worked out from this store's data, once (a file added, or the files replaced, afterwards
        starts afresh)."""
        memo: dict[str, Any] = self.__dict__.setdefault("_derived", {})
        if getattr(self, "_derived_files", None) is not self.files:
            memo.clear()
            self._derived_files = self.files
        if name not in memo:
            memo[name] = build(self)
        found: T = memo[name]
        return found

    def meta(self, name: str) -> dict[str, Any]:
        meta: dict[str, Any] = self.files[name]["meta"]
        return meta
