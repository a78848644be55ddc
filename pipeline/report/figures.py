"""Publication figures: one look, one ``save_figure``, byte-identical on every run.

Every plot function takes a table from :mod:`pipeline.analysis.counts` and returns a matplotlib ``Figure``
(built without pyplot, so nothing global changes). Figures are sized for a journal column
(:data:`ONE_COLUMN`, 89 mm) or the full page width (:data:`TWO_COLUMNS`, 183 mm), use DejaVu Sans (it
ships with matplotlib, so nothing is downloaded) embedded as TrueType, and the Okabe-Ito palette with
hatching (:mod:`pipeline.report.style`), so the categories stay apart for colour-blind readers and in
greyscale print.
"""

from __future__ import annotations

import io
import os
import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from pipeline.files import write_bytes
from pipeline.report.style import MATRIX_COLORMAP, OKABE_ITO, ROLE_STYLE, STATUS_STYLE
from pipeline.words import text

MM_PER_INCH = 25.4
ONE_COLUMN = 89 / MM_PER_INCH    # 3.5 in
TWO_COLUMNS = 183 / MM_PER_INCH  # 7.2 in
FORMATS = ("pdf", "svg", "png")
PNG_DPI = 300


STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "patch.linewidth": 0.6,
    "hatch.linewidth": 0.6,
    "hatch.color": OKABE_ITO["black"],
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO.values())),
    "figure.dpi": 150,
    "savefig.dpi": PNG_DPI,
    "pdf.fonttype": 42,       # TrueType, embedded: journals reject Type 3
    "ps.fonttype": 42,
    "svg.fonttype": "path",   # text as outlines: the SVG looks the same without the font installed
    "svg.hashsalt": "seci-kit",
}


@contextmanager
def journal_style():
    """The rc settings every figure is built and saved under."""
    with mpl.rc_context(STYLE):
        yield


def _metadata(fmt: str) -> dict | None:
    """No creation date unless SOURCE_DATE_EPOCH fixes one (matplotlib then writes that date)."""
    dated = "SOURCE_DATE_EPOCH" in os.environ
    if fmt == "pdf":
        return {} if dated else {"CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {} if dated else {"Date": None}
    return None


def save_figure(fig: Figure, name: str, out_dir: str | Path, formats=FORMATS) -> list[Path]:
    """Write ``<out_dir>/<name>.<fmt>`` for each format (PDF, SVG, 300-dpi PNG), atomically.

    The same figure saved twice gives the same bytes: fixed hash salt, no timestamps (or the one
    SOURCE_DATE_EPOCH asks for), fonts embedded by a deterministic subsetter.
    """
    paths = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"figure format {fmt!r} is not one of {', '.join(FORMATS)}")
        buffer = io.BytesIO()
        with journal_style():
            fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_metadata(fmt))
        path = Path(out_dir) / f"{name}.{fmt}"
        write_bytes(path, buffer.getvalue())
        paths.append(path)
    return paths


def _new_figure(width: float, height: float) -> Figure:
    with journal_style():
        return Figure(figsize=(width, height), layout="constrained")


def _laid_out(fig: Figure) -> Figure:
    """Run the constrained layout once and keep it, so each saved format does not lay the figure out again."""
    with journal_style():
        fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def _wrap(label: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _height(rows: int, per_row: float = 0.22, extra: float = 0.75) -> float:
    return round(rows * per_row + extra, 2)


def _legend(fig: Figure, styles: dict, lang: str) -> None:
    """A one-row legend above the plot, where it can never cover a bar."""
    handles = [Patch(facecolor=style["color"], hatch=style["hatch"], edgecolor="black", linewidth=0.6,
                     label=text(f"report.legend_{key}", lang)) for key, style in styles.items()]
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles))


def plot_words_per_informant(words_and_turns: pd.DataFrame, lang: str = "en") -> Figure:
    """Words each informant spoke, bars shaded by role, with the number of answer turns at the bar end."""
    rows = words_and_turns.iloc[::-1]
    with journal_style():
        fig = _new_figure(ONE_COLUMN, _height(len(rows)))
        ax = fig.add_subplot()
        for position, row in enumerate(rows.itertuples()):
            style = ROLE_STYLE[row.role]
            ax.barh(position, row.words, color=style["color"], hatch=style["hatch"], edgecolor="black")
            ax.annotate(text("report.n_turns", lang, n=row.turns), (row.words, position), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=6)
        ax.set_yticks(range(len(rows)), rows["informant_id"])
        ax.set_xlabel(text("report.axis_words", lang))
        ax.margins(x=0.18)
        _legend(fig, {role: ROLE_STYLE[role] for role in ROLE_STYLE if role in set(rows["role"])}, lang)
    return _laid_out(fig)


def plot_code_by_role(by_role: pd.DataFrame, lang: str = "en") -> Figure:
    """Segments per code, librarians' and patrons' bars side by side (codebook order, top to bottom)."""
    rows = by_role.iloc[::-1]
    roles = [role for role in ROLE_STYLE if role in rows.columns]
    bar = 0.8 / len(roles)
    with journal_style():
        fig = _new_figure(ONE_COLUMN, _height(len(rows), per_row=0.32))
        ax = fig.add_subplot()
        for offset, role in enumerate(roles):
            style = ROLE_STYLE[role]
            positions = [i + (len(roles) - 1 - offset - (len(roles) - 1) / 2) * bar for i in range(len(rows))]
            ax.barh(positions, rows[role], height=bar, color=style["color"], hatch=style["hatch"], edgecolor="black")
        ax.set_yticks(range(len(rows)), [_wrap(label) for label in rows.index])
        ax.set_xlabel(text("report.axis_segments", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        _legend(fig, {role: ROLE_STYLE[role] for role in roles}, lang)
    return _laid_out(fig)


def plot_matrix(matrix: pd.DataFrame, lang: str = "en", value: str = "axis_segments",
                width: float = TWO_COLUMNS) -> Figure:
    """A count matrix (code x informant, or code x code) as a shaded grid with every count printed; columns
    that are no counts (the ``few`` flags of :func:`~pipeline.analysis.counts.code_by_informant`) are left out."""
    matrix = matrix.select_dtypes("number")
    values = matrix.to_numpy()
    with journal_style():
        fig = _new_figure(width, _height(len(matrix), per_row=0.3, extra=0.9))
        ax = fig.add_subplot()
        ax.spines[:].set_visible(False)
        image = ax.pcolormesh(values, cmap=MATRIX_COLORMAP, vmin=0, vmax=max(int(values.max()), 1),
                              edgecolors="white", linewidth=0.5)  # vector cells, not a raster image
        ax.invert_yaxis()
        cmap = image.get_cmap()
        for (row, column), count in pd.DataFrame(values).stack().items():
            shade = cmap(image.norm(count))[:3]
            ink = "white" if sum(channel * weight for channel, weight in zip(shade, (0.299, 0.587, 0.114))) < 0.5 else "black"
            ax.text(column + 0.5, row + 0.5, str(count), ha="center", va="center", fontsize=6, color=ink)
        ax.set_xticks([column + 0.5 for column in range(matrix.shape[1])], matrix.columns)
        if max(len(str(label)) for label in matrix.columns) > 4:  # code labels, not informant ids: slant them
            ax.tick_params(axis="x", labelrotation=35)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        ax.set_yticks([row + 0.5 for row in range(matrix.shape[0])], [_wrap(label) for label in matrix.index])
        ax.tick_params(length=0)
        colorbar = fig.colorbar(image, ax=ax, shrink=0.8, aspect=25, pad=0.01)
        colorbar.set_label(text("report." + value, lang))
        colorbar.outline.set_linewidth(0.6)
        colorbar.ax.yaxis.get_major_locator().set_params(integer=True)
    return _laid_out(fig)


def plot_practice_and_barrier(status: pd.DataFrame, lang: str = "en") -> Figure:
    """Codings of each code reported as a practice and as a barrier, stacked (codebook order, top down)."""
    rows = status.iloc[::-1]
    with journal_style():
        fig = _new_figure(ONE_COLUMN, _height(len(rows), per_row=0.28))
        ax = fig.add_subplot()
        left = [0] * len(rows)
        for key, style in STATUS_STYLE.items():
            ax.barh(range(len(rows)), rows[key], left=left, height=0.65, color=style["color"], hatch=style["hatch"],
                    edgecolor="black")
            left = [a + b for a, b in zip(left, rows[key])]
        ax.set_yticks(range(len(rows)), [_wrap(label) for label in rows["code"]])
        ax.set_xlabel(text("report.axis_codings", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        _legend(fig, STATUS_STYLE, lang)
    return _laid_out(fig)


def plot_carrying_terms(terms: pd.DataFrame, lang: str = "en", top: int = 5) -> Figure:
    """The keywords that carried each code, by how many informants used them (``top`` per code).

    Codes are stacked top to bottom in codebook order, each under its label, so items such as
    "opac", "e-book" or "wifi" can be read off directly.
    """
    shown = terms.groupby("code_id", sort=False).head(top)
    rows, labels, headers, position = [], [], [], 0.0
    for code, of_code in shown.groupby("code", sort=False):
        headers.append((position, code))
        position += 1
        for row in of_code.itertuples():
            rows.append((position, row.informants))
            labels.append(row.keyword)
            position += 1
        position += 0.4
    with journal_style():
        fig = _new_figure(ONE_COLUMN, _height(len(rows) + len(headers), per_row=0.17, extra=0.6))
        ax = fig.add_subplot()
        ax.barh([y for y, _ in rows], [count for _, count in rows], height=0.7, color=OKABE_ITO["blue"],
                edgecolor="black")
        ax.set_yticks([y for y, _ in rows], labels)
        for y, code in headers:
            ax.text(0, y, code, transform=ax.get_yaxis_transform(), ha="left", va="center", fontweight="bold",
                    fontsize=7)
        ax.set_ylim(position - 0.4 - 0.5, -0.6)  # top down, no empty band below the last bar
        ax.set_xlabel(text("report.axis_term_informants", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _laid_out(fig)


SITE_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def plot_shares_by_site(modes: pd.DataFrame, lang: str = "en") -> Figure:
    """One panel per role: each code's share of the role's informants per site, a point with its interval
    (:func:`pipeline.analysis.cross_site.modes_by_role`); a hollow point is a share resting on few
    informants or codings (its ``few`` flag)."""
    roles, sites = list(dict.fromkeys(modes["role"])), list(dict.fromkeys(modes["site"]))
    codes = list(dict.fromkeys(modes["code"]))[::-1]
    step = 0.7 / max(len(sites), 1)
    with journal_style():
        fig = _new_figure(TWO_COLUMNS, _height(len(codes), per_row=0.45, extra=1.1))
        axes = fig.subplots(1, len(roles), sharey=True, squeeze=False)[0]
        for ax, role in zip(axes, roles):
            for n, site in enumerate(sites):
                rows = modes[(modes["role"] == role) & (modes["site"] == site)].set_index("code").reindex(codes)
                positions = [i + (n - (len(sites) - 1) / 2) * step for i in range(len(codes))]
                errors = [(rows["share"] - rows["low"]).clip(lower=0), (rows["high"] - rows["share"]).clip(lower=0)]
                bars = ax.errorbar(rows["share"], positions, xerr=errors, fmt=SITE_MARKERS[n % len(SITE_MARKERS)],
                                   markersize=4, capsize=2, linewidth=0.8, label=site)
                few = rows["few"].fillna(False).astype(bool).to_numpy()  # an indication only: drawn hollow
                ax.plot(rows["share"][few], [p for p, flag in zip(positions, few) if flag], linestyle="none",
                        marker=SITE_MARKERS[n % len(SITE_MARKERS)], markersize=4, markerfacecolor="white",
                        markeredgecolor=bars.lines[0].get_color(), zorder=bars.lines[0].get_zorder() + 0.1)
            ax.set_title(role)
            ax.set_xlim(0, 1)
            ax.set_xlabel(text("cross_site.axis_share", lang))
            ax.set_yticks(range(len(codes)), [_wrap(code) for code in codes])
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=min(len(sites), 4))
    return _laid_out(fig)
