"""Report tables as CSV (for re-analysis) and LaTeX booktabs (for the manuscript), byte-stable.

The CSV keeps the stable column names of :mod:`pipeline.analysis.counts`; the LaTeX table and the frame
shown in the notebook carry the headings of the report language.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.api.types import is_bool_dtype, is_float_dtype, is_numeric_dtype

from pipeline.files import write_csv, write_text
from pipeline.words import words

WIDE_TEXT = 40  # a text column whose longest cell exceeds this many characters wraps in LaTeX
LONG_TABLE = 30  # rows beyond which a LaTeX table becomes a longtable that breaks across pages
TRANSLATED_COLUMNS = ("role", "status")
LABELLED = ("code", "item", "section")  # shown by label; the CSV keeps the stable <name>_id beside it
LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def escape_latex(text: str) -> str:
    """Plain text made safe inside LaTeX (the cells are escaped by pandas; this is for the caption)."""
    return "".join(LATEX_SPECIALS.get(character, character) for character in text)


def for_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as a reader sees it: a named index becomes a column, code ids give way to code labels,
    and headings, roles, statuses and yes/no are in the report language."""
    if frame.index.name is not None:
        frame = frame.reset_index()
    frame = frame.drop(columns=[f"{label}_id" for label in LABELLED if label in frame and f"{label}_id" in frame])
    frame = frame.copy()
    for column in frame.columns:
        if column in TRANSLATED_COLUMNS or is_bool_dtype(frame[column]):
            frame[column] = frame[column].map(lambda value: cell_value(value, lang))
    return frame.rename(columns=words("columns", lang))


def to_latex(frame: pd.DataFrame, name: str, caption: str = "", precision: int = 2) -> str:
    """A booktabs tabular (``\\toprule``/``\\midrule``/``\\bottomrule``) in a ``table`` float labelled ``tab:<name>``.

    Cells and headings are LaTeX-escaped; long text columns get a paragraph column so they wrap; a table of
    more than :data:`LONG_TABLE` rows is a ``longtable`` (package longtable) so it can break across pages.
    """
    wide = [column for column in frame.columns
            if not is_numeric_dtype(frame[column]) and frame[column].astype(str).str.len().max() > WIDE_TEXT]
    paragraph = rf"p{{{round(0.6 / max(len(wide), 1), 2)}\linewidth}}"  # wide columns share 60% of the line
    columns = ["r" if is_numeric_dtype(frame[column]) else paragraph if column in wide else "l"
               for column in frame.columns]
    styler = frame.style.hide(axis="index")
    styler = styler.format(escape="latex", na_rep="")
    for column in frame.columns:
        if is_float_dtype(frame[column]):  # one number of decimals per column: the fewest its values need
            places = _decimals(frame[column], precision)
            styler = styler.format(lambda value, places=places: f"{value:.{places}f}", subset=[column], na_rep="")
    styler = styler.format_index(escape="latex", axis=1)
    long = len(frame) > LONG_TABLE
    return styler.to_latex(
        hrules=True, column_format="".join(columns), environment="longtable" if long else None,
        position=None if long else "htbp", position_float=None if long else "centering",
        caption=escape_latex(caption) if caption else None, label=f"tab:{name}",
    )


def _decimals(values: pd.Series, precision: int) -> int:
    """The fewest decimals (at most ``precision``) that show every value of a column exactly as rounded."""
    for places in range(precision + 1):
        if all(round(value, places) == round(value, precision) for value in values.dropna()):
            return places
    return precision


def save_table(frame: pd.DataFrame, name: str, out_dir: str | Path, caption: str = "", lang: str = "en",
               precision: int = 2) -> pd.DataFrame:
    """Write ``<out_dir>/<name>.csv`` and ``<name>.tex``; return the table as the notebook shows it
    (its first column as the row labels)."""
    out_dir = Path(out_dir)
    csv_frame = frame.reset_index() if frame.index.name is not None else frame
    write_csv(out_dir / f"{name}.csv", csv_frame)
    shown = for_display(frame, lang)
    write_text(out_dir / f"{name}.tex", to_latex(shown, name, caption, precision))
    return shown.set_index(shown.columns[0])


def cell_value(value, lang: str):
    """A table cell as the report shows it: roles, statuses and yes/no in the report language."""
    return words("report", lang).get(f"value_{value}", value)
