"""Settings: media root, store path, quota, media URL prefixes, thresholds and the node.

Resolved from, in order of precedence: CLI flags > MEDIATOP_* environment variables >
a `mediatop.toml` (in the working directory, else the user's config dir) > defaults.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mediatop.errors import ConfigError

DEFAULT_URL_PREFIXES = ("/wp-content/uploads/", "/uploads/")
DEFAULT_UNUSED_DAYS = 90
T = TypeVar("T")

# A --db that starts so names a PostgreSQL store (config is a leaf: the store's
# dialect module says the same).
SERVER_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about where things are and what counts."""

    root: Path
    db_path: Path
    quota_bytes: int | None = None
    url_prefixes: tuple[str, ...] = DEFAULT_URL_PREFIXES
    unused_days: int = DEFAULT_UNUSED_DAYS
    demo: bool = False
    # Where "read-only" was asked for (a flag, MEDIATOP_READONLY or mediatop.toml), or
    # None: a read-only mediatop moves, writes and deletes no file (cleanup, optimise).
    readonly_source: str | None = None
    probe_workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    # The web node whose logs this run ingests: a log's checkpoint belongs to a node and
    # the log, so nodes that share a store never resume each other's logs.
    node: str = field(default_factory=lambda: default_node())
    # A PostgreSQL store's URL (--db postgresql://...), or None: the store is the SQLite
    # file db_path. With a URL, db_path is the root's default store file, whose folder
    # still holds what is kept on this machine (the cleanup quarantine).
    db_url: str | None = None

    @property
    def readonly(self) -> bool:
        return self.readonly_source is not None

    @property
    def store(self) -> Path | str:
        """What opens the store: the PostgreSQL URL, else the SQLite file."""
        return self.db_url or self.db_path


def default_store_folder() -> Path:
    """Where stores live unless --db says otherwise: the user's state directory."""
    from platformdirs import user_state_path

    return user_state_path("mediatop")


def default_node() -> str:
    """The node a run ingests for unless told otherwise: this machine's host name."""
    import socket  # here: every command loads the settings, few ingest

    return socket.gethostname() or "localhost"


# A node name is shown in lists and stored with each checkpoint: a host name's length.
MAX_NODE_CHARS = 255


def node_name(value: Any) -> str:
    """A node name as given (`--node`, MEDIATOP_NODE, `node` in mediatop.toml), checked:
    1 to 255 characters, none of them a control character, not only blanks."""
    if not isinstance(value, str):
        raise ConfigError(f"a node name is text, not {value!r}")
    if not value.strip():
        raise ConfigError("a node name must not be empty")
    if len(value) > MAX_NODE_CHARS:
        raise ConfigError(f"a node name has at most {MAX_NODE_CHARS} characters")
    if any(not char.isprintable() for char in value):
        raise ConfigError(f"a node name must not hold control characters: {value!r}")
    return value


def _store_location(db: str, root: Path) -> tuple[Path, str | None]:
    """The store file and, for a PostgreSQL store, its URL (see Settings.db_url)."""
    db_url = db if db.startswith(SERVER_SCHEMES) else None
    return (Path(db).expanduser() if db and not db_url else default_db_path(root)), db_url


def default_db_path(root: Path) -> Path:
    """One store per media root, in the user's state directory."""
    import hashlib  # here: OpenSSL's start-up is a few ms of every command

    resolved = root.resolve()
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:12]
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in resolved.name)[:40]
    return default_store_folder() / f"{safe_name or 'root'}-{digest}.sqlite3"


# A quota beyond this is no quota a disk has, and would not fit a SQLite integer.
MAX_QUOTA_BYTES = 10**18
# Longer than a site has existed; beyond it dates overflow.
MAX_UNUSED_DAYS = 36_500


def parse_size(text: str) -> int:
    """'10GB', '512M', '2.5 TiB' or plain bytes -> bytes (at most MAX_QUOTA_BYTES)."""
    units = {
        "": 1, "b": 1,
        "k": 1000, "kb": 1000, "kib": 1024,
        "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
        "g": 1000**3, "gb": 1000**3, "gib": 1024**3,
        "t": 1000**4, "tb": 1000**4, "tib": 1024**4,
    }  # fmt: skip
    cleaned = text.strip().lower().replace(" ", "")
    number = cleaned.rstrip("kmgtib")
    unit = cleaned[len(number) :]
    try:
        value = float(number)
    except ValueError:
        raise ConfigError(f"not a size: {text!r} (try 10GB or 512MiB)") from None
    # `not value >= 0` also refuses NaN, which compares false with everything.
    if unit not in units or not value >= 0:
        raise ConfigError(f"not a size: {text!r} (try 10GB or 512MiB)")
    if value * units[unit] > MAX_QUOTA_BYTES:  # inf included
        raise ConfigError(f"{text!r} is too large: at most 1000000TB")
    return int(value * units[unit])


def _config_file() -> Path | None:
    """The config file in use, if any. One that cannot be looked for is an error, not
    skipped: it may hold `readonly = true`."""
    from platformdirs import user_config_path

    for candidate in (Path("mediatop.toml"), user_config_path("mediatop") / "mediatop.toml"):
        try:
            if candidate.is_file():
                return candidate
        except OSError as exc:
            raise ConfigError(
                f"cannot look for {candidate}: {exc.strerror or exc} "
                "(set XDG_CONFIG_HOME to a folder this user can read)"
            ) from None
    return None


def _from_file() -> tuple[dict[str, Any], Path | None]:
    """The settings of the config file, and the file (None when there is none)."""
    path = _config_file()
    if path is None:
        return {}, None
    import tomllib  # here: most runs have no config file to parse

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return data.get("mediatop", data), path


def _from_env() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in ("db", "quota", "url_prefixes", "unused_days", "readonly", "node"):
        value = os.environ.get(f"MEDIATOP_{key.upper()}")
        if value:
            found[key] = value
    return found


def _quota_bytes(value: Any) -> int | None:
    """The quota in bytes; None (0, empty or unset) means the file system's size."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"not a size: {value!r} (try 10GB or 512MiB)")
    # Under one byte rounds to 0, which like "0" means no quota of its own.
    return parse_size(str(value)) or None


def _unused_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError("must be a whole number of days")
    try:
        days = int(value)
    except ValueError:
        raise ConfigError("must be a whole number of days") from None
    if not 1 <= days <= MAX_UNUSED_DAYS:
        raise ConfigError(f"must be from 1 to {MAX_UNUSED_DAYS:,} days, not {value}")
    return days


def _readonly(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"must be true or false, not {value!r}")


def normalise_prefix(prefix: str) -> str:
    """A URL prefix as request paths are matched: one leading and one trailing slash, no
    repeated ones (request paths have theirs merged too); `/` stays `/`, the whole URL
    space."""
    inner = "/".join(part for part in prefix.strip().split("/") if part)
    return "/" + inner + "/" if inner else "/"


def _merged(flags: dict[str, Any]) -> tuple[dict[str, Any], Callable[[str], str]]:
    """The settings given by `flags` (None: not given) over env over file, and a function
    naming where a key's value came from (the flag, the MEDIATOP_* variable or the file)."""
    from_file, config_path = _from_file()
    from_env = _from_env()
    merged: dict[str, Any] = {**from_file, **from_env}
    merged.update({k: v for k, v in flags.items() if v is not None})

    def source(key: str) -> str:
        if flags[key] is not None:
            return "--" + key.replace("_", "-")
        if key in from_env:
            return f"MEDIATOP_{key.upper()}"
        return f"{key} in {config_path}"

    return merged, source


def load_settings(
    root: Path | str,
    *,
    db: Path | str | None = None,
    quota: str | int | None = None,
    url_prefixes: str | list[str] | None = None,
    unused_days: int | str | None = None,
    demo: bool = False,
    readonly: bool | None = None,
    node: str | None = None,
) -> Settings:
    """Settings for `root`, merging flags (the arguments) over env over file over defaults.

    A value that cannot be used raises ConfigError naming where it came from: the flag,
    the MEDIATOP_* variable or the config file."""
    merged, source = _merged({
        "db": db, "quota": quota, "url_prefixes": url_prefixes, "unused_days": unused_days,
        "readonly": readonly or None,  # no flag turns a configured read-only off
        "node": node,
    })  # fmt: skip

    root_path = Path(root)
    if not root_path.is_dir():
        raise ConfigError(f"media root {root_path} is not a directory")
    db_path, db_url = _store_location(str(merged.get("db") or ""), root_path)

    def checked(key: str, parse: Callable[[Any], T], default: Any = None) -> T:
        """`key`'s merged value through `parse`; its ConfigError names the value's source."""
        try:
            return parse(merged.get(key, default))
        except ConfigError as exc:
            raise ConfigError(f"{source(key)}: {exc}") from None

    quota_bytes = checked("quota", _quota_bytes)
    prefixes = merged.get("url_prefixes", DEFAULT_URL_PREFIXES)
    if isinstance(prefixes, str):
        prefixes = [p for p in prefixes.split(",") if p.strip()]
    normalised = tuple(normalise_prefix(p) for p in prefixes)
    days = checked("unused_days", _unused_days, DEFAULT_UNUSED_DAYS)
    readonly_source = source("readonly") if checked("readonly", _readonly) else None
    node_of_run = checked("node", node_name) if "node" in merged else default_node()
    return Settings(
        node=node_of_run,
        readonly_source=readonly_source,
        root=root_path,
        db_path=db_path,
        db_url=db_url,
        quota_bytes=quota_bytes,
        url_prefixes=normalised,
        unused_days=days,
        demo=demo,
    )
