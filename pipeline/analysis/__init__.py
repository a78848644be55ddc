"""The analysis stage: the coded study as tables, findings, agreement with other coders, validation."""
