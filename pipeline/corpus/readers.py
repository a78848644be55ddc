"""Transcript readers: one per format researchers actually have, each returning the turns in order.

A turn is the speaker label as written ("Pewawancara", "Bu Yuliana"), what was said, and the line
where the turn starts in the source (for .docx and .odt: the paragraph number), so that later checks
(an unknown label, say) can point at it. Readers only read: whether a label belongs to the
interviewer or the informant is decided by the site's ``study.yaml`` (see :mod:`pipeline.corpus.ingest`).

Supported: ``.txt``/``.md`` ("Label: text" lines), ``.docx`` and ``.odt`` (the same, one paragraph
per line), WebVTT ``.vtt`` and ``.srt`` subtitles from transcription tools (timestamps dropped,
consecutive cues of one speaker merged; speaker from ``<v Name>`` or a "Name:" prefix), and ``.csv``
with one row per turn (columns ``speaker``, ``text``). Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from pipeline.corpus.clean import label_form
from pipeline.errors import InputError

SUPPORTED_FORMATS = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".csv")
CSV_TURN_COLUMNS = ("speaker", "text")
_EMPTY_FIX = "put the transcript text in the file or remove its row from informants.csv"


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted talk: label as written, text, and the source line where it starts."""

    speaker: str
    text: str
    line: int


def read_transcript(path: str | Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """Read a transcript file in any supported format (chosen by its extension).

    ``labels`` are the site's speaker labels (they are recognised even where they do not look like
    a name); ``encoding`` is the site's fallback for files that are neither UTF-8 nor carry a BOM.
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(path, f"unsupported transcript format '{path.suffix}'",
                         fix=f"save it as one of {', '.join(SUPPORTED_FORMATS)}")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "empty transcript", fix=_EMPTY_FIX)
    return reader(data, path, labels=labels, encoding=encoding)


# --- decoding --------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; any other encoding only when the site names it.

    Never guesses: bytes that are not UTF-8 stop with an error naming the line, unless ``encoding``
    (from ``study.yaml``) is given. Line ends become ``\\n``.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, codec, path)
    if b"\x00" in data:
        raise InputError(path, "binary file (it contains NUL bytes), not a text transcript",
                         fix="export the transcript as UTF-8 text, .docx or .odt")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if encoding is None:
            raise InputError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                             line=data[:error.start].count(b"\n") + 1,
                             fix="save it as UTF-8, or name its encoding in study.yaml (encoding: cp1252)") from None
        text = _decode_as(data, encoding, path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_as(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec).replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        raise InputError(path, f"cannot be decoded as {codec} (byte 0x{data[error.start]:02x} at offset {error.start})",
                         fix="save it as UTF-8, or correct the encoding named in study.yaml") from None


# --- speaker labels --------------------------------------------------------------------------------

_TIMESTAMP = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?"
# Combining marks count as part of a label-like word, so that a label spoiled by one is reported, not merged.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LABEL_LIKE = re.compile(
    rf"^\s*(?:{_TIMESTAMP}\s+)?[*_]*(?P<label>[^\W\d_][\w.' {_COMBINING}-]{{0,39}}?)[*_]*\s*:[*_]*(?:\s+|$)(?P<text>.*)$"
)


def _known_label_pattern(labels: Sequence[str]) -> re.Pattern | None:
    if not labels:
        return None
    alternatives = "|".join(re.escape(label_form(label)) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^\s*(?:{_TIMESTAMP}\s+)?[*_]*(?P<label>{alternatives})[*_]*\s*:[*_]*\s*(?P<text>.*)$",
                      re.IGNORECASE)


def _looks_like_label(label: str) -> bool:
    """'Informan', 'Bu Yuliana', 'Respondent 3', 'Q' look like labels; 'Jadi begini' does not."""
    words = label.split()
    return 1 <= len(words) <= 3 and all(word[0].isupper() or word[0].isdigit() for word in words)


def split_label(line: str, known: re.Pattern | None) -> tuple[str, str] | None:
    """(label, text) when the line opens with a speaker label, else None.

    A configured label always counts; anything else counts when it looks like a label (one to three
    capitalised words before a colon), so that a label the site forgot to list is reported, not
    silently glued to the previous turn. The label is read from the line's :func:`label_form`; the text
    is returned as written.
    """
    form = label_form(line)
    for pattern in (known, _LABEL_LIKE):
        match = pattern.match(form) if pattern else None
        if match and (pattern is known or _looks_like_label(match["label"])):
            return match["label"].strip(), _after(line, form[:match.start("text")]).strip()
    return None


def _after(line: str, prefix: str) -> str:
    """The rest of ``line`` after its shortest start whose :func:`label_form` is ``prefix``.

    Such a start exists: the prefix ends with the colon, a space or Markdown emphasis, and NFKC
    composes none of these with the character that follows.
    """
    return next(line[end:] for end in range(len(line) + 1) if label_form(line[:end]) == prefix)


# --- from labelled pieces to turns -----------------------------------------------------------------

def _collect(pieces: Iterable[tuple[int, str | None, str]], path: Path, labels: Sequence[str], *,
             merge_same_speaker: bool) -> list[Turn]:
    """Turn (line, label or None, text) pieces into turns; a piece without a label continues the turn."""
    pieces = list(pieces)
    if not pieces:
        raise InputError(path, "empty transcript (no text besides comments)", fix=_EMPTY_FIX)
    example = labels[0] if labels else "Interviewer"
    if all(label is None for _, label, _ in pieces):
        raise InputError(path, "no speaker labels found",
                         fix=f"begin each turn with its speaker label and a colon, e.g. '{example}: ...' "
                         "(the labels are listed in study.yaml under speaker_labels)")
    turns: list[Turn] = []
    for line, label, text in pieces:
        if label is None and not turns:
            raise InputError(path, "text before the first speaker label", line=line,
                             fix=f"begin the turn with a label such as '{example}:' or start header lines with #")
        if label is None or (merge_same_speaker and turns[-1:] and turns[-1].speaker.casefold() == label.casefold()):
            last = turns[-1]
            turns[-1] = Turn(last.speaker, " ".join(part for part in (last.text, text) if part), last.line)
        else:
            turns.append(Turn(label, text, line))
    return turns


def _labelled_lines(lines: Iterable[tuple[int, str]], path: Path, labels: Sequence[str]) -> list[Turn]:
    """'Label: text' lines (blank lines and # comments skipped); other lines continue the turn above.

    A line that opens with a configured label but lacks its colon ("Interviewer Where do ...") is an
    error: read as a continuation it would silently glue a question onto the answer above.
    """
    known = _known_label_pattern(labels)
    colonless = _colonless_label_pattern(labels)
    pieces = []
    for number, line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = split_label(line, known)
        if not found and colonless and (missing := colonless.match(line)):
            raise InputError(path, f"the line starts with the speaker label '{missing['label']}' but no colon follows it",
                             line=number, fix=f"write '{missing['label']}: ...'")
        pieces.append((number, *found) if found else (number, None, line.strip()))
    return _collect(pieces, path, labels, merge_same_speaker=False)


def _colonless_label_pattern(labels: Sequence[str]) -> re.Pattern | None:
    """A configured label as written (case counts: "informant" may open a sentence), then a space, no colon."""
    if not labels:
        return None
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^\s*[*_]*(?P<label>{alternatives})[*_]*\s+(?!\s*:)\S")


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.split("\n"), start=1)


# --- the readers -----------------------------------------------------------------------------------

def read_labelled_text(data: bytes, path: Path, *, labels: Sequence[str] = (),
                       encoding: str | None = None) -> list[Turn]:
    """Plain text or Markdown: one 'Label: text' line per turn (Markdown bold around the label is fine)."""
    return _labelled_lines(_numbered_lines(decode(data, path, encoding)), path, labels)


def read_docx(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """Word .docx: each paragraph is read as a line of a labelled text; line numbers are paragraphs."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    characters = {w + "tab": "\t", w + "br": "\n", w + "cr": "\n"}
    root = _zipped_xml(data, path, "word/document.xml", "Word .docx")
    paragraphs = []
    for paragraph in _paragraphs(root, {w + "p"}, skip=set()):
        paragraphs.append("".join(
            (element.text or "") if element.tag == w + "t" else characters.get(element.tag, "")
            for element in paragraph.iter()
        ))
    return _labelled_paragraphs(paragraphs, path, labels)


def read_odt(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """OpenDocument .odt: each paragraph or heading is read as a line; footnotes are left out."""
    root = _zipped_xml(data, path, "content.xml", "OpenDocument .odt")
    paragraphs = [_odt_text(p) for p in _paragraphs(root, {_ODF + "p", _ODF + "h"}, skip={_ODF + "note"})]
    return _labelled_paragraphs(paragraphs, path, labels)


def read_webvtt(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """WebVTT captions: cue timings, ids, NOTE/STYLE blocks dropped; speaker from <v Name> or 'Name:'."""
    text = decode(data, path, encoding)
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(path, "not a WebVTT file (the first line is not WEBVTT)", line=1,
                         fix="export the captions again as .vtt, or rename the file to its real format")
    return _subtitles(text, path, labels)


def read_srt(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """SubRip subtitles: numbers and timings dropped; speaker from a 'Name:' prefix (or <v Name>)."""
    return _subtitles(decode(data, path, encoding), path, labels)


def read_csv_turns(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """CSV with one row per turn and the columns speaker, text (others ignored); rows without text skipped."""
    # strict: a quote never closed is an error at the end of the file, not the rest of the file in one cell
    reader = csv.reader(io.StringIO(decode(data, path, encoding), newline=""), strict=True)
    row_start = 1
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        missing = [column for column in CSV_TURN_COLUMNS if column not in header]
        if missing:
            raise InputError(path, f"CSV transcript lacks the column(s) {', '.join(missing)}", line=1,
                             fix="the first line must name the comma-separated columns speaker,text")
        speaker_at, text_at = header.index("speaker"), header.index("text")
        turns, row_start = [], reader.line_num + 1
        for row in reader:
            speaker, said = (row[i].strip() if i < len(row) else "" for i in (speaker_at, text_at))
            speaker = label_form(speaker).strip()
            if said and not speaker:
                raise InputError(path, "a turn without a speaker", line=row_start,
                                 fix="fill in the speaker cell of that row")
            if said:
                turns.append(Turn(speaker, said, row_start))
            row_start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, f"malformed CSV row: {error}", line=row_start,
                         fix="check the quoting of that row: a quote that opens a cell must close it") from None
    if not turns:
        raise InputError(path, "empty transcript (no row has text)",
                         fix="add one row per turn under the header speaker,text")
    return turns


# --- helpers of the readers ------------------------------------------------------------------------

_ODF = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _zipped_xml(data: bytes, path: Path, member: str, kind: str) -> ElementTree.Element:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return ElementTree.fromstring(archive.read(member))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise InputError(path, f"not a readable {kind} file ({error})",
                         fix=f"open it in a word processor and save it again as {kind}") from None


def _paragraphs(element: ElementTree.Element, tags: set[str], *, skip: set[str]) -> Iterator[ElementTree.Element]:
    """Paragraph elements in document order (including table cells), not descending into skipped ones."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag not in skip:
            yield from _paragraphs(child, tags, skip=skip)


def _odt_text(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _ODF + "s":
            parts.append(" " * int(child.get(_ODF + "c", "1")))
        elif child.tag == _ODF + "tab":
            parts.append("\t")
        elif child.tag == _ODF + "line-break":
            parts.append("\n")
        elif child.tag != _ODF + "note":
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _labelled_paragraphs(paragraphs: list[str], path: Path, labels: Sequence[str]) -> list[Turn]:
    """Paragraphs as labelled lines; a word-processor document's title and heading lines before the
    first paragraph with a configured label are metadata (researchers head their documents), not turns."""
    lines = [(number, line) for number, paragraph in enumerate(paragraphs, 1) for line in paragraph.split("\n")]
    known = _known_label_pattern(labels)
    first = next((i for i, (_, line) in enumerate(lines) if known and known.match(line)), 0)
    return _labelled_lines(lines[first:], path, labels)


_VOICE = re.compile(r"^\s*<v(?:\.[^\s>]*)?\s+(?P<label>[^>]+)>(?P<text>.*)$")
_TAG = re.compile(r"<[^>]*>")


def _subtitles(text: str, path: Path, labels: Sequence[str]) -> list[Turn]:
    """Cues of .vtt/.srt as labelled pieces; a line without a speaker continues the current one."""
    known = _known_label_pattern(labels)
    pieces = []
    for block in _blocks(_numbered_lines(text)):
        timing = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
        if timing is None:
            continue  # the WEBVTT header, NOTE, STYLE and REGION blocks carry no speech
        for number, line in block[timing + 1:]:
            voice = _VOICE.match(line)
            label, said = (label_form(voice["label"]).strip(), voice["text"]) if voice else (None, line)
            said = html.unescape(_TAG.sub("", said)).strip()
            if label is None and (found := split_label(said, known)):
                label, said = found
            if said or label:
                pieces.append((number, label, said))
    return _collect(pieces, path, labels, merge_same_speaker=True)


def _blocks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    block: list[tuple[int, str]] = []
    for number, line in lines:
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


_READERS = {
    ".txt": read_labelled_text,
    ".md": read_labelled_text,
    ".docx": read_docx,
    ".odt": read_odt,
    ".vtt": read_webvtt,
    ".srt": read_srt,
    ".csv": read_csv_turns,
}
