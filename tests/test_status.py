"""Status v2: when a barrier cue bears on a coding's evidence (pipeline/coding/status.py).

Each rule is pinned with general passages in both languages, written for these tests (not taken from
the shipped transcripts), coded with the default codebook's barrier section and a small set of codes.
"""

from __future__ import annotations

import pytest

from pipeline.coding.classify import classify_text, compile_codebook
from pipeline.coding.codebook import codebook_from_dict, load_codebook
from pipeline.errors import CodebookError

TEXTS = {"id": "x", "en": "x"}
KEYWORDS = {
    "socialization": {"id": ["diskusi", "bersama"], "en": ["discussion*", "together"]},
    "combination": {"id": ["web", "katalog", "penyimpanan bersama"], "en": ["website*", "catalogue*", "shared storage"]},
    "internalization": {"id": ["pelatihan"], "en": ["training"]},
    "facilities": {"id": ["wifi", "rak"], "en": ["wifi", "shelves"]},
    "online_services": {"id": ["telegram"], "en": ["telegram"]},
    "it_progress": {"id": ["pelatihan* it"], "en": ["it training"]},
}


@pytest.fixture(scope="module")
def matcher():
    default = load_codebook()
    data = {
        "name": "status-test", "version": "1", "groups": {"g": {"label": TEXTS}},
        "barrier": {"window": default.barrier_window, "cues": {lang: list(cues) for lang, cues in default.barrier_cues.items()},
                    **{name: {lang: list(terms) for lang, terms in by_lang.items()}
                       for name, by_lang in default.status_words.items()}},
        "codes": [{"id": code, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                   "keywords": keywords} for code, keywords in KEYWORDS.items()],
    }
    return compile_codebook(codebook_from_dict(data, "test"))


def statuses(matcher, text: str, lang: str) -> dict[str, str]:
    return {coding.code_id: coding.status for coding in classify_text(text, lang, matcher)}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Diskusi bulanan belum berjalan rutin.", "barrier"),
    ("en", "The monthly discussion is not yet held regularly.", "barrier"),
    ("id", "Diskusi kami jalan terus, karena web kami belum siap.", "practice"),
    ("en", "The discussion goes on every month, because the website is not ready yet.", "practice"),
    ("id", "Diskusi itu bagus, tapi pelatihan belum ada.", None),
    ("en", "The discussion is good, but there is no training yet.", None),
])
def test_a_cue_counts_only_in_the_clause_of_the_evidence(matcher, lang, text, expected):
    found = statuses(matcher, text, lang)
    if expected:
        assert found["socialization"] == expected
    else:  # the cue after "tapi"/"but" bears on the training, not on the discussion
        assert found == {"socialization": "practice", "internalization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kalau bukunya tidak ada di rak, kami carikan lewat katalog."),
    ("id", "Jika wifi tidak tersambung, petugas membantu di meja layanan."),
    ("en", "If the book is not on the shelves, we look it up in the catalogue."),
    ("en", "When the wifi does not connect, the desk staff help straight away."),
])
def test_a_cue_inside_a_condition_is_no_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kalau ditanya apakah web sudah lengkap, belum."),
    ("en", "If you ask whether the website is complete, not yet."),
])
def test_the_main_clause_after_a_condition_still_counts(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Mencari di katalog tidak sulit."),
    ("id", "Petugas rak tidak pernah marah kalau ditanya."),
    ("id", "Di pelatihan itu tidak ada yang bingung."),
    ("en", "Searching the catalogue is not difficult."),
    ("en", "The training never fails to help new staff."),
    ("en", "The wifi works, not without the odd hiccup, and nobody gets angry at the shelves."),
])
def test_a_negated_negative_is_a_positive(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Katalog kami sulit dipakai."),
    ("en", "The catalogue is difficult to use."),
])
def test_a_negative_word_without_a_negation_stays_a_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Katalog kami susah dipakai."),
    ("en", "I rarely use the catalogue."),
    ("en", "The catalogue is hardly ever updated."),
])
def test_a_cue_and_its_own_forms_stay_barriers(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("text", ["The catalogue wouldn't open on my phone.", "The catalogue hadn't been updated for a year."])
def test_every_english_contraction_of_not_is_a_cue(matcher, text):
    assert statuses(matcher, text, "en") == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kami belum punya penyimpanan bersama yang tertata."),
    ("en", "We do not have a shared storage for files yet."),
])
def test_a_term_inside_a_longer_term_of_another_code_takes_no_status(matcher, lang, text):
    found = statuses(matcher, text, lang)
    assert found["combination"] == "barrier"  # the barrier is the storage's ...
    assert found.get("socialization", "practice") == "practice"  # ... not the "together" inside it


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Hasil diskusi belum disimpan di satu tempat.", {"socialization": "practice"}),
    ("id", "Laporan pelatihan dan notulen diskusi belum digabungkan di web.",
     {"socialization": "practice", "internalization": "practice", "combination": "barrier"}),
    ("en", "The discussion results have not been stored in one place yet.", {"socialization": "practice"}),
    ("en", "Training reports and discussion minutes are not yet combined on the website.",
     {"socialization": "practice", "internalization": "practice", "combination": "barrier"}),
    ("id", "Diskusi belum ada hasilnya.", {"socialization": "barrier"}),
    ("en", "The training has not led to any reports yet.", {"internalization": "barrier"}),
])
def test_an_activity_naming_a_document_takes_no_status(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == expected


@pytest.mark.parametrize("lang, text", [
    ("id", "Kami sudah mengusulkan pelatihan IT, tapi belum terlaksana."),
    ("en", "We have proposed IT training, but it has not taken place yet."),
])
def test_the_head_of_a_longer_term_of_another_code_keeps_its_sense(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"internalization": "barrier", "it_progress": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi jalan tiap bulan. Sayangnya belum ada folder bersama."),
    ("id", "Diskusi rutin, tapi laporannya belum dikumpulkan bersama."),
    ("en", "The discussion runs every month. The reports have not been put together yet."),
    ("en", "Our discussion is monthly, but the reports are not brought together."),
])
def test_a_term_inside_a_phrase_of_another_sense_takes_no_status(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Web kami yang belum memadai itu sedang diperbaiki."),
    ("en", "The website, which is not yet adequate, is being rebuilt."),
])
def test_a_relative_clause_describes_the_words_before_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Rak yang belum rapi itu sedang ditata."),
    ("en", "The shelves that are not yet labelled are being sorted."),
])
def test_a_relative_clause_describes_its_head(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Dalam diskusi kami membahas arsip yang sulit dibaca."),
    ("id", "Kami sering diskusi soal buku yang belum lengkap datanya."),
    ("en", "In the discussion we go through records that are hard to read."),
    ("en", "Our discussion covers cases which are not yet solved."),
])
def test_a_relative_clause_says_nothing_of_a_term_it_does_not_describe(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice"}


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "In the discussion we go through difficult records together.", {"socialization": "practice"}),
    ("en", "The training covers difficult cases of cataloguing.", {"internalization": "practice"}),
    ("en", "Difficult questions come up in every discussion.", {"socialization": "practice"}),
    ("en", "The training is difficult for new staff.", {"internalization": "barrier"}),
    ("en", "The discussion was difficult, and nobody spoke.", {"socialization": "barrier"}),
    ("en", "A difficult catalogue slows everyone down.", {"combination": "barrier"}),
])
def test_a_difficulty_adjective_before_a_noun_describes_that_noun(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == expected


@pytest.mark.parametrize("lang, text", [
    ("id", "Untuk pegawai yang tidak bisa datang, web sangat berguna."),
    ("en", "For staff who cannot come in, the website is very useful."),
])
def test_a_relative_clause_says_nothing_of_the_words_after_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi kami cukup baik, tapi masih belum maksimal."),
    ("en", "The discussion is fairly good, but it is still not at its best."),
])
def test_a_clause_that_names_nothing_states_the_barrier_of_the_clause_before(matcher, lang, text):
    assert statuses(matcher, text, lang)["socialization"] == "barrier"


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi diadakan tiap bulan dan semua diundang. Jadi belum semua terlibat."),
    ("en", "The discussion is held every month and everyone is invited. So not everyone takes part yet."),
])
def test_a_barrier_stated_on_its_own_speaks_of_the_answer(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi diadakan tiap bulan. Kalau ada yang tidak hadir, dicatat saja."),
    ("en", "The discussion is held every month. If someone is not there, it is noted."),
])
def test_a_condition_on_its_own_states_no_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Saya cukup puas. Saran saya, wifi diperkuat dan rak ditambah."),
    ("en", "I am fairly satisfied. My suggestion is to strengthen the wifi and add shelves."),
])
def test_a_suggestion_names_what_is_lacking(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Soal rak itu saya kurang tahu."),
    ("en", "About the shelves I don't know."),
    ("id", "Dengan wifi kampus saya tidak perlu datang ke rak."),
    ("en", "With the campus wifi I don't need to go to the shelves."),
])
def test_the_speakers_own_uncertainty_or_a_need_removed_is_no_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang)["facilities"] == "practice"


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Web kami sudah lama ada. Isinya belum lengkap. Mahasiswa lebih sering bertanya lewat Telegram.",
     {"combination": "barrier", "online_services": "practice"}),
    ("id", "Pelatihan ada tiap tahun. Tapi belum semua ikut. Diskusi juga jalan tiap bulan.",
     {"internalization": "barrier", "socialization": "practice"}),
    ("en", "Our website has been up for years. Its content is not complete yet. Students mostly ask on Telegram.",
     {"combination": "barrier", "online_services": "practice"}),
    ("en", "There is training every year. But not everyone has attended yet. The discussion runs every month too.",
     {"internalization": "barrier", "socialization": "practice"}),
])
def test_a_barrier_stated_on_its_own_speaks_of_what_came_before_it(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == expected


@pytest.mark.parametrize("lang, text", [
    ("id", "Seminggu sekali. Saya datang untuk meminjam, jarang berlama-lama. Kalau bertanya, cukup lewat Telegram."),
    ("en", "Once a week. I come to borrow and rarely stay long. If I have a question, Telegram is enough."),
])
def test_a_barrier_stated_later_says_nothing_of_what_comes_after_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"online_services": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Belum maksimal. Diskusi kami baru mulai tahun ini."),
    ("en", "Not at its best yet. Our discussion only started this year."),
    ("id", "Jarang. Kalau ada waktu, saya ikut diskusi."),
    ("en", "Rarely. When I have time, I join the discussion."),
])
def test_a_barrier_that_opens_the_answer_speaks_of_the_whole_answer(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Wifi di sini sudah bagus, tapi belum sempurna."),
    ("id", "Diskusi berjalan baik, walau belum sepenuhnya maksimal."),
    ("id", "Diskusi kami berjalan baik. Kalau ditanya sudah sempurna, belum."),
    ("id", "Pelatihan sudah rutin. Kalau dibilang maksimal sekali, mungkin belum."),
    ("en", "The wifi here is good, but not perfect."),
    ("en", "The discussion runs well, but it is not yet fully at its best."),
    ("en", "Our discussion runs well. If you ask whether it is perfect, not yet."),
    ("en", "The training is regular now. If you ask whether it is fully at its best, maybe not."),
])
def test_denying_perfection_is_no_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi kami belum maksimal."),
    ("id", "Kalau ditanya sudah lengkap, web kami belum."),
    ("en", "Our discussion is not at its best yet."),
])
def test_denying_less_than_perfection_stays_a_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"barrier"}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Saya sering memakai wifi di sana karena belum punya kuota.", {"facilities": "practice"}),
    ("id", "Diskusi itu rutin. Saya ikut terus karena tidak ada kegiatan lain.", {"socialization": "practice"}),
    ("id", "Pemustaka tetap mendapat bukunya lewat katalog walaupun rak kami tidak punya.",
     {"combination": "practice", "facilities": "barrier"}),
    ("id", "Saya puas dengan wifinya, meskipun ada beberapa hal yang masih kurang.", {"facilities": "practice"}),
    ("en", "I often use the wifi there because I do not have mobile data yet.", {"facilities": "practice"}),
    ("en", "The discussion is regular. I always join because there is nothing else on.", {"socialization": "practice"}),
    ("en", "Users still get the book through the catalogue, although our shelves do not have it.",
     {"combination": "practice", "facilities": "barrier"}),
    ("en", "I am happy with the wifi, although some things are still lacking.", {"facilities": "practice"}),
])
def test_a_cue_in_a_reason_or_concession_bears_only_on_its_own_clause(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == expected


@pytest.mark.parametrize("lang, text", [
    ("id", "Karena web belum siap, diskusi jalan terus."),
    ("en", "Because the website is not ready yet, the discussion goes on."),
])
def test_a_cue_in_a_reason_still_bears_on_the_terms_of_its_clause(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice", "combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi itu sangat membantu. Kalau tidak ada diskusi, mungkin saya belum bisa apa-apa."),
    ("id", "Kalau tidak ada wifi, kami tidak bisa bekerja."),
    ("id", "Seandainya tidak ada pelatihan, saya tidak akan paham."),
    ("en", "The discussion helps a lot. If there were no discussion, I could not do anything yet."),
    ("en", "If there were no wifi, we could not work."),
    ("en", "If it weren't for the training, I would never understand it."),
])
def test_what_would_happen_without_a_thing_is_no_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Dalam diskusi rekan memberi kritik, saran, dan pertanyaan."),
    ("id", "Pustakawan memberi saran buku lain dari rak sebelah."),
    ("en", "In the discussion colleagues respond with criticism, suggestions or questions."),
    ("en", "The librarian suggested other titles from the shelves next door."),
    ("id", "Pustakawan menyarankan saya mencari di rak sebelah."),
    ("id", "Pamflet itu sangat menolong saya mencari rak."),
    ("en", "I am pleased with the shelves; the new layout is pleasing."),
])
def test_a_suggestion_is_the_speakers_own(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Saran kami, rak ditambah."),
    ("id", "Ada. Sarannya, rak ditambah."),
    ("en", "I suggest more shelves."),
    ("en", "I am pleased with the staff. Please add shelves."),
    ("en", "We would suggest adding shelves."),
])
def test_the_speakers_suggestion_names_what_is_lacking(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Saya pengen ada rak yang lebih banyak."),
    ("id", "Harusnya rak ditambah, Mas."),
    ("id", "Seharusnya rak ditambah lagi."),
    ("id", "Perlu ada rak baru di lantai dua."),
    ("en", "I wish there were more shelves."),
    ("en", "It would be nice to have more shelves."),
    ("en", "We could use more shelves upstairs."),
    ("en", "I'd like more shelves on the second floor."),
])
def test_a_wish_for_what_is_not_there_names_what_is_lacking(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kalau bisa dapat bukunya di rak, saya langsung pinjam."),
    ("id", "Saya ingin belajar memakai rak digital itu."),
    ("en", "The shelves would help anyone who looks for a book."),
])
def test_a_wish_needs_its_own_words(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Pelatihan itu tidak hanya teori, kami langsung praktik."),
    ("id", "Diskusi kami bukan sekadar rutinitas."),
    ("id", "Sebelum diskusi, kami membaca laporan."),
    ("id", "Kami merapikan rak sebelum perpustakaan buka."),
    ("en", "The training is not just theory; we practise straight away."),
    ("en", "Our discussion is not only a routine."),
    ("en", "So the training sinks in because it is practised, not merely heard."),
    ("en", "The rare manuscripts are kept on the top shelves."),
    ("en", "We keep hard copies of every report on the shelves."),
])
def test_a_word_that_only_contains_a_cue_is_no_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


def test_a_clause_ends_at_a_semicolon_and_a_sentence_end(matcher):
    assert statuses(matcher, "Diskusi jalan terus; pelatihan belum ada.", "id") == {
        "socialization": "practice", "internalization": "barrier"}


@pytest.mark.parametrize("name", ["negations", "negatives", "extremes", "conditionals", "clause_openers",
                                  "subordinators", "relativisers", "suggestions", "hedges", "non_cues", "praises",
                                  "keeps", "topics"])
def test_every_list_of_the_barrier_section_is_in_the_default_codebook_in_both_languages(name):
    codebook = load_codebook()
    assert codebook.status_terms(name, "id") and codebook.status_terms(name, "en")


def test_a_barrier_list_entry_with_a_weight_is_refused():
    data = {"name": "t", "version": "1", "groups": {"g": {"label": TEXTS}},
            "barrier": {"conditionals": {"id": [{"term": "kalau", "weight": 2}]}},
            "codes": [{"id": "a", "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                       "keywords": {"id": ["x"]}}]}
    with pytest.raises(CodebookError, match="entries of 'conditionals' are plain terms"):
        codebook_from_dict(data, "t.yaml")


def test_an_unknown_list_in_the_barrier_section_is_refused():
    data = {"name": "t", "version": "1", "groups": {"g": {"label": TEXTS}},
            "barrier": {"conjunctions": {"id": ["tapi"]}},
            "codes": [{"id": "a", "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                       "keywords": {"id": ["x"]}}]}
    with pytest.raises(CodebookError, match="conjunctions"):
        codebook_from_dict(data, "t.yaml")


@pytest.mark.parametrize("lang, text", [
    ("id", "Raknya nggak cukup, Mas."),
    ("id", "Rak di sini belom ditambah."),
    ("id", "Raknya udah rusak semua."),
    ("en", "Nobody uses the shelves upstairs."),
    ("en", "The shelves are outdated and crowded."),
])
def test_spoken_negations_and_words_of_trouble_are_cues(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Raknya gak ribet kok, gampang dicari."),
    ("id", "Soal rak itu saya nggak tau."),
    ("en", "The shelves are not crowded at all."),
])
def test_spoken_negations_cancel_and_hedge_as_written_ones_do(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Tidak jadi ditambah raknya."),
    ("id", "Sudah diminta, tapi belum jadi dipasang wifinya."),
])
def test_a_clause_word_right_after_a_negation_is_a_verb(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


def test_a_demonstrative_closes_the_relative_clause_and_the_predicate_speaks_of_the_subject(matcher):
    assert statuses(matcher, "Rak dan lemari yang baru itu masih kurang.", "id") == {"facilities": "barrier"}
    assert statuses(matcher, "Kami memakai rak dan lemari yang baru itu setiap hari.", "id") == {"facilities": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Rencananya rak ditambah tahun depan."),
    ("en", "We plan to add shelves next year."),
])
def test_a_plan_names_what_is_not_there_yet(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Grup Telegram itu sangat membantu. Cuma, kadang balasannya lambat."),
    ("id", "Kami punya grup Telegram. Itu berguna sekali. Hanya saja balasannya kadang lambat."),
    ("id", "Itu membantu, Kak. Saya lihat grup Telegram dulu. Cuma kadang balasannya belum cepat."),
    ("en", "The Telegram group is really useful. Only, the replies are sometimes slow."),
    ("en", "We have a Telegram group. It helps a lot. The replies are sometimes slow."),
    ("id", "Kami punya grup Telegram. Bagi mahasiswa yang waktunya terbatas, itu membantu. Cuma balasannya lambat."),
    ("en", "We have a Telegram group. For students whose time is limited, it helps. Only the replies are slow."),
    ("en", "They help. I check the Telegram group first. Only the replies are not always quick."),
])
def test_a_praise_outweighs_one_later_reservation(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"online_services": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Grup Telegram itu membantu, tapi balasannya lambat."),  # the reservation in the praise's sentence
    ("id", "Grup Telegram itu membantu. Tapi balasannya lambat. Pertanyaan malam juga belum dijawab."),  # two
    ("id", "Grup Telegram itu tidak membantu. Balasannya lambat."),  # a cue in the praise's clause: no praise
    ("id", "Balasan grup Telegram lambat. Tapi itu membantu."),  # the barrier comes before the praise
    ("en", "The Telegram group helps, but the replies are slow."),
    ("en", "The Telegram group helps. But the replies are slow. Questions at night are not answered either."),
    ("en", "The Telegram group does not help. The replies are slow."),
    ("en", "The replies in the Telegram group are slow. But it helps."),
])
def test_a_praise_does_not_outweigh_a_barrier_before_it_beside_it_or_several_after_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"online_services": "barrier"}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Diskusi bulanan berjalan rutin. Tapi untuk koleksi sejarah masih kurang.", "practice"),
    ("id", "Diskusi bulanan berjalan rutin. Hanya saja soal koleksi lama, belum lengkap.", "practice"),
    ("en", "The monthly discussion runs regularly. But as for the history books, they are still lacking.", "practice"),
    ("id", "Diskusi bulanan berjalan rutin. Tapi masih kurang.", "barrier"),  # no topic of its own
    ("en", "The monthly discussion runs regularly. But it is still lacking.", "barrier"),
])
def test_a_barrier_sentence_with_a_topic_of_its_own_speaks_of_that_topic(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == {"socialization": expected}


@pytest.mark.parametrize("lang, text", [
    ("id", "Saran saya, grup Telegram tetap dijalankan, dan rak ditambah."),
    ("en", "My suggestion: keep the Telegram group going, and add more shelves."),
])
def test_a_suggestion_to_keep_something_names_no_lack_of_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"online_services": "practice", "facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Grup Telegram sangat berarti. Kalau tidak ada bantuan mereka, mungkin proposal saya belum selesai."),
    ("en", "The Telegram group means a lot. If it were not for their help, my thesis would not be finished."),
])
def test_what_would_happen_without_a_thing_is_no_barrier_stated_on_its_own(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"online_services": "practice"}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Mahasiswa baru bingung mencari rak.", "barrier"),
    ("en", "New students are confused by the shelves.", "barrier"),
    ("id", "Mahasiswa baru tidak bingung mencari rak.", "practice"),
    ("en", "New students are never confused by the shelves.", "practice"),
])
def test_confusion_is_a_word_of_trouble(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == {"facilities": expected}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Wifi perpustakaan nggak pernah nyambung.", "barrier"),  # never: as "tidak pernah"
    ("id", "Wifi perpustakaan tidak pernah nyambung.", "barrier"),
    ("id", "Saya belum pernah pakai wifi di sana.", "practice"),  # not yet ever: the speaker's inexperience
])
def test_never_is_a_barrier_and_not_yet_ever_a_hedge(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == {"facilities": expected}


@pytest.mark.parametrize("lang, text", [
    ("en", "I'd love there to be a proper training day once a year."),
    ("en", "A training day once a year, that would be my wish."),
    ("id", "Pengen ada pelatihan sekali setahun."),
])
def test_a_wish_names_what_is_lacking(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"internalization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Teman-teman nggak pelit ilmu waktu diskusi."),
    ("id", "Diskusi kadang molor. Tidak ada yang salah dengan moderatornya."),
    ("en", "Colleagues are never stingy with what they know in the discussion."),
    ("en", "The discussion runs late. It is not the chair's fault."),
])
def test_not_stingy_and_not_at_fault_are_positives(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice"}


@pytest.mark.parametrize("text", [
    "Rak ada, tapi banyak yang rusak.",
    "Rak cukup, tapi sebagian yang di lantai dua sudah rusak.",
])
def test_yang_after_a_quantifier_opens_the_predicate_not_a_relative_clause(matcher, text):
    assert statuses(matcher, text, "id") == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Web kami buruk sekali.", "barrier"),
    ("en", "Our website works badly.", "barrier"),
    ("id", "Web kami tidak buruk.", "practice"),
    ("en", "Our website is not bad at all.", "practice"),
])
def test_bad_is_a_word_of_trouble(matcher, lang, text, expected):
    assert statuses(matcher, text, lang) == {"combination": expected}
