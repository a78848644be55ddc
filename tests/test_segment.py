"""Segments: stable ids, the question each answer answers, and offsets that point at the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.corpus.clean import clean_text
from pipeline.corpus.deidentify import Pseudonyms
from pipeline.corpus.segment import SpokenTurn, segment_transcript, split_sentences

TURNS = [
    SpokenTurn(1, "interviewer", "Pewawancara", "Boleh saya rekam?"),
    SpokenTurn(2, "informant", "Informan", "Boleh. Silakan."),
    SpokenTurn(3, "interviewer", "Pewawancara", "Bagaimana diskusinya?"),
    SpokenTurn(4, "informant", "Informan", "Sebulan sekali. Dr. Yuliana memimpin! Lalu kami bertanya."),
    SpokenTurn(6, "informant", "Informan", "Itu saja."),
]


def test_the_cleaned_transcript_is_one_labelled_line_per_turn_separated_by_blank_lines():
    cleaned, _ = segment_transcript(TURNS, informant_id="L2")
    assert cleaned == (
        "Pewawancara: Boleh saya rekam?\n\nInforman: Boleh. Silakan.\n\nPewawancara: Bagaimana diskusinya?\n\n"
        "Informan: Sebulan sekali. Dr. Yuliana memimpin! Lalu kami bertanya.\n\nInforman: Itu saja.\n"
    )


def test_answer_segments_carry_turn_ids_the_question_they_answer_and_offsets():
    cleaned, rows = segment_transcript(TURNS, informant_id="L2")
    assert [(r["segment_id"], r["speaker"], r["turn"], r["question"]) for r in rows] == [
        ("L2-001", "interviewer", 1, ""),
        ("L2-002", "informant", 2, "Boleh saya rekam?"),
        ("L2-003", "interviewer", 3, ""),
        ("L2-004", "informant", 4, "Bagaimana diskusinya?"),
        ("L2-006", "informant", 6, "Bagaimana diskusinya?"),  # a second answer to the same question
    ]
    assert rows[1]["start"] == len("Pewawancara: Boleh saya rekam?\n\nInforman: ")
    assert all(cleaned[r["start"]:r["end"]] == r["text"] for r in rows)


def test_sentence_segments_number_the_sentences_of_an_answer_and_keep_questions_whole():
    cleaned, rows = segment_transcript(TURNS, informant_id="L2", unit="sentence")
    assert [(r["segment_id"], r["text"]) for r in rows] == [
        ("L2-001", "Boleh saya rekam?"),
        ("L2-002.1", "Boleh."),
        ("L2-002.2", "Silakan."),
        ("L2-003", "Bagaimana diskusinya?"),
        ("L2-004.1", "Sebulan sekali."),
        ("L2-004.2", "Dr. Yuliana memimpin!"),
        ("L2-004.3", "Lalu kami bertanya."),
        ("L2-006.1", "Itu saja."),
    ]
    assert {r["question"] for r in rows if r["turn"] == 4} == {"Bagaimana diskusinya?"}
    assert all(cleaned[r["start"]:r["end"]] == r["text"] for r in rows)


def test_sentences_do_not_end_at_titles_initials_decimals_or_before_lower_case():
    text = 'Bu Desi, S.Pd. Ia datang jam 9.30 pagi. "Apa?" tanya A. Rahman, e.g. saya. Ya.'
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Bu Desi, S.Pd. Ia datang jam 9.30 pagi.", '"Apa?" tanya A. Rahman, e.g. saya.', "Ya.",
    ]


turn_texts = st.lists(st.tuples(st.sampled_from(["interviewer", "informant"]), st.text()), min_size=1, max_size=8)


@given(turn_texts, st.sampled_from(["answer", "sentence"]))
def test_every_segment_text_is_the_cleaned_transcript_between_its_offsets(turns, unit):
    pseudonyms = Pseudonyms({"Yuliana": "[L1]", "Bu Yuliana": "[L1]", "a": "[X]"})
    spoken = [
        SpokenTurn(number, speaker, "Informan" if speaker == "informant" else "Pewawancara", cleaned)
        for number, (speaker, text) in enumerate(turns, 1)
        if (cleaned := pseudonyms.apply(clean_text(text)))
    ]
    cleaned, rows = segment_transcript(spoken, informant_id="P3", unit=unit)
    assert all(cleaned[row["start"]:row["end"]] == row["text"] and row["text"] for row in rows)
    assert len({row["segment_id"] for row in rows}) == len(rows)
    for turn in spoken:  # the sentences of an answer, put back together, are the answer
        assert " ".join(row["text"] for row in rows if row["turn"] == turn.number) == turn.text
