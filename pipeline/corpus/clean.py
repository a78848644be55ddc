"""Cleaning a turn's text so that every later step sees one spelling of each character.

Keyword coding and verbatim quote matching fail on look-alike characters (a curly apostrophe, an en
dash, a non-breaking space, a decomposed "é"), so every text is put in Unicode NFC with plain quotes,
hyphens and single spaces. Transcription marks that are not speech ("[inaudible]", "[laughs]",
"[tertawa]", "(tertawa)", bracketed timestamps "[00:12:03]", f4-style "#00:12:03-5#") are removed,
unless the site's ``study.yaml`` says ``transcription_marks: keep``.

A mark is a square-bracketed or parenthesised note that starts with one of the words in
``MARK_WORDS``; other brackets ("[perpustakaan]" added by the transcriber, "(OPAC)") are speech or
editorial clarification and stay.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.contracts import MAX_MARK_NESTING

MARK_WORDS = (
    # English
    "inaudible", "unintelligible", "unclear", "indistinct", "crosstalk", "cross-talk", "overlapping",
    "laughs", "laughing", "laughter", "laugh", "chuckles", "giggles", "smiles", "sighs", "sigh",
    "coughs", "cough", "pause", "pauses", "long pause", "silence", "noise", "background noise",
    "interruption", "interrupted", "music", "applause", "phone rings", "break",
    # Indonesian
    "tertawa", "ketawa", "tawa", "tersenyum", "senyum", "batuk", "jeda", "hening", "diam",
    "tidak jelas", "tak jelas", "tidak terdengar", "tak terdengar", "suara tidak jelas",
    "menghela napas", "bising", "terputus", "rekaman terputus",
)

_CHARACTERS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
    "\u00ad": None, "\u200b": None, "\u2060": None, "\ufeff": None,  # soft hyphen, zero-width space, joiners
})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")  # control characters that are not whitespace
_WHITESPACE = re.compile(r"\s+")

_WORDS = "|".join(re.escape(word) for word in sorted(MARK_WORDS, key=len, reverse=True))
_TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_MARK = (
    rf"(?:\[(?:{_WORDS})(?:\s[^\[\]]{{0,40}})?\]"
    rf"|\((?:{_WORDS})(?:\s[^()]{{0,40}})?\)"
    rf"|\[{_TIMESTAMP}\]|\({_TIMESTAMP}\)|#{_TIMESTAMP}(?:-\d+)?#)"
)
# A mark right before punctuation or the end takes the space before it along ("ya [tertawa], jadi" -> "ya, jadi").
_MARK_BEFORE_PUNCTUATION = re.compile(rf"\s*{_MARK}(?=\s*(?:[,.;:!?]|$))", re.IGNORECASE)
_MARK_ANYWHERE = re.compile(_MARK, re.IGNORECASE)


# Invisible characters that may sit inside a speaker label: zero-width spaces and joiners, the byte-order
# mark, the soft hyphen, and the bidirectional marks, embeddings and isolates.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def label_form(text: str) -> str:
    """Text as speaker labels are compared: invisible marks removed, then Unicode NFKC.

    Word processors and transcription tools leave zero-width and right-to-left marks in labels and
    write a fullwidth colon after them ("Informan\u200b:", "Informan\uff1a"); compared as written, such
    a label is not found and the answer would be glued to the question before it.
    """
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))


def clean_text(text: str, *, marks: str = "remove") -> str:
    """One line of normalised text: NFC, plain quotes and hyphens, single spaces, marks removed or kept.

    ``marks`` is ``remove`` or ``keep`` (``study.yaml`` ``transcription_marks``). Cleaning a cleaned
    text changes nothing.
    """
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text.translate(_CHARACTERS)))
    text = _WHITESPACE.sub(" ", text)
    if marks == "remove":
        text = _without_marks(text)
    return text.strip()


def _without_marks(text: str) -> str:
    """Remove marks until none is left: removing one can complete another ("(laughs (laughs))").

    Each pass removes the innermost level, so marks nested deeper than :data:`MAX_MARK_NESTING` keep
    their outer levels: without that bound, a turn of nested marks would take time quadratic in its length.
    """
    for _ in range(MAX_MARK_NESTING):
        stripped = _WHITESPACE.sub(" ", _MARK_ANYWHERE.sub(" ", _MARK_BEFORE_PUNCTUATION.sub("", text)))
        if stripped == text:
            break
        text = stripped
    return text
