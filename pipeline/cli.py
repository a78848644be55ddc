"""The ``seci`` command line (also ``python -m pipeline``).

Each stage module registers its own sub-commands through ``register(subparsers)``, setting
``handler`` to a function ``(args) -> int``. This module only assembles them and turns a
:class:`~pipeline.errors.SeciError` into its one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline import __version__
from pipeline.errors import SeciError

# The modules that contribute sub-commands, in the order `seci --help` lists them.
COMMAND_MODULES = (
    "pipeline.report",
    "pipeline.sites",
    "pipeline.ingest",
    "pipeline.codebook",
    "pipeline.codebook_import",
    "pipeline.classify",
    "pipeline.refine",
    "pipeline.agreement",
    "pipeline.review",
    "pipeline.qdpx",
    "pipeline.bench",
)


def add_site_arguments(parser: argparse.ArgumentParser, *, help_site: str = "") -> None:
    """The options every site-level command shares: the project root and the site(s)."""
    parser.add_argument("--root", default=".", help="project folder holding data/ (default: the current folder)")
    parser.add_argument(
        "--site", action="append", dest="sites", metavar="SITE",
        help=help_site or "a folder under data/raw/ (repeatable; default: every site there)",
    )


def selected_sites(args: argparse.Namespace) -> list[str]:
    """The sites named with ``--site``, or every site under ``data/raw/``; an unknown site is an error."""
    from pathlib import Path

    from pipeline.contracts import RAW_DIR, list_sites
    from pipeline.errors import InputError

    available = list_sites(Path(args.root))
    for site in args.sites or []:
        if site not in available:
            raise InputError(
                Path(args.root) / RAW_DIR / site, "no such site (no informants.csv there)",
                fix=f"choose one of: {', '.join(available) or 'none yet; see seci init-site'}",
            )
    if not (args.sites or available):
        raise InputError(Path(args.root) / RAW_DIR, "no site found", fix="create one with `seci init-site NAME`")
    return list(args.sites or available)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seci",
        description="seci-kit: ingest interview transcripts, code them with a SECI codebook, "
        "and build the findings report.",
    )
    parser.add_argument("--version", action="version", version=f"seci-kit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except SeciError as error:
        print(f"seci: error: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("seci: interrupted; earlier outputs were left as they were", file=sys.stderr)
        return 130
