"""The report stage: ``seci run``, the executed notebooks, figures, tables, viewer and exports."""
