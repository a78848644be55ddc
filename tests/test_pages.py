"""The pages seci-kit writes itself come from template files, and every value they show is escaped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.report.pages import TEMPLATES_DIR, render

PACKAGE = Path(__file__).parent.parent / "pipeline"


def test_no_module_holds_html_or_css():
    markup = ("<!DOCTYPE", "<html", "<style", "font-family:")
    offenders = [f"{path.relative_to(PACKAGE)}: {token}" for path in PACKAGE.rglob("*.py")
                 for token in markup if token in path.read_text(encoding="utf-8")]
    assert offenders == []
    assert {path.name for path in TEMPLATES_DIR.rglob("*.j2")} >= {
        "index.html.j2", "transcript.html.j2", "transcript.css.j2", "seci_notebook.html.j2"}


def test_every_value_a_template_shows_is_escaped_as_html_escape_does(tmp_path):
    payload = """<script>alert("x")</script> & 'quoted'"""
    page = render("transcript.html.j2", lang="en", title=payload, words={"legend": payload, "how_to_read": ""},
                  styles=[], nav=[{"href": payload, "text": payload}], facts=payload, passages=[], legend=[],
                  note=payload)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in page


def test_importing_the_command_line_imports_no_stage():
    shown = subprocess.run(
        [sys.executable, "-c", "import sys, pipeline.cli; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True).stdout.split()
    assert sorted(name for name in shown if name.startswith("pipeline")) == [
        "pipeline", "pipeline.cli", "pipeline.contracts", "pipeline.errors", "pipeline.words"]
    assert not {"pandas", "sklearn", "matplotlib", "nbconvert", "papermill", "yaml", "dask", "distributed", "pyarrow"} & set(shown)


@pytest.mark.parametrize("module", ["pipeline", "pipeline.cli"])
def test_both_module_forms_run_the_program(module):
    """`python -m pipeline.cli` once exited 0 having done nothing: a helper's commands failed silently."""
    result = subprocess.run([sys.executable, "-m", module, "no-such-command"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'no-such-command'" in result.stderr


def test_coding_a_file_needs_no_pandas(tmp_path):
    """`seci classify` of a file reads and writes with the csv and json modules: importing pandas (and with
    it numpy and pyarrow) would cost more than coding a small file."""
    source = tmp_path / "one.jsonl"
    source.write_text('{"id": "1", "text": "Kami berbagi pengalaman setiap bulan.", "lang": "id"}\n', encoding="utf-8")
    script = ("import sys; from pipeline.cli import main; "
              f"main(['classify', {str(source)!r}, '--out', {str(tmp_path / 'out.csv')!r}]); "
              "print('modules:', *sorted(sys.modules))")
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    shown = printed.split("modules:")[-1].split()
    assert "pipeline.coding.classify" in shown and not {"pandas", "numpy", "pyarrow"} & set(shown)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("1,socialization")
