"""The catalogue of words: every heading, sentence, label and caption seci-kit's reports show.

One YAML file per report language beside this module (``en.yaml``, ``id.yaml``), each with the same
sections and keys; code asks for a word by ``"section.key"``. Adding a report language is adding one
file (copy ``en.yaml`` to ``<code>.yaml`` and translate it), plus the codebook's code labels in that
language, which the report shows beside these words.
"""

from __future__ import annotations

import functools
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent


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
