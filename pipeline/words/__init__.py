"""The catalogue of words: every heading, sentence, label and caption seci-kit's reports show.

One YAML file per report language beside this module (``en.yaml``, ``id.yaml``), each with the same
sections and keys; code asks for a word by ``"section.key"``. Adding a report language is adding one
file (copy ``en.yaml`` to ``<code>.yaml`` and translate it), plus the codebook's code labels in that
language, which the report shows beside these words.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent
_ASCII_PUNCTUATION = r"[!-/:-@\[-`{-~]"  # what CommonMark lets a backslash make literal
_MARKDOWN_SPECIAL = re.compile(f"({_ASCII_PUNCTUATION})")
_MARKDOWN_ESCAPED = re.compile(rf"\\({_ASCII_PUNCTUATION})")


def report_languages() -> tuple[str, ...]:
    """The languages a report can be written in: one per catalogue file."""
    return tuple(sorted(path.stem for path in CATALOGUE_DIR.glob("*.yaml")))


def text(key: str, lang: str, **values) -> str:
    """The words of ``key`` ("section.name") in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    section, _, name = key.partition(".")
    return words(section, lang)[name].format(**values)


def words(section: str, lang: str) -> dict[str, str]:
    """Every word of one section in ``lang``, unfilled (for templates that fill their own)."""
    return _catalogue(lang)[section]


@functools.cache
def _catalogue(lang: str) -> dict[str, dict[str, str]]:
    if lang not in report_languages():
        raise ValueError(f"report language {lang!r} is not one of {', '.join(report_languages())}")
    from pipeline.yaml_reader import read_yaml

    catalogue, _ = read_yaml(CATALOGUE_DIR / f"{lang}.yaml")
    return catalogue


def literal(value) -> str:
    """A site's text (a title, a note, a code label, a quote) made literal inside the catalogue's Markdown.

    The catalogue's words are Markdown, and the notebook pages render that Markdown as HTML. Text a
    site supplies must show as written and never become markup: a backslash before every ASCII
    punctuation character makes each one literal in CommonMark (``<`` cannot open HTML, ``[`` cannot
    open a link, ``*`` cannot start emphasis), and line breaks become spaces so the text cannot start a
    block of its own (a heading, a quote, an HTML block). Site text meant to look like code is
    :func:`code_span` instead.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code_span(value) -> str:
    """A site's text as a Markdown code span: everything in it is literal, backticks included.

    Backslashes show as written in a code span, so :func:`literal` cannot be used there; instead the
    span is fenced with one backtick more than the longest run of backticks in the text.
    """
    value = " ".join(str(value).split())
    fence = "`" * (1 + max(map(len, re.findall("`+", value)), default=0))
    return f"{fence} {value} {fence}"


def plain(markdown: str) -> str:
    """Markdown text with the escapes of :func:`literal` removed: the words a reader sees."""
    return _MARKDOWN_ESCAPED.sub(r"\1", markdown)
