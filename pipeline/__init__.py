"""seci-kit: reproducible SECI knowledge-management interview studies.

Four stages, one subpackage each: :mod:`pipeline.corpus` (transcripts to segments),
:mod:`pipeline.coding` (codebook and keyword classifier), :mod:`pipeline.analysis` (tables,
findings, agreement, validation) and :mod:`pipeline.report` (``seci run``, notebooks, pages,
exports). :mod:`pipeline.cli` sits on top; the notebooks call the stages directly.
"""

__version__ = "0.1.0"
