"""seci-kit: reproducible SECI knowledge-management interview studies.

Four stages, one subpackage each: :mod:`pipeline.corpus` (transcripts to segments),
:mod:`pipeline.coding` (codebook and keyword classifier), :mod:`pipeline.analysis` (tables,
findings, agreement, validation) and :mod:`pipeline.report` (``seci run``, notebooks, pages,
exports). :mod:`pipeline.cli` sits on top; the notebooks call the stages directly.
"""

import csv

from pipeline.contracts import MAX_TEXT_CHARS

__version__ = "0.1.0"

# The csv module's own cell limit (131,072 characters) is one setting for the whole process: set here,
# once, so that every CSV reader of the package gets the project's limits and their one-line errors
# (a cell over MAX_LINE_CHARS in a transcript, over MAX_TEXT_CHARS in a table to classify), whatever
# module happened to be imported first.
csv.field_size_limit(MAX_TEXT_CHARS)
