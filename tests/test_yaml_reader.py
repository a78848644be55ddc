"""The one YAML reader: every YAML file the project reads gets the same checks and one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.analysis.findings import load_article_findings
from pipeline.contracts import ARTICLE_FINDINGS_FILE
from pipeline.errors import InputError
from pipeline.yaml_reader import dotted_lines, parse_yaml


def test_every_key_and_list_item_has_its_line():
    data, lines = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "f.yaml")
    assert data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert lines[("a",)] == 1 and lines[("b", "c")] == 3 and lines[("b", "d", 0, "e")] == 5
    assert dotted_lines(lines)["b.d.0.e"] == 5


def test_a_key_written_twice_names_both_lines():
    with pytest.raises(InputError, match=r"^f\.yaml:3: key 'b' is given twice \(first on line 2\); keep one of them$"):
        parse_yaml("a: 1\nb: 2\nb: 3\n", "f.yaml")


def test_python_tags_are_refused():
    with pytest.raises(InputError, match=r"^f\.yaml:1: YAML tag .*python.* is not allowed"):
        parse_yaml("a: !!python/object/apply:os.system [ls]\n", "f.yaml")


def test_the_reference_findings_refuse_a_duplicated_key(tmp_path):
    shutil.copytree(Path(__file__).parent.parent / "data" / "reference", tmp_path / "data" / "reference")
    path = tmp_path / ARTICLE_FINDINGS_FILE
    path.write_text("study: twice\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError, match=r"article_findings\.yaml:\d+: key 'study' is given twice \(first on line 1\)"):
        load_article_findings(tmp_path)
