"""Conversion patterns (pipeline/coding/patterns.py): act + object and from + to, in one clause.

The small codebook below pins the rules; the last tests check the shipped codebook on sentences
that state a conversion the way the SECI literature and everyday speech do.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.coding import classify as classify_module
from pipeline.coding.classify import CHUNK_SIZE, classify_stream, classify_text, compile_codebook
from pipeline.coding.codebook import Pattern, codebook_from_dict, codebook_to_yaml, load_codebook
from pipeline.coding.patterns import PatternMatcher, _word_numbers, contrast_expression, without_contrasts
from pipeline.coding.tokens import WORD
from pipeline.errors import CodebookError

TEXTS = {"id": "t", "en": "t"}


def code(code_id: str, keywords: dict, patterns: list) -> dict:
    return {"id": code_id, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
            "keywords": keywords, "patterns": patterns}


def small_codebook(window: int = 12):
    return codebook_from_dict({
        "name": "conversions", "version": "1", "groups": {"g": {"label": TEXTS}},
        "patterns": {
            "window": window,
            "result_markers": {"en": ["to", "into"], "id": ["ke", "menjadi"]},
            "source_markers": {"en": ["from"], "id": ["dari"]},
            "word_sets": {
                "tacit": {"en": ["tacit", "experience"], "id": ["tacit", "pengalaman"]},
                "explicit": {"en": ["explicit", "manual*", "report*"], "id": ["eksplisit", "panduan", "laporan"]},
                "articulate": {"en": ["write down", "codif*"], "id": ["tulis"]},
                "convert": {"en": ["convert*"], "id": ["ubah"]},
            },
        },
        "codes": [
            code("outward", {"en": ["ignored-word"]}, [{"from": "tacit", "to": "explicit", "weight": 3},
                                                      {"act": "articulate", "object": "tacit", "weight": 2}]),
            code("inward", {"en": ["ignored-word"]}, [{"from": "explicit", "to": "tacit", "weight": 3}]),
            code("converted", {"en": ["ignored-word"]}, [{"act": "convert", "from": "tacit", "to": "explicit", "weight": 1}]),
        ],
    }, "test")


def patterns_found(text: str, lang: str = "en", codebook=None) -> list[tuple[str, str, str]]:
    """(code, pattern, words spanned) of every pattern hit in ``text``."""
    matcher = PatternMatcher(codebook or small_codebook(), lang)
    return [(hit.code_id, hit.pattern.term, text[hit.start:hit.end]) for hit in matcher.find_all([text])[0]]


def codes_of(text: str, lang: str = "en", codebook=None) -> list[str]:
    return [coding.code_id for coding in classify_text(text, lang, compile_codebook(codebook or small_codebook()))]


# --- the direction of a conversion -------------------------------------------------------------------

def test_a_result_marker_before_the_second_word_states_the_direction():
    assert patterns_found("We convert tacit knowledge into explicit knowledge.") == [  # in text order
        ("converted", "pattern(convert: tacit > explicit)", "convert tacit knowledge into explicit"),
        ("outward", "pattern(tacit > explicit)", "tacit knowledge into explicit"),
    ]
    assert codes_of("Explicit knowledge turns into tacit knowledge.") == ["inward"]


def test_a_source_marker_states_the_direction_when_the_result_comes_first():
    assert codes_of("Explicit reports are created from the tacit experience of staff.") == ["outward"]


def test_indonesian_affixed_verbs_and_markers_state_the_direction():
    assert codes_of("Pengetahuan eksplisit diubah menjadi pengetahuan tacit.", "id") == ["inward"]
    assert codes_of("Pengalaman para pustakawan dituliskan ke dalam panduan.", "id") == ["outward"]


def test_two_kinds_of_knowledge_without_a_marker_state_no_conversion():
    assert patterns_found("Both tacit and explicit knowledge matter to a library.") == []
    assert patterns_found("Pengetahuan tacit dan eksplisit sama penting.", "id") == []


def test_a_marker_introduces_only_the_next_knowledge_word():
    # "to" introduces "tacit"; the report after it is not a second result
    assert ("outward", "pattern(tacit > explicit)", "tacit to the experience report") not in patterns_found(
        "From explicit to tacit experience report.")
    assert [found[:2] for found in patterns_found("From explicit to tacit experience report.")] == [
        ("inward", "pattern(explicit > tacit)")]


def test_a_conversion_with_an_act_needs_the_act_in_the_clause():
    assert [found[0] for found in patterns_found("Tacit knowledge into explicit knowledge.")] == ["outward"]


# --- act + object -----------------------------------------------------------------------------------

def test_act_and_object_match_in_either_order_and_through_affixes():
    assert codes_of("She writes down her experience of the reference desk.") == ["outward"]
    assert codes_of("Their experience was finally codified.") == ["outward"]
    assert codes_of("Pengalamannya ia tuliskan untuk rekan-rekan.", "id") == ["outward"]


def test_a_pattern_stays_inside_its_clause():
    assert codes_of("We wrote down the minutes. Experience counts; tacit knowledge too.") == []
    assert codes_of("Write down this: experience is everything.") == []


def test_a_pattern_stays_inside_its_window():
    text = "We write down, after the long meeting with all the staff of every section of the library, experience."
    assert codes_of(text) == []
    assert codes_of(text, codebook=small_codebook(window=20)) == ["outward"]


# --- counting and evidence ---------------------------------------------------------------------------

def test_a_code_counts_its_weightiest_pattern_once_per_clause():
    text = "Her experience was written down and turned into a manual, then codified into a report."
    codings = classify_text(text, "en", compile_codebook(small_codebook()))
    start, end = text.index("experience"), text.index("manual") + len("manual")
    assert [(c.code_id, c.score, c.matched) for c in codings] == [
        ("outward", 3.0, f"pattern(tacit > explicit)@{start}-{end}")]


def test_each_clause_counts_on_its_own():
    text = "Experience into manuals. Experience into reports."
    (coding,) = classify_text(text, "en", compile_codebook(small_codebook()))
    assert coding.score == 6.0
    assert [hit.term for hit in coding.evidence] == ["pattern(tacit > explicit)"] * 2


def test_pattern_evidence_is_written_like_a_keywords():
    text = "Kami mengubah pengalaman menjadi panduan."
    coding = classify_text(text, "id", compile_codebook(small_codebook()))[0]
    assert coding.code_id == "outward"
    (hit,) = coding.evidence
    assert coding.matched == f"pattern(tacit > explicit)@{hit.start}-{hit.end}"
    assert text[hit.start:hit.end] == "pengalaman menjadi panduan"


def test_worker_processes_return_pattern_evidence_as_this_process_does():
    codebook = small_codebook()
    texts = ["We convert tacit knowledge into explicit knowledge.", "Explicit knowledge turns into tacit knowledge.",
             "Nothing here."]
    items = [(str(n), text, "en") for n, text in enumerate(texts * CHUNK_SIZE)]
    assert ([codings for _, codings in classify_stream(items, codebook, workers=2)]
            == [codings for _, codings in classify_stream(items, codebook)])


def test_workers_that_compile_their_own_matcher_find_the_same_patterns(monkeypatch):
    monkeypatch.setattr(classify_module, "_forked_workers", lambda: False)
    codebook = small_codebook()
    items = [(str(n), "Pengalaman ditulis menjadi laporan.", "id") for n in range(2 * CHUNK_SIZE)]
    coded = [codings for _, codings in classify_stream(items, codebook, workers=2)]
    assert all(codings == coded[0] for codings in coded) and coded[0][0].code_id == "outward"


# --- words of another sense: inside a longer term of another set, or after a contrast marker -------------

def senses_codebook(contrasts: dict | None = None):
    """Keywords and sets for the two rules below; ``contrasts`` are the contrast markers (none by default)."""
    return codebook_from_dict({
        "name": "senses", "version": "1", "groups": {"g": {"label": TEXTS}},
        "patterns": {
            **({"contrast_markers": contrasts} if contrasts else {}),
            "word_sets": {
                "explicit": {"en": ["written", "manual*"], "id": ["panduan"]},
                "articulate": {"en": ["written down"], "id": ["tulis"]},
                "combine": {"en": ["collected"], "id": ["simpan"]},
                "channel": {"en": ["shared folder*"], "id": ["penyimpanan* bersama"]},
                "read": {"en": ["read*"], "id": ["baca"]},
            },
        },
        "codes": [
            code("watching", {"en": ["watching"], "id": ["mengamat*"]}, [{"act": "articulate", "object": "explicit", "weight": 1}]),
            code("combining", {"en": ["ignored-word"]}, [{"act": "combine", "object": "explicit", "weight": 1.5}]),
            code("reading", {"en": ["manual*"], "id": ["panduan"]}, [{"act": "read", "object": "explicit", "weight": 1.5}]),
        ],
    }, "test")


CONTRASTS = {"en": ["rather than", "instead of"], "id": ["alih-alih"]}


def test_a_set_word_inside_a_longer_term_of_another_set_is_that_terms_word():
    """"written" (a document) in "written down" (an act) is no document; the head keeps its sense (codebook 2.4)."""
    assert [found[0] for found in patterns_found("It is written down and collected.", codebook=senses_codebook())] == []
    assert [found[0] for found in patterns_found("The written rules are collected.", codebook=senses_codebook())] == [
        "combining"]
    # Indonesian puts the head first: "penyimpanan" in "penyimpanan bersama" is still a storing
    assert [found[0] for found in patterns_found("Ada penyimpanan bersama untuk semua panduan.", "id", senses_codebook())] == [
        "combining"]


def test_what_a_contrast_marker_opens_is_no_evidence():
    """"rather than", "instead of", "alih-alih": the alternative not taken, to the next comma (codebook 2.4)."""
    text = "They learn by watching rather than by reading the manual."
    assert codes_of(text, codebook=senses_codebook()) == ["watching", "reading"]
    (coding,) = classify_text(text, "en", compile_codebook(senses_codebook(CONTRASTS)))
    assert (coding.code_id, coding.matched) == ("watching", f"watching@{text.index('watching')}-{text.index(' rather')}")
    assert codes_of("Mereka belajar dengan mengamati alih-alih membaca panduan.", "id", senses_codebook(CONTRASTS)) == [
        "watching"]


def test_a_contrast_ends_at_a_comma_or_the_clause_and_needs_its_whole_words():
    codebook = senses_codebook(CONTRASTS)
    assert codes_of("They learn by watching instead of reading, and the manual helps.", codebook=codebook) == [
        "watching", "reading"]
    assert codes_of("Watching rather than reading. The manual is read.", codebook=codebook) == ["watching", "reading"]
    assert codes_of("The manual was read, rather thankfully, by watching staff.", codebook=codebook) == [
        "watching", "reading"]


@given(st.lists(st.sampled_from(["rather than", "instead", "of", "manual", ",", ".", " ", "\n", "Rather  Than", "é"]), max_size=30))
def test_a_contrast_only_blanks_characters_and_keeps_every_offset(pieces):
    text = " ".join(pieces)
    blanked = without_contrasts(text, contrast_expression(CONTRASTS["en"]))
    assert len(blanked) == len(text)
    assert all(new == old or (new == " " and not old.isspace()) for new, old in zip(blanked, text))
    assert without_contrasts(text, None) == text


def test_contrast_markers_are_read_and_written_back(tmp_path):
    codebook = senses_codebook(CONTRASTS)
    assert codebook.pattern_words.contrast_markers == {"en": ("rather than", "instead of"), "id": ("alih-alih",)}
    assert load_text(tmp_path, codebook_to_yaml(codebook)) == codebook


# --- the shipped codebook ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seci_matcher():
    return compile_codebook(load_codebook())


def primary_mode(text: str, lang: str, matcher) -> str:
    modes = [c for c in classify_text(text, lang, matcher)
             if c.code_id in ("socialization", "externalization", "combination", "internalization")]
    return max(modes, key=lambda c: c.score).code_id if modes else ""


@pytest.mark.parametrize("lang, text, mode", [
    ("en", "Tacit knowledge held by one person is passed to the tacit knowledge of another.", "socialization"),
    ("id", "Pengetahuan tacit seseorang berpindah ke pengetahuan tacit orang lain.", "socialization"),
    ("en", "Converting what they know from experience into a written guideline.", "externalization"),
    ("id", "Pengalaman para pustakawan senior dirumuskan menjadi panduan tertulis.", "externalization"),
    ("en", "Several reports are merged into one database.", "combination"),
    ("id", "Laporan dari setiap bagian dihimpun menjadi satu pangkalan data.", "combination"),
    ("en", "The written procedures become routine actions of each librarian.", "internalization"),
    ("id", "Pengetahuan eksplisit diubah menjadi pengetahuan tacit dalam diri pustakawan.", "internalization"),
    # 2.4: knowledge held by individuals, and by the organisation
    ("id", "Pengetahuan yang dimiliki setiap individu diupayakan menjadi pengetahuan yang dimiliki oleh institusi.",
     "externalization"),
    ("en", "Individual knowledge is turned into organizational knowledge.", "externalization"),
    ("en", "Organizational knowledge becomes individual knowledge through practice.", "internalization"),
])
def test_the_shipped_codebook_reads_the_direction_of_conversion(seci_matcher, lang, text, mode):
    assert primary_mode(text, lang, seci_matcher) == mode


@pytest.mark.parametrize("lang, text, mode", [
    ("en", "This is the tacit-to-explicit stage of the cycle.", "externalization"),
    ("id", "Tahap ini adalah proses tacit-ke-eksplisit.", "externalization"),
    ("en", "Explicit-to-tacit is the last stage of the cycle.", "internalization"),
    ("id", "Proses eksplisit-ke-eksplisit terjadi di unit pengolahan.", "combination"),
    ("en", "The aim is making their tacit knowledge explicit.", "externalization"),
    ("id", "Pengetahuan yang tadinya hanya ada di kepala dibuat tertulis.", "externalization"),
    ("en", "Their experience now exists in the form of a guide.", "externalization"),
    ("id", "Pengalaman para senior kini ada dalam bentuk panduan.", "externalization"),
    ("en", "Existing documents are recombined into new ones.", "combination"),
])
def test_the_shipped_codebook_reads_a_direction_written_in_one_word_or_as_a_result(seci_matcher, lang, text, mode):
    """A hyphenated direction is one word, which patterns cannot see inside; "making X explicit" puts the
    result after its object; "in the form of" / "dalam bentuk" introduces the result (codebook 2.2)."""
    assert primary_mode(text, lang, seci_matcher) == mode


@pytest.mark.parametrize("lang, text, mode", [
    ("en", "New staff learn from each other at the reference desk.", "socialization"),
    ("id", "Pustakawan muda saling belajar dengan pustakawan senior.", "socialization"),
    ("en", "We often pick up tips from colleagues in the break room.", "socialization"),
    ("id", "Kami sering bertemu langsung dan nongkrong setelah jam kerja.", "socialization"),
    ("en", "She jotted down her rules of thumb for difficult records.", "externalization"),
    ("id", "Ia menguraikan kiat-kiatnya dalam daftar periksa untuk rekan-rekannya.", "externalization"),
    ("en", "The statistics are disseminated to every unit as a spreadsheet.", "combination"),
    ("id", "Data peminjaman disebarluaskan ke semua bagian dalam bentuk tabel.", "combination"),
    ("en", "After the course she put it to use until it became routine.", "internalization"),
    ("id", "Ilmu dari pelatihan itu diamalkan dalam pekerjaan sampai terbiasa.", "internalization"),
    # 2.4: reflecting on what one has learned, the individual's side of learning
    ("en", "Staff reflect on what they have learned and make use of it at the desk.", "internalization"),
    ("id", "Setiap bulan staf melakukan evaluasi diri atas cara kerja mereka.", "internalization"),
    ("id", "Setelah itu ia merefleksikan apa yang sudah dipelajarinya.", "internalization"),
])
def test_the_shipped_codebook_knows_everyday_words_for_each_act(seci_matcher, lang, text, mode):
    """Practices described in everyday words, not the textbook's nouns (codebook 2.2, and 2.4 where marked)."""
    assert primary_mode(text, lang, seci_matcher) == mode


def test_the_shipped_codebook_takes_no_evidence_from_the_alternative_not_taken(seci_matcher):
    """Codebook 2.4: reading the manual is what they did not do ("instead of", "alih-alih")."""
    assert primary_mode("New staff pick up the routines by watching seniors at the desk instead of reading the manual.",
                        "en", seci_matcher) == "socialization"
    assert primary_mode("Pustakawan baru menguasai pekerjaan dengan mengamati senior alih-alih membaca buku panduan.",
                        "id", seci_matcher) == "socialization"


@pytest.mark.parametrize("text, mode", [
    ("The new insights are reframed within their existing knowledge base.", ""),
    ("What she read became part of her own knowledge base.", ""),
    ("Reports and data are compiled in the library's knowledge base.", "combination"),
])
def test_a_persons_knowledge_base_is_no_database(seci_matcher, text, mode):
    """In SECI texts "knowledge base" is mostly what a person knows (codebook 2.4: weight 0.5, as a database):
    alone it codes nothing; a knowledge base that documents are compiled into is still combination."""
    assert primary_mode(text, "en", seci_matcher) == mode


@pytest.mark.parametrize("text, code", [
    ("I helped a lecturer with a systematic review, a systematic search of the literature.", "combination"),
    ("Our master's student works the chat desk during chat hours, then the chat service closes.", "socialization"),
    ("We borrow through the regional library network and the national network.", "combination"),
    ("The records weren't all updated, and the update of the catalogue is slow.", "it_progress"),
])
def test_library_words_of_another_sense_give_no_code(seci_matcher, text, code):
    """False friends a new user's replication met: a systematic review is a study, the chat desk is the
    library's service, a library network is a consortium, updated records are no keeping up with IT."""
    assert code not in {coding.code_id for coding in classify_text(text, "en", seci_matcher)}


@pytest.mark.parametrize("lang, text", [
    ("en", "Our collection holds the annual reports of every faculty."),          # collection, not collecting
    ("en", "The circulation desk keeps the loan records."),                       # circulation, not circulating
    ("en", "The shelves are divided by classification number, see the guide."),   # a library's noun
    ("en", "I use print media because the information I need is there."),         # patrons use everything
    ("en", "The following report was useful."),                                    # the following, useful
    ("id", "Penerapannya berupa laporan bulanan tiap bagian."),                   # penerapan: implementation
    ("id", "Hal itu terjadi ketika laporan terlambat."),                           # terjadi is no marker
])
def test_library_words_of_another_sense_state_no_act_on_knowledge(seci_matcher, lang, text):
    assert patterns_found(text, lang, load_codebook()) == []


# --- the codebook's pattern syntax, validated -------------------------------------------------------

MINIMAL = (Path(__file__).parent / "fixtures" / "codebook" / "minimal.yaml").read_text(encoding="utf-8")
WORD_SETS = '''patterns:
  window: 10
  result_markers: {en: [into], id: [menjadi]}
  source_markers: {en: [from]}
  word_sets:
    tacit: {en: [tacit, experience], id: [pengalaman]}
    explicit: {en: [explicit, manual*]}
groups:
'''
PATTERNS = '''      en: [manual]
    patterns:
      - {from: tacit, to: explicit, weight: 3}
'''


def with_patterns(word_sets: str = WORD_SETS, patterns: str = PATTERNS) -> str:
    assert MINIMAL.count("groups:\n") == 1 and MINIMAL.count("      en: [manual]\n") == 1
    return MINIMAL.replace("groups:\n", word_sets).replace("      en: [manual]\n", patterns)


def load_text(tmp_path: Path, text: str):
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return load_codebook(path)


def error_line(tmp_path: Path, text: str, fragment: str) -> tuple[str, int]:
    with pytest.raises(CodebookError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    return message, text[:text.index(fragment)].count("\n") + 1


def test_patterns_and_word_sets_are_read_from_the_codebook(tmp_path):
    codebook = load_text(tmp_path, with_patterns())
    assert codebook.pattern_words.window == 10
    assert codebook.pattern_words.word_sets["tacit"] == {"en": ("tacit", "experience"), "id": ("pengalaman",)}
    assert codebook.code("externalization").patterns == (Pattern(weight=3, source="tacit", result="explicit"),)
    assert codebook.code("socialization").patterns == ()


def test_a_codebook_with_patterns_writes_back_to_equal_yaml(tmp_path):
    codebook = load_text(tmp_path, with_patterns())
    assert load_text(tmp_path, codebook_to_yaml(codebook)) == codebook


@pytest.mark.parametrize("patterns, fragment, expected", [
    ("      en: [manual]\n    patterns:\n      - {from: tacitt, to: explicit, weight: 3}\n", "{from: tacitt",
     "code 'externalization', field 'patterns.from': unknown word set 'tacitt'; use one of: tacit, explicit"),
    ("      en: [manual]\n    patterns:\n      - {act: tacit, from: tacit, weight: 3}\n", "{act: tacit, from",
     "code 'externalization', field 'patterns': a pattern is either act + object or from + to"),
    ("      en: [manual]\n    patterns:\n      - {object: tacit, weight: 3}\n", "{object: tacit",
     "code 'externalization', field 'patterns': a pattern is either act + object or from + to"),
    ("      en: [manual]\n    patterns:\n      - {from: tacit, to: explicit}\n", "{from: tacit, to",
     "code 'externalization', field 'patterns.weight': missing"),
    ("      en: [manual]\n    patterns:\n      - {from: tacit, to: explicit, weight: 0}\n", "weight: 0}",
     "code 'externalization', field 'patterns.weight': must be a positive number"),
])
def test_a_malformed_pattern_names_file_line_code_and_field(tmp_path, patterns, fragment, expected):
    message, line = error_line(tmp_path, with_patterns(patterns=patterns), fragment)
    assert message.startswith(f"{tmp_path / 'codebook.yaml'}:{line}: ") and expected in message, message


@pytest.mark.parametrize("old, new, fragment, expected", [
    ("    tacit: {en: [tacit, experience], id: [pengalaman]}", "    tacit: {en: [tacit, \"people's'\"]}", "people's'",
     "field 'patterns.word_sets.tacit.en': 'people's'': hyphens and apostrophes may only join letters"),
    ("    tacit: {en: [tacit, experience], id: [pengalaman]}", "    Tacit: {en: [tacit]}", "Tacit:",
     "field 'patterns.word_sets.Tacit': set name 'Tacit' must be lower-case letters, digits and _"),
    ("    tacit: {en: [tacit, experience], id: [pengalaman]}", "    tacit: {en: [{term: tacit, weight: 2}]}", "{term: tacit",
     "field 'patterns.word_sets.tacit.en': words of a set are plain terms (they have no weight)"),
    ("  window: 10\n", "  window: 0\n", "window: 0", "field 'patterns.window': must be a positive whole number"),
])
def test_malformed_word_sets_name_file_and_line(tmp_path, old, new, fragment, expected):
    message, line = error_line(tmp_path, with_patterns(WORD_SETS.replace(old, new)), fragment)
    assert message.startswith(f"{tmp_path / 'codebook.yaml'}:{line}: ") and expected in message, message


def test_patterns_without_word_sets_are_refused(tmp_path):
    message, line = error_line(tmp_path, with_patterns(word_sets="groups:\n"), "    patterns:")
    assert message.startswith(f"{tmp_path / 'codebook.yaml'}:{line}: ")
    assert "field 'patterns': patterns need word sets" in message


def test_check_codebook_lists_the_patterns_and_the_sets_no_pattern_uses(tmp_path, capsys):
    text = with_patterns(WORD_SETS.replace("  word_sets:\n", "  word_sets:\n    unused: {en: [idle]}\n"))
    assert main(["check-codebook", str(tmp_path / "codebook.yaml")]) == 2  # not written yet
    load_text(tmp_path, text)
    assert main(["check-codebook", str(tmp_path / "codebook.yaml")]) == 0
    out = capsys.readouterr().out
    assert "externalization   pattern(tacit > explicit)" in out
    assert "word sets no pattern uses: unused" in out


@given(st.text(alphabet="ab_1 -'’.,é\n", max_size=40), st.data())
def test_word_numbers_are_the_words_bisected_from_every_word_start(text, data):
    """A position's word number, counted in C from the previous position, is what bisecting the list of
    every word start gives, hyphens, apostrophes and underscores included."""
    positions = set(data.draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=8)))
    starts = [match.start() for match in WORD.finditer(text)]
    assert _word_numbers(text, positions) == {at: bisect_right(starts, at) - 1 for at in positions}
