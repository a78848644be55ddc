"""The study's notebooks as readers and the orchestrator rely on them.

A researcher opens ``notebooks/NN_*.ipynb`` in JupyterLab and reads Markdown that explains each
section, with short code cells that each make one pipeline call; ``seci run`` injects its parameters
after the one cell tagged ``parameters`` and takes the notebook's title from the first heading it
shows. The fast tests read the committed notebooks; the slow ones read them as executed by the
shipped study's run.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import Markdown

from pipeline.analysis.study import load_study
from pipeline.contracts import CROSS_SITE_NOTEBOOK
from pipeline.report import notebook_setup
from pipeline.report.notebooks import notebook_title
from pipeline.report.run import notebook_parameters
from pipeline.words import plain, text

PROJECT = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted((PROJECT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = [notebook for notebook in ALL_NOTEBOOKS if notebook.name != CROSS_SITE_NOTEBOOK]  # one site each
FIXTURE = Path(__file__).parent / "fixtures" / "analysis"
MAX_CODE_LINES = 40
# The catalogue key of each notebook's title, filled with the study's title.
TITLE_KEYS = {"01": "report.h_corpus", "02": "report.h_seci", "03": "report.h_performance", "04": "report.h_patrons",
              "05": "report.h_findings", "06": "validation.title"}
PARAMETER_DEFAULTS = {"site": "uin-imam-bonjol", "root": None, "report_lang": None, "out_dir": None}
# What a code cell may do besides calling the pipeline: show Markdown, count a list.
ALLOWED_CALLS = {"Markdown", "len"}
# Statements and expressions that would be logic of the notebook's own.
LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.AsyncFor, ast.While, ast.If, ast.IfExp,
         ast.With, ast.Try, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.BinOp,
         ast.BoolOp, ast.Compare, ast.JoinedStr)


def read(notebook: Path) -> dict:
    return json.loads(notebook.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"])


def code_cells(nb: dict) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def python(cell: dict) -> ast.Module:
    """A code cell as Python, its IPython magics (``%matplotlib inline``) left out."""
    return ast.parse("\n".join(line for line in source(cell).splitlines() if not line.startswith("%")))


def literal_assignments(cell: dict) -> dict:
    tree = python(cell)
    assert all(isinstance(node, ast.Assign) and len(node.targets) == 1 for node in tree.body), source(cell)
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body}


def root_name(node: ast.expr) -> str | None:
    """``nb`` for ``nb.table(...)``, ``counts`` for ``counts.cooccurrence``, ``Markdown`` for ``Markdown``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def shown_headings(cell: dict) -> list[str]:
    """The Markdown headings an executed cell shows: its own source if Markdown, else its outputs'."""
    texts = [source(cell)] if cell["cell_type"] == "markdown" else [
        "".join(output.get("data", {}).get("text/markdown", "")) for output in cell.get("outputs", [])]
    return [line for text_ in texts for line in text_.splitlines() if line.startswith("#")]


def test_the_study_has_its_six_site_notebooks_and_the_cross_site_one():
    assert [notebook.stem[:2] for notebook in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"]
    assert [notebook.name for notebook in ALL_NOTEBOOKS][-1] == CROSS_SITE_NOTEBOOK


def test_the_cross_site_notebook_takes_the_sites_and_sets_up_with_one_call():
    cells = code_cells(read(ALL_NOTEBOOKS[-1]))
    assert literal_assignments(cells[0]) == {"site": "cross-site", "sites": None, "root": None, "report_lang": None,
                                             "figure_formats": ["pdf", "svg", "png"], "out_dir": None}
    assert len(re.findall(r"\bnotebook_setup\.start_cross_site\(", source(cells[1]))) == 1


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_one_parameters_cell_comes_first_with_the_names_and_defaults_the_run_injects(notebook, tmp_path):
    cells = read(notebook)["cells"]
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell["metadata"].get("tags", [])]
    assert tagged == [0]
    parameters = literal_assignments(cells[0])
    injected = notebook_parameters(tmp_path, "site", "en", tmp_path / "staging")
    assert set(injected) <= set(parameters)
    assert {name: parameters[name] for name in PARAMETER_DEFAULTS} == PARAMETER_DEFAULTS
    if notebook.stem == "06_validation":
        assert (parameters["resamples"], parameters["seed"]) == (1000, 0)
    else:
        assert parameters["figure_formats"] == ["pdf", "svg", "png"]


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebooks_carry_no_outputs_and_keep_their_file_format(notebook):
    raw = notebook.read_text(encoding="utf-8")
    nb = json.loads(raw)
    assert raw == json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code_cells(nb))
    ids = [cell["id"] for cell in nb["cells"]]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", cell_id) for cell_id in ids)


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_has_at_most_forty_lines_of_code(notebook):
    lines = [line for cell in code_cells(read(notebook)) for line in source(cell).splitlines() if line.strip()]
    assert len(lines) <= MAX_CODE_LINES


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda path: path.stem)
def test_code_cells_only_load_call_the_pipeline_and_show(notebook):
    cells = code_cells(read(notebook))
    known = set(literal_assignments(cells[0]))  # the parameters
    for cell in cells[1:]:
        tree = python(cell)
        logic = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, LOGIC)]
        assert not logic, (source(cell), logic)
        for statement in tree.body:
            assert isinstance(statement, (ast.ImportFrom, ast.Assign, ast.Expr)), source(cell)
            if isinstance(statement, ast.ImportFrom):
                assert statement.module.startswith("pipeline") or (
                    statement.module == "IPython.display" and [a.name for a in statement.names] == ["Markdown"])
                known |= {alias.asname or alias.name for alias in statement.names if alias.name != "Markdown"}
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            name = root_name(call.func)
            assert name in known | ALLOWED_CALLS, f"{ast.unparse(call)} calls outside the pipeline"
        known |= {node.targets[0].id for node in tree.body if isinstance(node, ast.Assign)}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebooks_share_one_setup_call_right_after_the_parameters(notebook):
    setup = source(code_cells(read(notebook))[1])
    assert len(re.findall(r"\bnotebook_setup\.start\(", setup)) == 1
    assert "load_study" not in setup and "set_option" not in setup


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda path: path.stem)
def test_markdown_explains_in_english_without_typed_numbers_headings_or_site_names(notebook):
    prose = [source(cell) for cell in read(notebook)["cells"] if cell["cell_type"] == "markdown"]
    assert len(prose) >= 3
    sites = [path.name for path in (PROJECT / "data" / "raw").iterdir() if path.is_dir()]
    for markdown in prose:
        assert markdown.startswith("**"), "each explanation opens with a bold lead-in: what, how, reading"
        assert not re.search(r"\b\d", markdown), "numbers are computed at run time, never typed in (F1 is a name)"
        assert not [line for line in markdown.splitlines() if line.startswith("#")], \
            "the computed title must stay the first heading a notebook shows"
        assert not [site for site in sites if site in markdown]
        assert not re.search(r"Padang|Imam Bonjol|Telegram|OPAC|pamphlet", markdown, re.IGNORECASE)


def test_start_loads_the_study_and_saves_tables_and_figures_in_the_report_language(tmp_path):
    from pipeline.analysis import counts
    from pipeline.report import figures

    pd.set_option("display.max_rows", 10)
    try:
        nb = notebook_setup.start(site="tiny", root=FIXTURE, out_dir=tmp_path, lang="en", figure_formats=["svg"])
        assert pd.get_option("display.max_rows") is None and pd.get_option("display.max_colwidth") is None
    finally:
        pd.reset_option("display.max_rows")
        pd.reset_option("display.max_colwidth")
    assert nb.study.site == "tiny" and (nb.figure_dir, nb.table_dir) == (tmp_path / "figures", tmp_path / "tables")

    shown = nb.table(counts.words_and_turns(nb.study), "words", "report.cap_words")
    assert shown.index.name == "Informant"
    assert "\\caption{" + text("report.cap_words", "en") + "}" in (tmp_path / "tables" / "words.tex").read_text()
    fig = figures.plot_words_per_informant(counts.words_and_turns(nb.study), "en")
    assert nb.figure(fig, "words") is fig
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["words.svg"]

    heading = nb.heading("report.h_status", nb.text("report.status_rule"))
    assert isinstance(heading, Markdown)
    assert heading.data == "## " + text("report.h_status", "en") + "\n\n" + text("report.status_rule", "en")


def test_start_defaults_to_the_sites_report_folder_and_every_figure_format():
    nb = notebook_setup.start(site="tiny", root=FIXTURE, out_dir=None, lang="id")
    assert nb.table_dir == FIXTURE / "reports" / "tiny" / "tables"
    assert nb.figure_formats == ("pdf", "svg", "png")


# --- slow: the notebooks as the shipped study's run executed them --------------------------------------

@pytest.mark.slow
def test_every_section_an_executed_notebook_shows_has_an_explanation(study_run):
    for site in study_run.sites:
        for notebook in NOTEBOOKS:
            cells = read(study_run.root / "reports" / site / notebook.name)["cells"]
            sections: list[list[dict]] = []
            for cell in cells:
                if cell["cell_type"] == "code" and shown_headings(cell):
                    sections.append([])
                if sections:
                    sections[-1].append(cell)
            assert len(sections) >= 2, (site, notebook.name)
            for section in sections:
                assert any(cell["cell_type"] == "markdown" for cell in section), (
                    site, notebook.name, shown_headings(section[0]))


@pytest.mark.slow
def test_an_executed_notebooks_title_is_its_computed_title_in_the_report_language(study_run):
    for site, lang in (("uin-imam-bonjol", "id"), ("uin-imam-bonjol-en", "en")):
        study_title = load_study(study_run.root, site).title
        for notebook in NOTEBOOKS:
            executed = read(study_run.root / "reports" / site / notebook.name)
            first = next(cell for cell in executed["cells"] if shown_headings(cell))
            assert first["cell_type"] == "code", "the title is computed, not typed into a Markdown cell"
            expected = text(TITLE_KEYS[notebook.stem[:2]], lang, title=study_title)
            assert plain(shown_headings(first)[0]) == "# " + expected  # the title is escaped Markdown
            assert notebook_title(_nbformat(executed), notebook.stem) == expected


@pytest.mark.slow
def test_the_executed_validation_page_rests_on_the_reference_coding_and_says_what_it_is(study_run):
    from pipeline.analysis.findings import load_article_findings
    from pipeline.analysis.reference_coding import readme_description

    article = load_article_findings(study_run.root)
    for site, lang in (("uin-imam-bonjol", "id"), ("uin-imam-bonjol-en", "en")):
        passages = {" ".join(quote[f"text_{lang}"].split()).casefold() for quote in article["quotes"]}
        report = study_run.root / "reports" / site
        page = plain(_shown_markdown(read(report / "06_validation.ipynb")))
        description = readme_description(study_run.root / "data" / "reference" / site / "README.md")
        assert "AI coders, not people" in description and " ".join(description.split()) in page
        codes = pd.read_csv(report / "tables" / "validation_reference_codes.csv")
        assert list(codes["code_id"]) == load_study(study_run.root, site).codes()
        assert {"kappa_low", "alpha_low", "precision_low", "recall_low", "f1_low"} <= set(codes.columns)
        quotes = pd.read_csv(report / "tables" / "validation_quotes.csv")
        assert len(quotes) == len(passages) and quotes["cited"].sum() == sum(len(q["informants"]) for q in article["quotes"])
        assert not [column for column in quotes.columns if "definition" in column]
        assert text("validation.h_corpus", lang) in page


def _shown_markdown(nb: dict) -> str:
    """Every Markdown the executed notebook's code cells showed, joined."""
    return "\n".join("".join(output["data"]["text/markdown"]) for cell in code_cells(nb) for output in cell["outputs"]
                     if "text/markdown" in output.get("data", {}))


def _nbformat(nb: dict):
    import nbformat

    return nbformat.from_dict(nb)
