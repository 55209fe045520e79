"""Arguments most sub-commands share (ROOT, --db, --quota) and turning them into a library."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Protocol

from mediatop.cli.numbers import whole_number
from mediatop.cli.output import EXIT_USAGE, UserError, info
from mediatop.config import MAX_UNUSED_DAYS, Settings, load_settings
from mediatop.errors import ConfigError
from mediatop.library import MediaLibrary
from mediatop.textsafe import visible


class Subcommands(Protocol):
    """What `add_subparsers` returns, as a command module's `register` uses it (argparse
    names that class only privately)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def media_root(text: str) -> Path:
    """ROOT as typed: an empty one is refused (as a Path it would be ".", the folder the
    command runs in, scanned as if it were named)."""
    if not text:
        raise argparse.ArgumentTypeError("is empty: name the media folder")
    return Path(text)


def add_root_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", metavar="ROOT", type=media_root, help="the media folder")
    parser.add_argument(
        "--db", help="the store: a file, or postgresql://USER@HOST/DB (default: a file per root)"
    )
    parser.add_argument("--quota", help="storage quota, e.g. 10GB (default: the disk's size)")
    parser.add_argument(
        "--url-prefix",
        dest="url_prefixes",
        action="append",
        help="URL path under which the root is served (repeatable; "
        "default /wp-content/uploads/ and /uploads/)",
    )


def add_node_argument(parser: argparse.ArgumentParser) -> None:
    """`--node NAME`: the web node whose logs (or events file) a command reads."""
    parser.add_argument(
        "--node",
        help="the web node that wrote the logs: each node keeps its own checkpoints in a "
        "shared store (default: MEDIATOP_NODE, else this host's name)",
    )


def add_readonly_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--readonly",
        action="store_true",
        default=None,
        help="refuse to move, write or delete any file (also MEDIATOP_READONLY=1 or "
        "readonly = true in mediatop.toml)",
    )


def add_unused_days_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unused-days",
        type=whole_number(1, MAX_UNUSED_DAYS),
        help="days without use before 'unused' (default 90)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(
            args.root,
            db=args.db,
            quota=args.quota,
            url_prefixes=args.url_prefixes,
            unused_days=getattr(args, "unused_days", None),
            readonly=getattr(args, "readonly", None),
            node=getattr(args, "node", None),
        )
    except ConfigError as exc:  # it may name the root, which need not be UTF-8
        raise UserError(visible(str(exc)), EXIT_USAGE) from exc


def open_library(args: argparse.Namespace, *, readonly: bool = False) -> MediaLibrary:
    """The library the arguments name (a setting that cannot be used is a usage error)."""
    return MediaLibrary(settings_from(args), readonly=readonly)


def tell_if_read_only(library: MediaLibrary) -> None:
    """A reader of a store this process cannot write is told so on stderr: the report is
    read from it as it is, and nothing it would record (measured savings, hashes) is."""
    problem = library.write_problem()
    if problem:
        info(
            f"mediatop: reading the store read-only, as {visible(problem)}; nothing can be "
            "recorded, so savings and hashes not measured yet are left out"
        )
