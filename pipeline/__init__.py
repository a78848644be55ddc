"""seci-kit: reproducible SECI knowledge-management interview studies.

One module per stage (``ingest``, ``classify``, ``analysis``, ``figures``, ``report``, ...);
the command line in :mod:`pipeline.cli` and the notebooks call them.
"""

__version__ = "0.1.0"
