"""The one YAML reader: every YAML file the project reads gets the same checks and one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.analysis.findings import load_article_findings
from pipeline.contracts import ARTICLE_FINDINGS_FILE
from pipeline.errors import InputError
from pipeline.yaml_reader import dotted_lines, parse_yaml, read_yaml


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


# --- limits and values PyYAML cannot build: one line with the line, for every kind of file ---------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n" for previous, name in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("text, problem", [
    ("a:\n" + "".join("  " * depth + "- x:\n" for depth in range(1, 25)), r"^f\.yaml:\d+: mappings and lists nested more than 20 deep"),
    ("a: " + "[" * 30 + "]" * 30 + "\n", r"^f\.yaml:1: mappings and lists nested more than 20 deep"),
    (LAUGHS, r"^f\.yaml:\d+: more than 100,000 values \(each use of an alias counted\)"),
    ("a: &a [b, *a]\n", r"^f\.yaml:1: an alias \(\*name\) refers to the value it is part of"),
    ("a: 1\nb: 2024-13-45\n", r"^f\.yaml:2: value '2024-13-45' cannot be read as a date"),
    ("a: !!int abc\n", r"^f\.yaml:1: value 'abc' cannot be read as a whole number"),
    ("a: " + "9" * 5000 + "\n", r"^f\.yaml:1: value '9+… \(5,000 characters\) cannot be read as a whole number"),
    ("a: 1\nb: x\x07\n", r"^f\.yaml:2: character U\+0007 is not allowed in YAML"),
])
def test_limits_and_unbuildable_values_are_one_line_with_their_line(text, problem):
    with pytest.raises(InputError, match=problem) as error:
        parse_yaml(text, "f.yaml")
    assert "\n" not in str(error.value)


def test_aliases_within_the_limits_are_read():
    data, _ = parse_yaml("base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert data == {"base": {"x": 1}, "copy": {"x": 1}, "merged": {"x": 1, "y": 2}}


def test_a_yaml_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2_000_001 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.yaml: 2,000,005 bytes, more than the limit of 2,000,000"):
        read_yaml(path)


@pytest.mark.parametrize("change, problem", [
    (("total: 11", "total: [11]"), r"field 'study\.informants\.total': must be a positive whole number of at most 1,000,000, not \[11\]"),
    (("status: not_yet_adequate", "status: [not_yet_adequate]"), r"field 'seci_modes\.0\.status': \['not_yet_adequate'\] is not one of"),
    (("informants: [L1]", "informants: L1"), r"field 'quotes\.0\.informants': must be a list of informants, not text"),
    (("    code: null\n", "    code: {a: 1}\n"), r"field 'quotes\.0\.code': must be text, not a mapping"),
])
def test_the_reference_findings_are_checked_by_their_schema(tmp_path, change, problem):
    shutil.copytree(Path(__file__).parent.parent / "data" / "reference", tmp_path / "data" / "reference")
    path = tmp_path / ARTICLE_FINDINGS_FILE
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"article_findings\.yaml:\d+: " + problem):
        load_article_findings(tmp_path)
