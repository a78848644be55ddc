"""Replicating the study at another library (issue 12): a new site runs end to end, sites are
independent, reports are site-neutral, notebooks run the way Jupyter users run them.

The fictional English site ``northfield-pilot`` (one transcript in each supported format, no
``reference:``) is what the replication path is tested on; the slow tests read the shipped study's
run (``study_run``, all three sites) or run ``seci`` in a copy of the project.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT, copy_project, seci

from pipeline.analysis import agreement, counts, findings, reference_coding, validation
from pipeline.analysis.study import load_study
from pipeline.cli import main
from pipeline.coding.classify import classify_text, compile_codebook
from pipeline.coding.codebook import codebook_to_yaml, load_codebook
from pipeline.contracts import processed_site_dir, raw_site_dir
from pipeline.corpus.ingest import build_site
from pipeline.corpus.readers import SUPPORTED_FORMATS
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError
from pipeline.report import notebook_setup
from pipeline.report.viewer import transcript_page
from pipeline.words import text

FICTIONAL = "northfield-pilot"


@pytest.fixture(scope="module")
def coded_fictional(tmp_path_factory) -> Path:
    """A project holding the fictional site, ingested and coded."""
    root = copy_project(tmp_path_factory.mktemp("fictional"), parts=(f"data/raw/{FICTIONAL}",))
    assert main(["ingest", "--root", str(root), "--site", FICTIONAL]) == 0
    assert main(["code", "--root", str(root), "--site", FICTIONAL]) == 0
    return root


def test_the_fictional_site_has_one_transcript_per_format_and_says_it_is_fictional():
    site = raw_site_dir(PROJECT, FICTIONAL)
    assert sorted(path.suffix for path in (site / "transcripts").iterdir()) == sorted(SUPPORTED_FORMATS)
    config = load_study_config(site)
    assert config.reference is None and config.language == "en"
    assert "FICTIONAL" in config.note and "fictional" in config.title
    assert "fictional" in (site / "README.md").read_text(encoding="utf-8").lower()
    ingested = build_site(PROJECT, FICTIONAL)  # docx and odt open with a title line: metadata, not an error
    assert len(ingested.transcripts) == len(SUPPORTED_FORMATS)


def test_subtitle_cue_times_reach_segments_and_the_viewer_and_other_formats_leave_them_empty(coded_fictional, tmp_path):
    """P1.vtt's second cue runs 00:00:14.000 --> 00:00:26.000, P2.srt's fourth 00:00:26,000 --> 00:00:42,000."""
    segments = pd.read_csv(processed_site_dir(coded_fictional, FICTIONAL) / "segments.csv", dtype=str,
                           keep_default_na=False).set_index("segment_id")
    assert segments.loc["P1-002", ["start_time", "end_time"]].tolist() == ["00:00:14.000", "00:00:26.000"]
    assert segments.loc["P2-004", ["start_time", "end_time"]].tolist() == ["00:00:26.000", "00:00:42.000"]
    untimed = segments[~segments["informant_id"].isin(["P1", "P2"])]
    assert len(untimed) > 20 and set(untimed["start_time"]) == set(untimed["end_time"]) == {""}
    page = transcript_page(load_study(coded_fictional, FICTIONAL), "P1", "en")
    assert '<span class="sid">P1-002</span> <span class="time" title="time in the recording">00:00:14.000–00:00:26.000' in page


def test_the_shipped_padang_sites_name_the_article_as_their_reference():
    for site in ("uin-imam-bonjol", "uin-imam-bonjol-en"):
        assert load_study_config(raw_site_dir(PROJECT, site)).reference == PROJECT / "data/reference/article_findings.yaml"


def test_a_site_without_reference_gets_no_comparison_and_a_validation_page_saying_what_it_can_check(coded_fictional):
    study = load_study(coded_fictional, FICTIONAL)
    assert findings.reference_findings(study) is None
    assert findings.comparison_part(study, "en").markdown == ""
    assert reference_coding.read_reference_coding(study, coded_fictional) is None
    part = validation.reference_validation(study, None, validation.read_human_codings(coded_fictional, FICTIONAL), "en",
                                           resamples=0, seed=0)
    assert "has no reference coding" in part.markdown and "seci review-sheet" in part.markdown and not part.tables
    quotes = validation.quote_validation(study, None, "en")
    assert text("validation.no_quotes", "en") in quotes.markdown and not quotes.tables
    assert "Not computed" in validation.keyword_robustness(study, None, "en").markdown
    assert "FICTIONAL" in validation.introduction(study, "en", 0, 0)


def test_reference_codings_of_a_new_site_are_found_in_its_reference_folder(coded_fictional, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(coded_fictional, root)
    codings = pd.read_csv(processed_site_dir(root, FICTIONAL) / "codings.csv", dtype=str)
    reference = root / "data" / "reference" / FICTIONAL / "reference_codings.csv"
    reference.parent.mkdir(parents=True)
    codings.assign(coder="pilot-team").to_csv(reference, index=False)
    study = load_study(root, FICTIONAL)
    found = reference_coding.read_reference_coding(study, root)
    assert set(found.reference["coder"]) == {"pilot-team"} and found.coders.empty and found.description == ""
    part = validation.reference_validation(study, found, validation.read_human_codings(root, FICTIONAL), "en",
                                           resamples=0, seed=0)
    assert "pilot\\-team" in part.markdown and "says who or what made this reference coding" in part.markdown


def test_a_missing_reference_file_is_a_one_line_error_naming_it(coded_fictional, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(coded_fictional, root)
    with open(raw_site_dir(root, FICTIONAL) / "study.yaml", "a", encoding="utf-8") as study:
        study.write("reference: data/reference/missing.yaml\n")
    with pytest.raises(InputError, match=r"missing\.yaml: reference findings not found"):
        findings.comparison_part(load_study(root, FICTIONAL), "en")


def test_intros_name_the_codebooks_themes_and_thin_evidence_is_flagged(coded_fictional):
    study = load_study(coded_fictional, FICTIONAL)
    themes = counts.themes(study, "patron", "en")
    assert themes == "Print media, Online services, Facilities and Satisfaction"
    assert "Telegram" not in text("report.patrons_intro", "en", n=4, themes=themes)
    assert findings.thin_evidence(2, 10, "en") and findings.thin_evidence(3, 4, "en")
    assert findings.thin_evidence(3, 5, "en") == ""
    summary = counts.theme_summary(study, "patron", "patron", "en")
    few = (summary["informants"] < 3) | (summary["practice"] + summary["barrier"] < 5)
    assert summary["few"].tolist() == few.tolist() and few.any()


def test_the_report_language_defaults_to_the_sites_and_the_root_is_found_from_below(coded_fictional, tmp_path):
    (coded_fictional / "notebooks").mkdir(exist_ok=True)
    cwd = os.getcwd()
    try:
        os.chdir(coded_fictional / "notebooks")
        nb = notebook_setup.start(site=FICTIONAL, root=None, out_dir=tmp_path, lang=None)
    finally:
        os.chdir(cwd)
    assert nb.root == coded_fictional and nb.lang == "en"
    with pytest.raises(InputError, match="no project folder"):
        notebook_setup.find_root(Path("/"))


def test_site_names_may_end_in_a_slash_as_shell_completion_writes_them(coded_fictional):
    assert main(["ingest", "--root", str(coded_fictional), "--site", f"{FICTIONAL}/"]) == 0


def test_agreement_reads_the_tools_own_codings_one_coder_at_a_time(tmp_path, capsys):
    rows = pd.DataFrame({"segment_id": ["A-1", "A-2", "A-1", "A-2"], "code_id": ["socialization"] * 4,
                         "score": "1", "matched": "", "status": "practice", "coder": ["ana", "ana", "budi", "budi"]})
    both = tmp_path / "human_codings.csv"
    rows.to_csv(both, index=False)
    rows[rows["coder"] == "ana"].to_csv(tmp_path / "codings.csv", index=False)
    assert main(["agreement", str(both), str(tmp_path / "codings.csv"), "--resamples", "0"]) == 2
    assert "2 coders in one file (ana, budi); choose one with --coder NAME" in capsys.readouterr().err
    assert main(["agreement", str(both), str(tmp_path / "codings.csv"), "--coder", "budi", "--resamples", "0"]) == 0


def test_edited_codebooks_keeping_their_version_get_different_coder_labels(tmp_path):
    codebook = load_codebook()
    assert re.fullmatch(r"keyword-seci-v2\.4-[0-9a-f]{8}", codebook.coder)
    edited = tmp_path / "edited.yaml"
    edited.write_text(codebook_to_yaml(codebook).replace("weight: 1.5", "weight: 1.25", 1), encoding="utf-8")
    assert load_codebook(edited).version == codebook.version and load_codebook(edited).coder != codebook.coder


def test_a_bracketed_pseudonym_is_never_coded():
    matcher = compile_codebook(load_codebook())
    assert [coding.code_id for coding in classify_text("[Mentor] told me about it.", "en", matcher)] == []
    assert "socialization" in [coding.code_id for coding in classify_text("My mentor told me about it.", "en", matcher)]


def test_wilson_interval_matches_known_values():
    assert agreement.wilson_interval(0, 3) == (0.0, 0.561)  # z^2 / (n + z^2)
    assert agreement.wilson_interval(3, 3) == (0.439, 1.0)
    assert all(math.isnan(bound) for bound in agreement.wilson_interval(0, 0))


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_make_lab_allows_root_and_passes_args():
    shown = subprocess.run(["make", "-n", "lab", "ARGS=--port 8899", "STAMP=Makefile"], cwd=PROJECT,
                           capture_output=True, text=True, check=True).stdout
    assert "jupyter lab notebooks/" in shown and "--port 8899" in shown
    assert ("--allow-root" in shown) == (os.geteuid() == 0)


# --- slow: seci run and papermill as users run them -------------------------------------------------------

@pytest.mark.slow
def test_the_fictional_sites_report_is_complete_fictional_on_every_page_and_has_no_comparison(study_run):
    report = study_run.root / "reports" / FICTIONAL
    pages = [*report.glob("*.html"), *(report / "transcripts").glob("*.html")]
    assert len(pages) >= 1 + 6 + 7
    assert [page.name for page in pages if "FICTIONAL" not in page.read_text(encoding="utf-8")] == []
    assert text("report.h_comparison", "en") not in (report / "05_findings.html").read_text(encoding="utf-8")
    assert text("validation.h_reference", "en") in (report / "06_validation.html").read_text(encoding="utf-8")
    padang = (study_run.root / "reports" / "uin-imam-bonjol-en" / "05_findings.html").read_text(encoding="utf-8")
    assert text("report.h_comparison", "en") in padang


@pytest.mark.slow
def test_two_or_more_sites_give_the_cross_site_report_and_an_index_of_every_site(study_run):
    reports = study_run.root / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{site}/index.html"' in index for site in study_run.sites)
    assert 'href="cross-site/07_cross_site.html"' in index
    tables = reports / "cross-site" / "tables"
    assert {"sites.csv", "modes_by_role.csv", "status_by_site.csv"} <= {p.name for p in tables.iterdir()}
    modes = pd.read_csv(tables / "modes_by_role.csv")
    assert set(modes["site"]) == set(study_run.sites) and (modes["low"] <= modes["share"]).all()
    assert (reports / "cross-site" / "figures" / "modes_by_role.svg").is_file()


@pytest.mark.slow
def test_a_broken_site_is_skipped_in_one_line_and_every_other_site_is_written(tmp_path):
    root = copy_project(tmp_path, parts=(f"data/raw/{FICTIONAL}", "notebooks"))
    broken = raw_site_dir(root, "broken")
    shutil.copytree(raw_site_dir(root, FICTIONAL), broken)
    study = broken / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace(f"site: {FICTIONAL}", "site: broken"), encoding="utf-8")
    transcript = broken / "transcripts" / "L3.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("Interviewer: How do", "Interviewer How do"),
                          encoding="utf-8")

    result = seci(root, "run", "--no-browser")

    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("seci: error:")]
    assert len(errors) == 1 and errors[0].startswith("seci: error: broken skipped: ")
    assert "L3.txt:" in errors[0] and "no colon" in errors[0]
    assert (root / "reports" / FICTIONAL / "index.html").is_file()
    assert not (root / "reports" / "broken").exists()


@pytest.mark.slow
@pytest.mark.parametrize("workdir", [".", "notebooks"])
def test_papermill_runs_a_notebook_from_the_repository_root_and_from_notebooks(study_run, tmp_path, workdir):
    root = tmp_path / "project"
    for part in ("data", "notebooks"):
        shutil.copytree(study_run.root / part, root / part)
    out = tmp_path / "out.ipynb"
    subprocess.run([sys.executable, "-m", "papermill", "notebooks/02_seci_modes.ipynb".removeprefix(
        "notebooks/" if workdir == "notebooks" else ""), str(out), "-p", "site", FICTIONAL, "--log-level", "ERROR"],
        cwd=root / workdir, check=True, capture_output=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(PROJECT)})
    shown = json.dumps(json.loads(out.read_text(encoding="utf-8")))
    assert text("report.h_frequencies", "en") in shown  # the site's language, English, without -p report_lang
