"""The pages seci-kit writes itself (the report's index, the coded transcripts), from Jinja2 templates.

The templates live in ``templates/`` beside this module. Every value a template shows is escaped
with :func:`html.escape` (``&``, ``<``, ``>``, quotes), whatever its source, unless the code marks it
as markup it built itself: a site's title, a transcript or a codebook label can never become markup.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent / "templates"


def render(template: str, **context) -> str:
    """The page ``template`` (a file in ``templates/``) filled with ``context``."""
    return _environment().get_template(template).render(**context)


def _escaped(value):
    """Every shown value through :func:`html.escape`, as the pages were always escaped."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value)))


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, finalize=_escaped,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
