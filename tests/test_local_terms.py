"""A site's own names (``local_terms:`` in study.yaml) join its codebook; the default codebook names no site."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT

from pipeline.coding import local_terms
from pipeline.coding.classify import classify_text, compile_codebook, site_codebook
from pipeline.coding.codebook import load_codebook
from pipeline.coding.local_terms import with_local_terms
from pipeline.contracts import raw_site_dir
from pipeline.corpus.sites import init_site
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError


def new_site(root: Path, local_terms: str) -> Path:
    """An English site made by `seci init-site` with ``local_terms`` appended to its study.yaml."""
    site = init_site(root, "branch", language="en")
    with (site / "study.yaml").open("a", encoding="utf-8") as study:
        study.write(local_terms)
    return site


def keywords(codebook, code_id: str, lang: str) -> dict[str, float]:
    return {keyword.term: keyword.weight for keyword in codebook.code(code_id).keywords_for(lang)}


def test_the_padang_sites_add_their_own_names_to_the_default_codebook():
    default = load_codebook()
    for site, lang, leaflet in (("uin-imam-bonjol", "id", "pamflet"), ("uin-imam-bonjol-en", "en", "pamphlet*")):
        codebook = site_codebook(PROJECT, site)
        assert keywords(codebook, "online_services", lang)["telegram"] == 2.0
        assert keywords(codebook, "facilities", lang)[leaflet] == 1.5
        assert "telegram" not in keywords(default, "online_services", lang)
        assert leaflet not in keywords(default, "facilities", lang)
        other = "en" if lang == "id" else "id"  # the site's language only
        assert keywords(codebook, "online_services", other) == keywords(default, "online_services", other)


def test_a_local_term_is_coded_like_a_keyword_of_its_code(tmp_path):
    site = new_site(tmp_path, "local_terms:\n  online_services: [{term: signal, weight: 2}]\n")
    text = "I ask the librarians on Signal when I am at home."
    with_terms = compile_codebook(site_codebook(tmp_path, site.name))
    assert [coding.code_id for coding in classify_text(text, "en", with_terms)] == ["online_services"]
    assert classify_text(text, "en", compile_codebook(load_codebook())) == []


def test_local_terms_change_the_coder_label_and_equal_terms_give_equal_labels(tmp_path):
    default = load_codebook().coder
    labels = []
    for n, terms in enumerate(("[signal]", "[signal]", "[{term: signal, weight: 2}]", "[signal, viber]")):
        root = tmp_path / str(n)
        new_site(root, f"local_terms:\n  online_services: {terms}\n")
        labels.append(site_codebook(root, "branch").coder)
    assert labels[0] == labels[1]
    assert len({default, labels[0], labels[2], labels[3]}) == 4
    assert all(re.fullmatch(r"keyword-seci-v2\.4-[0-9a-f]{8}", label) for label in labels)


@pytest.mark.parametrize("local_terms, message", [
    ("local_terms:\n  onlin_services: [signal]\n",
     r"study\.yaml:\d+: local_terms: code 'onlin_services' is not in the codebook seci; use one of its code ids: "),
    ("local_terms:\n  online_services:\n    - signal\n    - sig?nal\n",
     r"study\.yaml:\d+: local_terms: 'sig\?nal': character '\?' is not allowed"),
    ("local_terms:\n  online_services: [whatsapp]\n",
     r"study\.yaml:\d+: local_terms: 'whatsapp' is already a keyword of code 'online_services' in en"),
    ("local_terms:\n  online_services: [signal, Signal]\n", r"study\.yaml:\d+: local_terms: 'signal' is already a keyword"),
])
def test_a_bad_local_term_names_study_yaml_and_its_line(tmp_path, local_terms, message):
    site = new_site(tmp_path, local_terms)
    lines = (site / "study.yaml").read_text(encoding="utf-8").splitlines()
    with pytest.raises(InputError, match=message) as error:
        site_codebook(tmp_path, site.name)
    line = int(re.search(r"study\.yaml:(\d+):", str(error.value))[1])
    assert lines[line - 1].strip().startswith("-") or "[" in lines[line - 1]  # the line holding the term
    assert len(str(error.value).splitlines()) == 1


@pytest.mark.parametrize("local_terms, message", [
    ("local_terms: [signal]\n", r"study\.yaml:\d+: field 'local_terms': must be a mapping of code id to a list of terms"),
    ("local_terms:\n  online_services: signal\n", r"field 'local_terms\.online_services': must be a list of terms"),
    ("local_terms:\n  online_services: [{term: signal, weight: 0}]\n",
     r"field 'local_terms\.online_services\.0\.weight': must be a positive number"),
    ("local_terms:\n  online_services: [{term: signal, wieght: 2}]\n", r"unknown key 'wieght'"),
])
def test_a_malformed_local_terms_key_is_a_one_line_study_yaml_error(tmp_path, local_terms, message):
    site = new_site(tmp_path, local_terms)
    with pytest.raises(InputError, match=message):
        load_study_config(site)


def test_the_init_site_template_documents_local_terms_and_its_example_loads(tmp_path):
    site = init_site(tmp_path, "branch", language="en")
    study = site / "study.yaml"
    text = study.read_text(encoding="utf-8")
    assert "# local_terms:" in text
    study.write_text(re.sub(r"^# (local_terms:|  \w+: \[)", r"\1", text, flags=re.MULTILINE), encoding="utf-8")
    codebook = with_local_terms(load_codebook(), load_study_config(site))
    assert keywords(codebook, "online_services", "en")["signal"] == 2.0
    assert {"floor plan", "wayfind*"} <= set(keywords(codebook, "facilities", "en"))


def test_grep_finds_no_padang_name_in_the_package_or_the_notebooks():
    """The issue's own check, run as written: `grep -ri "telegram\\|pamflet\\|imam bonjol" pipeline notebooks`."""
    grep = shutil.which("grep")
    if grep is None:
        pytest.skip("no grep on this machine")
    found = subprocess.run([grep, "-ri", r"telegram\|pamflet\|imam bonjol", "pipeline", "notebooks"], cwd=PROJECT,
                           capture_output=True, text=True)
    assert found.returncode == 1 and found.stdout == "", found.stdout  # 1: no line matched


def test_the_shipped_sites_local_terms_are_in_their_study_yaml_not_in_the_package():
    for site in ("uin-imam-bonjol", "uin-imam-bonjol-en"):
        assert "telegram" in {term.term for term in load_study_config(raw_site_dir(PROJECT, site)).local_terms}
    assert load_study_config(raw_site_dir(PROJECT, "northfield-pilot")).local_terms == ()


def test_local_terms_count_against_the_codebooks_limit_of_terms(tmp_path, monkeypatch):
    codebook = load_codebook()
    terms = sum(len(code.keywords) for code in codebook.codes) + sum(map(len, codebook.barrier_cues.values()))
    site = new_site(tmp_path, "local_terms:\n  online_services: [signal, viber]\n")
    monkeypatch.setattr(local_terms, "MAX_TERMS", terms + 2)
    assert {"signal", "viber"} <= set(keywords(site_codebook(tmp_path, site.name), "online_services", "en"))  # at the limit
    monkeypatch.setattr(local_terms, "MAX_TERMS", terms + 1)
    with pytest.raises(InputError, match=r"study\.yaml:\d+: local_terms: with them the codebook has more than"):
        site_codebook(tmp_path, site.name)
