"""The codebook: the default SECI codebook, the validation rules, export and the importers.

Every malformed codebook must stop with one line naming the file, the code and the field (and the
line, when read from YAML), so a researcher editing the YAML knows exactly what to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from pipeline.coding.codebook import (
    UNWRITTEN, Codebook, Keyword, codebook_from_dict, codebook_summary, codebook_to_yaml, load_codebook, term_problem,
)
from pipeline.coding.codebook_import import codebook_from_liwc, codebook_from_quanteda, import_codebook
from pipeline.contracts import DEFAULT_CODEBOOK, LANGUAGES, SECI_MODES
from pipeline.errors import CodebookError

FIXTURES = Path(__file__).parent / "fixtures" / "codebook"
MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "codebook.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    """The one-line message that loading ``text`` as a codebook stops with."""
    with pytest.raises(CodebookError) as caught:
        load_codebook(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of ``text`` holding ``fragment`` (exactly once)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(found) == 1, f"{fragment!r} is on lines {found}"
    return found[0]


# --- the default SECI codebook ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def seci() -> Codebook:
    return load_codebook()


def test_default_codebook_is_the_shipped_seci_yaml(seci):
    assert Path(seci.source) == DEFAULT_CODEBOOK
    assert seci.name == "seci" and seci.version == "2.4"


def test_default_codebook_has_the_four_seci_modes_first_in_their_group(seci):
    assert seci.code_ids[:4] == SECI_MODES
    assert all(seci.code(mode).group == "seci" for mode in SECI_MODES)


def test_default_codebook_codes_performance_and_patron_views(seci):
    groups = {group: [code.id for code in seci.codes if code.group == group] for group in seci.groups}
    assert groups == {
        "seci": list(SECI_MODES),
        "performance": ["motivation", "knowledge", "skills", "it_progress"],
        "patron": ["print_media", "online_services", "facilities", "satisfaction"],
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_default_code_has_keywords_and_criteria_in_both_languages(seci, lang):
    for code in seci.codes:
        assert len(code.keywords_for(lang)) >= 10, f"{code.id} has few {lang} keywords"
        for field in ("label", "definition", "include", "exclude"):
            assert getattr(code, field)[lang].strip(), f"{code.id}.{field}.{lang}"
        assert code.examples.get(lang), f"{code.id} has no {lang} example"
    assert seci.barrier_cues[lang], f"no {lang} barrier cues"


def test_default_seci_modes_name_their_defining_practices(seci):
    """The literature's practices, not this corpus's wording (Nonaka & Takeuchi 1995)."""
    def terms(code_id: str) -> set[str]:
        return {keyword.term for keyword in seci.code(code_id).keywords}

    assert {"apprentic*", "observ*", "mentor*", "magang", "diskusi", "tatap muka"} <= terms("socialization")
    assert {"manual", "metaphor*", "articulat*", "menulis*", "dokumentasi", "artikel"} <= terms("externalization")
    assert {"compil*", "databas*", "repositor*", "menghimpun*", "basis data", "situs web"} <= terms("combination")
    assert {"learning by doing", "train", "simulat*", "latih", "seminar", "mengikuti arahan"} <= terms("internalization")


def test_default_codebook_has_no_keyword_that_fires_everywhere(seci):
    everywhere = {"pustakawan", "perpustakaan", "informasi", "pengetahuan", "librarian*", "library",
                  "information", "knowledge"}
    assert not everywhere & {keyword.term for code in seci.codes for keyword in code.keywords}


def test_default_barrier_cues_include_the_studys_words(seci):
    assert {"belum", "kurang", "tidak", "masih baru", "belum memadai", "belum maksimal", "kendala"} <= set(seci.barrier_cues["id"])
    assert {"not yet", "lack*", "inadequat*", "still new", "insufficien*", "rarely*"} <= set(seci.barrier_cues["en"])


def test_each_default_example_passage_is_coded_with_its_own_code(seci):
    """The examples show what a code means; the keywords must agree with them."""
    from pipeline.coding.classify import classify_text, compile_codebook, primary_code

    matcher = compile_codebook(seci)
    wrong = [(code.id, lang, text[:50]) for code in seci.codes for lang, texts in code.examples.items()
             for text in texts if primary_code(classify_text(text, lang, matcher)) != code.id]
    assert not wrong


# --- the model ---------------------------------------------------------------------------------------

def test_keywords_are_lower_cased_with_single_spaces_and_weight_one_by_default(tmp_path):
    code = load_codebook(write(tmp_path, MINIMAL)).code("socialization")
    assert code.keywords_for("en") == (
        Keyword("apprentice*", "en", 1.0), Keyword("informal conversation", "en", 1.0), Keyword("mentor*", "en", 2.0),
    )
    assert [keyword.lang for keyword in code.keywords] == ["id"] * 3 + ["en"] * 3


def test_codes_inherit_the_codebook_threshold_unless_they_set_their_own(tmp_path):
    codebook = load_codebook(write(tmp_path, MINIMAL.replace("threshold: 1.0", "threshold: 1.5")))
    assert codebook.threshold == 1.5
    assert codebook.code("socialization").threshold == 1.5
    assert codebook.code("combination").threshold == 2.0


def test_a_code_may_have_keywords_in_one_language_only(tmp_path):
    code = load_codebook(write(tmp_path, MINIMAL)).code("satisfaction")
    assert code.keywords_for("id") == () and code.keywords_for("en") == (Keyword("satisf*", "en"),)


def test_barrier_is_read_with_its_window_and_cues(tmp_path):
    codebook = load_codebook(write(tmp_path, MINIMAL))
    assert codebook.barrier_window == 5
    assert codebook.barrier_cues == {"id": ("belum", "masih baru"), "en": ("not yet", "lack*")}


def test_unknown_code_id_names_the_codebook_and_the_known_ids(tmp_path):
    path = write(tmp_path, MINIMAL)
    with pytest.raises(CodebookError, match=r"codebook\.yaml: unknown code id 'sharing'; use one of: socialization, "):
        load_codebook(path).code("sharing")


def test_codebook_from_dict_validates_plain_data_without_a_file():
    data = yaml.safe_load(MINIMAL)
    data["codes"][1]["keywords"]["en"] = ["tr*in"]
    with pytest.raises(CodebookError, match=r"^memory: code 'externalization', field 'keywords\.en': 'tr\*in'"):
        codebook_from_dict(data, "memory")


@pytest.mark.parametrize("term, problem", [
    ("train*", None), ("berbagi pengalaman", None), ("e-book", None), ("face-to-face", None), ("keep* up", None),
    ("*train", "may only end a word"), ("tr*in", "may only end a word"), ("train**", "may only end a word"),
    ("*", "may only end a word"), ("train.+", "character '.' is not allowed"), ("(a|b)", "character '(' is not allowed"),
    ("colo?r", "character '?' is not allowed"), ("e-", "may only join letters"), ("  ", "empty term"),
])
def test_terms_are_words_phrases_and_end_globs_only(term, problem):
    found = term_problem(term)
    assert (found is None) if problem is None else (problem in found)


# --- validation: one line naming the file, the line, the code and the field -------------------------

MALFORMED = {
    # rule: (change to the minimal codebook, expected message fragment, fragment of the line it points at)
    "unknown key in a code": (
        ("    keywords:\n      id: [panduan]", "    keyword:\n      id: [panduan]"),
        "code 'externalization', field 'keyword': unknown key 'keyword'; use only: id, group,", "    keyword:"),
    "unknown top-level key": (
        ("threshold: 1.0\n", "threshold: 1.0\nauthor: me\n"), "field 'author': unknown key 'author'", "author: me"),
    "missing definition in a language": (
        ('definition: {id: "Dari tacit ke eksplisit.", en: "Tacit to explicit."}',
         'definition: {id: "Dari tacit ke eksplisit."}'),
        "code 'externalization', field 'definition.en': missing; write it in English too", "Dari tacit ke eksplisit."),
    "missing exclusion criteria": (
        ('    exclude: {id: "Uraian tanpa penilaian.", en: "Descriptions without evaluation."}\n', ""),
        "code 'satisfaction', field 'exclude': missing; add 'exclude:'", "  - id: satisfaction"),
    "empty definition": (
        ('en: "Tacit to explicit."', 'en: ""'), "code 'externalization', field 'definition.en': is empty; write it",
        "Dari tacit ke eksplisit."),
    "glob in the middle of a word": (
        ("en: [manual]", "en: [man*al]"), "code 'externalization', field 'keywords.en': 'man*al': '*' may only end a word",
        "[man*al]"),
    "glob at the start of a word": (
        ("id: [repositori]", "id: [\"*positori\"]"), "code 'combination', field 'keywords.id': '*positori'", "*positori"),
    "regular expression": (
        ("en: [databas*]", "en: [\"data(base)?\"]"), "code 'combination', field 'keywords.en': 'data(base)?': character '('",
        "data(base)?"),
    "duplicate code id": (
        ("  - id: satisfaction", "  - id: combination"), "code 'combination', field 'id': duplicate id", "  - id: combination"),
    "empty keyword list": (
        ("en: [manual]", "en: []"), "code 'externalization', field 'keywords.en': empty list", "en: []"),
    "weight that is zero": (
        ("{term: mentor*, weight: 2}", "{term: mentor*, weight: 0}"),
        "code 'socialization', field 'keywords.en.weight': must be a positive number of at most 1,000, not 0", "mentor*, weight: 0}"),
    "weight that is text": (
        ("{term: mentor*, weight: 2}", "{term: mentor*, weight: heavy}"),
        "code 'socialization', field 'keywords.en.weight': must be a positive number of at most 1,000, not 'heavy'", "weight: heavy"),
    "weight that is true": (
        ("{term: mentor*, weight: 2}", "{term: mentor*, weight: true}"), "must be a positive number of at most 1,000, not True", "weight: true"),
    "threshold that is negative": (
        ("    threshold: 2\n", "    threshold: -2\n"), "code 'combination', field 'threshold': must be a positive number",
        "threshold: -2"),
    "unknown group": (
        ("    group: patron", "    group: patrons"), "code 'satisfaction', field 'group': unknown group 'patrons'; use one of: seci, patron",
        "group: patrons"),
    "unknown language": (
        ("      en: [satisf*]", "      fr: [satisf*]"), "code 'satisfaction', field 'keywords.fr': unknown key 'fr'; use only: id, en",
        "fr: [satisf*]"),
    "keyword listed twice": (
        ("id: [diskusi, ", "id: [diskusi, Diskusi, "), "code 'socialization', field 'keywords.id': 'diskusi' is listed twice",
        "id: [diskusi, Diskusi"),
    "version that is a number": (
        ('version: "0.1"', "version: 0.1"), 'field \'version\': must be quoted text, not a number; write it in quotes',
        "version: 0.1"),
    "barrier window that is not a whole number": (
        ("window: 5", "window: 2.5"), "field 'barrier.window': must be a positive whole number of at most 1,000, not 2.5", "window: 2.5"),
    "group without a label": (
        ("  patron: {label: {id: Pemustaka, en: Patrons}}", "  patron: {name: Patrons}"),
        "group 'patron', field 'name': unknown key 'name'", "patron: {name"),
    "code id that is not an identifier": (
        ("  - id: satisfaction", "  - id: Patron Satisfaction"),
        "code 'Patron Satisfaction', field 'id': 'Patron Satisfaction' must start with a lower-case letter", "Patron Satisfaction"),
    "barrier cue with a weight": (
        ("en: [\"not yet\", lack*]", "en: [\"not yet\", {term: lack*, weight: 2}]"),
        "field 'barrier.cues.en': cues are plain terms (they have no weight)", "{term: lack*"),
    "missing codes": (
        ("codes:\n", "cods:\n"), "field 'cods': unknown key 'cods'", "cods:"),
    "threshold over the limit": (
        ("    threshold: 2\n", "    threshold: 1001\n"), "field 'threshold': must be a positive number of at most 1,000, not 1001",
        "threshold: 1001"),
    "weight of 400 digits": (
        ("{term: mentor*, weight: 2}", "{term: mentor*, weight: " + "9" * 400 + "}"),
        "field 'keywords.en.weight': must be a positive number of at most 1,000, not 9999", "weight: 9999"),
    "infinite weight": (
        ("{term: mentor*, weight: 2}", "{term: mentor*, weight: .inf}"), "must be a positive number of at most 1,000, not inf",
        "weight: .inf"),
    "group that is a list": (
        ("    group: patron", "    group: [patron]"), "code 'satisfaction', field 'group': unknown group ['patron']",
        "group: [patron]"),
    "keyword over the length limit": (
        ("en: [manual]", "en: [" + "x" * 101 + "]"),
        "code 'externalization', field 'keywords.en': 101 characters, more than the limit of 100 for a term", "en: [xxx"),
    "key written twice": (
        ("    group: patron\n", "    group: patron\n    group: seci\n"), "key 'group' is given twice (first on line",
        "    group: seci"),
}


@pytest.mark.parametrize("rule", MALFORMED)
def test_malformed_codebook_stops_with_file_line_code_and_field(tmp_path, rule):
    (old, new), expected, at = MALFORMED[rule]  # at: text on the line the message must name
    assert MINIMAL.count(old) == 1
    text = MINIMAL.replace(old, new)
    message = error_of(tmp_path, text)
    line = text[:text.rindex(at)].count("\n") + 1  # the last occurrence: a duplicate is reported where it repeats
    assert message.startswith(f"{tmp_path / 'codebook.yaml'}:{line}: "), message
    assert expected in message, message


def test_missing_seci_mode_is_an_error_in_a_codebook_with_a_seci_group(tmp_path):
    start = MINIMAL.index("  - id: combination")
    text = MINIMAL[:start] + MINIMAL[MINIMAL.index("  - id: internalization"):]
    message = error_of(tmp_path, text)
    assert "code 'combination', field 'id': missing SECI mode; a codebook with a 'seci' group defines all four" in message


def test_seci_modes_may_be_missing_when_there_is_no_seci_group(tmp_path):
    text = MINIMAL.replace("  seci: {label", "  modes: {label").replace("group: seci", "group: modes")
    text = text[:text.index("  - id: combination")] + text[text.index("  - id: internalization"):]
    assert load_codebook(write(tmp_path, text)).code_ids == ("socialization", "externalization", "internalization",
                                                            "satisfaction")


def test_a_seci_mode_outside_the_seci_group_is_an_error(tmp_path):
    text = MINIMAL.replace("  - id: socialization\n    group: seci", "  - id: socialization\n    group: patron")
    assert "code 'socialization', field 'group': a SECI mode belongs to group 'seci'" in error_of(tmp_path, text)


def test_yaml_syntax_error_names_its_line(tmp_path):
    text = MINIMAL.replace("    group: patron\n", "    group: [patron\n")
    message = error_of(tmp_path, text)
    assert "YAML syntax error" in message and "check the indentation and quotes" in message
    assert message.startswith(f"{tmp_path / 'codebook.yaml'}:")
    assert int(message.split(":")[1]) >= line_of(text, "group: [patron")


@pytest.mark.parametrize("text, problem", [
    ("- socialization\n- externalization\n", "top level: must be a mapping of name, version,"),
    ("", "top level: the codebook is empty"),
    ("# only a comment\n", "top level: the codebook is empty"),
    ("just words\n", "top level: must be a mapping"),
])
def test_top_level_must_be_a_mapping(tmp_path, text, problem):
    assert problem in error_of(tmp_path, text)


def test_yaml_is_safe_loaded_so_python_tags_are_refused(tmp_path):
    text = MINIMAL.replace('name: minimal', 'name: !!python/object/apply:os.system ["echo pwned"]')
    message = error_of(tmp_path, text)
    assert f"codebook.yaml:{line_of(text, 'name: !!python')}: YAML tag" in message
    assert "python/object/apply:os.system" in message and "is not allowed" in message


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Kodebuku", "Kodébuku").encode("latin-1"))
    with pytest.raises(CodebookError, match=r"latin1\.yaml: not UTF-8 text .*; save the file as UTF-8"):
        load_codebook(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CodebookError, match=r"nowhere\.yaml: no such file"):
        load_codebook(tmp_path / "nowhere.yaml")


# --- export ------------------------------------------------------------------------------------------

def test_default_codebook_exported_to_yaml_loads_back_equal(seci, tmp_path):
    again = load_codebook(write(tmp_path, codebook_to_yaml(seci)))
    assert again == seci
    assert again.source != seci.source


def test_export_keeps_weights_thresholds_and_one_language_codes(tmp_path):
    codebook = load_codebook(write(tmp_path, MINIMAL))
    exported = codebook_to_yaml(codebook)
    data = yaml.safe_load(exported)
    assert data["codes"][0]["keywords"]["en"][-1] == {"term": "mentor*", "weight": 2.0}
    assert data["codes"][2]["threshold"] == 2.0 and "threshold" not in data["codes"][0]
    assert list(data["codes"][4]["keywords"]) == ["en"]
    assert load_codebook(write(tmp_path, exported, "again.yaml")) == codebook


def test_export_is_the_same_text_every_time(seci):
    assert codebook_to_yaml(seci) == codebook_to_yaml(load_codebook())


# --- importers ---------------------------------------------------------------------------------------

def test_liwc_dictionary_imports_one_code_per_category_with_its_terms():
    codebook = import_codebook(FIXTURES / "seci_small.dic", "en")
    assert codebook.code_ids == ("socialization", "externalization", "print_media")  # "unused" has no terms
    terms = {code.id: [keyword.term for keyword in code.keywords_for("en")] for code in codebook.codes}
    assert terms == {
        "socialization": ["apprentice*", "mentor*", "informal conversation", "handbook*"],
        "externalization": ["manual", "write down", "handbook*"],
        "print_media": ["printed", "newspaper*"],
    }
    assert codebook.code("print_media").label == {"id": "Print Media", "en": "Print Media"}
    assert all(code.keywords_for("id") == () for code in codebook.codes)


def test_imported_codes_carry_a_todo_placeholder_for_definitions():
    code = import_codebook(FIXTURES / "seci_small.dic", "id").code("socialization")
    for field in ("definition", "include", "exclude"):
        for lang in LANGUAGES:
            assert getattr(code, field)[lang].startswith(UNWRITTEN)
    assert "seci_small.dic" in code.definition["en"]


def test_quanteda_dictionary_flattens_nested_keys():
    codebook = import_codebook(FIXTURES / "seci_small.yml", "id")
    assert codebook.code_ids == ("seci_socialization", "seci_externalization", "patron_print", "patron_online")
    assert codebook.code("seci_socialization").label["en"] == "seci.socialization"
    assert [k.term for k in codebook.code("patron_online").keywords_for("id")] == ["telegram", "social media"]
    assert [k.term for k in codebook.code("patron_print").keywords] == ["printed"]


@pytest.mark.parametrize("name", ["seci_small.dic", "seci_small.yml"])
def test_imported_codebook_exported_to_yaml_loads_back_equal(tmp_path, name):
    codebook = import_codebook(FIXTURES / name, "en")
    assert load_codebook(write(tmp_path, codebook_to_yaml(codebook))) == codebook


@pytest.mark.parametrize("text, problem, line", [
    ("1\tsocial\n%\nmentor*\t1\n", "a LIWC dictionary starts with a line holding only '%'", 1),
    ("%\n1\tsocial\n2\tother\n", "the '%' header is never closed", 3),
    ("%\n1\tsocial\n%\nmentor*\t2\n", "category 2 is not in the '%' header", 4),
    ("%\n1\tsocial\n%\n\n*ship\t1\n", "category 'social', term '*ship': '*' may only end a word", 5),
    ("%\nsocial\n%\nmentor*\t1\n", "header line 'social' is not 'number<TAB>category'", 2),
    ("%\n1\tsocial\n%\nmentor*\n", "'mentor*' names no category", 4),
    ("%\n1\tsocial\n2\tsocial\n%\nmentor*\t1\n", "category name 'social' is used twice", 3),
])
def test_malformed_liwc_dictionary_names_the_line(text, problem, line):
    with pytest.raises(CodebookError) as caught:
        codebook_from_liwc(text, "x.dic", "en")
    assert str(caught.value).startswith(f"x.dic:{line}: {problem}")


def test_quanteda_term_we_cannot_match_names_its_line():
    text = "economy:\n  - tax*\n  - \"colo?r\"\n"
    with pytest.raises(CodebookError, match=r"^x\.yml:3: category 'economy', term 'colo\?r': character '\?'"):
        codebook_from_quanteda(text, "x.yml", "en")


def test_unknown_dictionary_format_is_refused(tmp_path):
    with pytest.raises(CodebookError, match=r"words\.txt: unknown dictionary format '\.txt'"):
        import_codebook(write(tmp_path, "a\n", "words.txt"), "en")


# --- command line ------------------------------------------------------------------------------------

def test_check_codebook_prints_codes_per_group_and_keywords_per_language(capsys, seci):
    assert main(["check-codebook"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{DEFAULT_CODEBOOK}: valid codebook 'seci' version 2.4"
    out = out[:next(n for n, line in enumerate(out) if line.startswith("total")) + 1]  # the codes; patterns follow
    assert out[1].startswith("12 codes in 3 groups; default threshold 1; barrier cues (id ")
    assert out[3].split() == ["group", "code", "keywords", "id", "keywords", "en"]
    rows = {line.split()[-3]: line.split()[-2:] for line in out[4:-1]}
    assert rows["socialization"] == [str(len(seci.code("socialization").keywords_for(lang))) for lang in LANGUAGES]
    assert [line.split()[0] for line in out[4:-1] if not line.startswith(" ")] == ["seci", "performance", "patron"]
    assert out[-1].split() == ["total", "12"] + [str(sum(len(c.keywords_for(lang)) for c in seci.codes)) for lang in LANGUAGES]


def test_check_codebook_on_a_malformed_file_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, MINIMAL.replace("en: [manual]", "en: []"))
    assert main(["check-codebook", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"seci: error: {path}:{line_of(MINIMAL, 'en: [manual]')}: code 'externalization', "
                          "field 'keywords.en': empty list")


def test_import_codebook_writes_a_codebook_that_checks_and_flags_todo(tmp_path, capsys):
    out = tmp_path / "imported.yaml"
    assert main(["import-codebook", str(FIXTURES / "seci_small.dic"), "--lang", "en", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert load_codebook(out) == import_codebook(FIXTURES / "seci_small.dic", "en")
    assert "socialization" in printed and "(definition not written yet)" in printed
    assert main(["check-codebook", str(out)]) == 0


def test_import_codebook_does_not_overwrite_without_force(tmp_path, capsys):
    out = write(tmp_path, "keep me\n", "mine.yaml")
    assert main(["import-codebook", str(FIXTURES / "seci_small.yml"), "--lang", "id", "--out", str(out)]) == 2
    assert "already exists; choose another --out or add --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert main(["import-codebook", str(FIXTURES / "seci_small.yml"), "--lang", "id", "--out", str(out), "--force"]) == 0
    assert load_codebook(out).code_ids[0] == "seci_socialization"


def test_summary_counts_only_languages_that_have_keywords():
    codebook = import_codebook(FIXTURES / "seci_small.dic", "en")
    header = codebook_summary(codebook).splitlines()[3]
    assert "keywords en" in header and "keywords id" not in header


def test_a_codebook_over_the_code_limit_is_refused_with_the_limit(tmp_path):
    data = yaml.safe_load(MINIMAL)
    extra = data["codes"][-1]
    data["codes"] += [{**extra, "id": f"extra_{n}"} for n in range(500)]
    message = error_of(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert "more than 500 codes, the limit for a codebook; split the codebook into several" in message
