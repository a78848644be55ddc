"""Segments: the units that get coded, with offsets into the cleaned transcript.

The cleaned transcript of an informant is one "Label: text" line per turn, turns separated by a
blank line. Each segment's ``start``/``end`` are character offsets into that text (Python string
indices, i.e. Unicode code points), and ``text == cleaned[start:end]`` always holds, so a coding can
be shown in context and exported to REFI-QDA.

Units (``study.yaml`` ``segment_unit``): ``answer`` (default) makes one segment of each turn;
``sentence`` splits informant answers into sentences with a rule-based splitter (no NLTK data).
Interviewer turns are kept as rows (``speaker == "interviewer"``), whole in both units, as context
that is not coded; each informant row's ``question`` holds the interviewer turn it answers.
Segment ids are stable: informant id and 3-digit turn number (``L2-007``), plus the sentence number
in sentence mode (``L2-007.2``). ``start_time``/``end_time`` are the turn's times in the recording
(``HH:MM:SS.mmm``) where the transcript has them (.vtt, .srt), else empty; a sentence carries the
times of its turn, the finest that subtitles cut by speaker give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Titles and degrees after which a full stop does not end the sentence ("Dr. Yuliana", "S.Pd. Ia").
ABBREVIATIONS = frozenset({
    "dr", "drs", "dra", "prof", "ir", "h", "hj", "bpk", "bp", "sdr", "sdri", "yth", "no", "jl", "st",
    "mr", "mrs", "ms", "vs", "e.g", "i.e", "s.pd", "m.pd", "s.ip", "m.ip", "s.hum", "m.hum", "s.ag",
    "m.ag", "s.sos", "s.si", "m.si", "a.md", "s.kom", "m.kom", "m.a", "ph.d", "s.h", "m.h", "s.e",
})
# A run of end marks is tried from its first mark only (the look-behind): "!!!!..." is linear, not quadratic.
_BOUNDARY = re.compile(r"(?<![.!?])(?P<end>[.!?]+[\"')\]]*)\s+(?=[\"'(\[]?(?P<first>[^\W_]))")


@dataclass(frozen=True)
class SpokenTurn:
    """A cleaned, de-identified turn: its number in the source, who spoke, the label as written, the text,
    and its times in the recording where the transcript has them."""

    number: int
    speaker: str  # "interviewer" | "informant"
    label: str
    text: str
    start_time: str = ""
    end_time: str = ""


def cleaned_transcript(turns: list[SpokenTurn]) -> tuple[str, list[int]]:
    """The cleaned transcript text and, per turn, the offset where its text starts."""
    lines, starts, position = [], [], 0
    for turn in turns:
        line = f"{turn.label}: {turn.text}"
        starts.append(position + len(line) - len(turn.text))
        lines.append(line)
        position += len(line) + 2  # the line end and the blank line
    return "\n\n".join(lines) + "\n", starts


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of one line of text, spaces between sentences left out.

    A sentence ends at ., ! or ? (and closing quotes or brackets) before a space and a word that is
    not lower-case; a full stop after a title or an initial ("Dr.", "S.Pd.", "A.") does not end it.
    """
    spans, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        if boundary["first"].islower() or _after_abbreviation(text[start:boundary.start()], boundary["end"]):
            continue
        spans.append((start, boundary.start() + len(boundary["end"])))
        start = boundary.end()
    spans.append((start, len(text)))
    return spans


def _after_abbreviation(before: str, punctuation: str) -> bool:
    if punctuation != ".":
        return False
    word = before.rsplit(" ", 1)[-1].lstrip("\"'([").casefold()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def segment_transcript(turns: list[SpokenTurn], *, informant_id: str, unit: str = "answer") -> tuple[str, list[dict]]:
    """The cleaned transcript of one informant and its segment rows, in order.

    Rows carry ``segment_id``, ``speaker``, ``turn``, ``question``, ``text``, ``start``, ``end``,
    ``start_time``, ``end_time``; the caller adds the informant's site, id, role and language.
    """
    cleaned, starts = cleaned_transcript(turns)
    rows, question = [], ""
    for turn, start in zip(turns, starts):
        turn_id = f"{informant_id}-{turn.number:03d}"
        if turn.speaker == "interviewer":
            question = turn.text
            rows.append(_row(turn_id, turn, "", turn.text, start))
        elif unit == "sentence":
            for number, (begin, end) in enumerate(split_sentences(turn.text), 1):
                rows.append(_row(f"{turn_id}.{number}", turn, question, turn.text[begin:end], start + begin))
        else:
            rows.append(_row(turn_id, turn, question, turn.text, start))
    return cleaned, rows


def _row(segment_id: str, turn: SpokenTurn, question: str, text: str, start: int) -> dict:
    return {"segment_id": segment_id, "speaker": turn.speaker, "turn": turn.number, "question": question,
            "text": text, "start": start, "end": start + len(text), "start_time": turn.start_time,
            "end_time": turn.end_time}
