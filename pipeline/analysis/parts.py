"""A part of a report page that may or may not be there: its Markdown and the tables shown under it.

The notebooks hold no logic of their own, so a section that depends on the site (the comparison
with reference findings, which a new site does not have) is computed here as a :class:`Part` and
shown with one call (:meth:`pipeline.report.notebook_setup.Notebook.show`), whatever it turned out to be.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    name: str  # file name under tables/, without extension
    frame: pd.DataFrame
    caption: str


@dataclass
class Part:
    """Markdown (possibly empty: the part is absent) and the tables shown under it."""

    markdown: str
    tables: list[Table] = field(default_factory=list)
