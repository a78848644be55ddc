"""Publication figures: journal sizes, embedded fonts, greyscale-safe styles, byte-identical saves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from pipeline.analysis import counts
from pipeline.analysis.study import Study, load_study
from pipeline.report import figures, style

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(FIXTURE, "tiny")


@pytest.fixture()
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


FIGURES = {
    "words": lambda study, lang: figures.plot_words_per_informant(counts.words_and_turns(study), lang),
    "by_role": lambda study, lang: figures.plot_code_by_role(counts.code_by_role(study, "seci", lang), lang),
    "matrix": lambda study, lang: figures.plot_matrix(counts.code_by_informant(study, lang=lang), lang),
    "cooccurrence": lambda study, lang: figures.plot_matrix(counts.cooccurrence(study, "seci", lang), lang,
                                                            value="axis_cooccurrence", width=figures.ONE_COLUMN),
    "status": lambda study, lang: figures.plot_practice_and_barrier(counts.status_by_code(study, "seci", lang=lang), lang),
    "terms": lambda study, lang: figures.plot_carrying_terms(
        counts.carrying_terms(study, study.codes("patron"), "patron", lang), lang),
}

SAVE_EVERY_FIGURE_IN_A_NEW_PROCESS = """
import sys
sys.path.insert(0, sys.argv[3])
from test_figures import FIGURES
from pipeline.analysis.study import load_study
from pipeline.report import figures
study = load_study(sys.argv[1], "tiny")
for name, plot in FIGURES.items():
    figures.save_figure(plot(study, "id"), name, sys.argv[2])
"""


def test_every_figure_saved_by_two_processes_with_different_hash_seeds_is_byte_identical(tmp_path, no_epoch):
    runs = [subprocess.Popen([sys.executable, "-c", SAVE_EVERY_FIGURE_IN_A_NEW_PROCESS, str(FIXTURE),
                              str(tmp_path / seed), str(Path(__file__).parent)],
                             env={**os.environ, "PYTHONHASHSEED": seed})
            for seed in ("1", "2")]
    assert [run.wait() for run in runs] == [0, 0]
    saved = sorted((tmp_path / "1").iterdir())
    assert len(saved) == len(FIGURES) * len(figures.FORMATS)
    for path in saved:
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name


def test_a_figure_is_written_as_pdf_svg_and_300_dpi_png_at_column_width(study, tmp_path, no_epoch):
    fig = figures.plot_words_per_informant(counts.words_and_turns(study))
    paths = figures.save_figure(fig, "words", tmp_path)
    assert [path.name for path in paths] == ["words.pdf", "words.svg", "words.png"]
    with Image.open(tmp_path / "words.png") as png:
        assert png.size[0] == round(89 / 25.4 * 300)  # one journal column, 89 mm, at 300 dpi
        assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_journal_widths_are_one_and_two_columns(study):
    assert figures.ONE_COLUMN == pytest.approx(3.5, abs=0.01)
    assert figures.TWO_COLUMNS == pytest.approx(7.2, abs=0.01)
    for name, plot in FIGURES.items():
        width = plot(study, "en").get_size_inches()[0]
        assert width == pytest.approx(figures.TWO_COLUMNS if name == "matrix" else figures.ONE_COLUMN), name


def test_pdf_embeds_dejavu_as_truetype_and_carries_no_date(study, tmp_path, no_epoch):
    figures.save_figure(FIGURES["status"](study, "en"), "status", tmp_path, formats=["pdf", "svg"])
    pdf = (tmp_path / "status.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf  # TrueType (fonttype 42), embedded
    assert b"/Type3" not in pdf
    assert b"/CreationDate" not in pdf
    assert b"<dc:date>" not in (tmp_path / "status.svg").read_bytes()


def test_source_date_epoch_sets_the_pdf_date(study, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    figures.save_figure(FIGURES["status"](study, "en"), "status", tmp_path / "a", formats=["pdf"])
    figures.save_figure(FIGURES["status"](study, "en"), "status", tmp_path / "b", formats=["pdf"])
    pdf = (tmp_path / "a" / "status.pdf").read_bytes()
    assert b"D:20000101000000" in pdf
    assert pdf == (tmp_path / "b" / "status.pdf").read_bytes()


def test_paired_categories_differ_in_lightness_and_hatching():
    def grey(colour: str) -> float:
        red, green, blue = to_rgb(colour)
        return 0.299 * red + 0.587 * green + 0.114 * blue

    for styles in (style.ROLE_STYLE, style.STATUS_STYLE):
        first, second = styles.values()
        assert abs(grey(first["color"]) - grey(second["color"])) > 0.2
        assert first["hatch"] != second["hatch"]
        assert {first["color"], second["color"]} <= set(style.OKABE_ITO.values())


def test_axis_labels_and_legend_follow_the_report_language(study):
    fig = figures.plot_practice_and_barrier(counts.status_by_code(study, "seci", lang="id"), "id")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Pengkodean"
    assert [tick.get_text() for tick in ax.get_yticklabels()][-1] == "Sosialisasi"  # codebook order, top down
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["Praktik", "Hambatan (belum memadai)"]


def test_every_count_of_a_matrix_is_printed_in_its_cell(study):
    matrix = counts.cooccurrence(study, "seci")
    fig = figures.plot_matrix(matrix, value="axis_cooccurrence", width=figures.ONE_COLUMN)
    printed = [text.get_text() for text in fig.axes[0].texts]
    assert printed == [str(count) for count in matrix.to_numpy().ravel()]


def test_an_unknown_format_is_refused(study, tmp_path):
    with pytest.raises(ValueError, match="tiff"):
        figures.save_figure(FIGURES["words"](study, "en"), "words", tmp_path, formats=["tiff"])


def test_a_cross_site_share_resting_on_few_informants_or_codings_is_drawn_hollow():
    modes = pd.DataFrame([
        {"site": "a", "role": "librarian", "code": "Socialization", "share": 0.5, "low": 0.2, "high": 0.8, "few": True},
        {"site": "a", "role": "librarian", "code": "Combination", "share": 0.9, "low": 0.6, "high": 1.0, "few": False},
    ])
    fig = figures.plot_shares_by_site(modes, "en")
    hollow = [line for ax in fig.axes for line in ax.lines if line.get_markerfacecolor() == "white"]
    assert [list(line.get_xdata()) for line in hollow] == [[0.5]]
    filled = [line for ax in fig.axes for line in ax.lines if line.get_marker() == "o" and line not in hollow]
    assert hollow[0].get_zorder() > max(line.get_zorder() for line in filled)  # drawn over the filled point
