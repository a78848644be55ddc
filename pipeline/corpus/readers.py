"""Transcript readers: one per format researchers actually have, each returning the turns in order.

A turn is the speaker label as written ("Pewawancara", "Bu Yuliana"), what was said, and the line
where the turn starts in the source (for .docx and .odt: the paragraph number), so that later checks
(an unknown label, say) can point at it. Readers only read: whether a label belongs to the
interviewer or the informant is decided by the site's ``study.yaml`` (see :mod:`pipeline.corpus.ingest`).

Supported: ``.txt``/``.md`` ("Label: text" lines), ``.docx`` and ``.odt`` (the same, one paragraph
per line), WebVTT ``.vtt`` and ``.srt`` subtitles from transcription tools (consecutive cues of one
speaker merged into a turn that keeps the start of its first cue and the end of its last, as
``HH:MM:SS.mmm``; speaker from ``<v Name>`` or a "Name:" prefix), and ``.csv`` with one row per turn
(columns ``speaker``, ``text``). Lines starting with ``#`` are comments. Formats without cue times
give turns with empty times.

Every limit of :mod:`pipeline.contracts` on transcripts (file size, the XML inside a .docx/.odt, line
length, number of turns) is checked here, before the text goes further, and a broken file of any
kind (a truncated or encrypted zip, malformed XML, bytes that are no text) stops with one line: the
readers raise nothing but :class:`~pipeline.errors.InputError`.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from pipeline.contracts import (
    MAX_INPUT_BYTES, MAX_LINE_CHARS, MAX_TURNS, MAX_UNZIPPED_BYTES, MAX_XML_DEPTH, MAX_ZIP_RATIO,
)
from pipeline.corpus.clean import label_form
from pipeline.errors import InputError

SUPPORTED_FORMATS = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".csv")
CSV_TURN_COLUMNS = ("speaker", "text")
_EMPTY_FIX = "put the transcript text in the file or remove its row from informants.csv"


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted talk: label as written, text, the source line where it starts and,
    from subtitles, when it starts and ends in the recording (``HH:MM:SS.mmm``; empty otherwise)."""

    speaker: str
    text: str
    line: int
    start_time: str = ""
    end_time: str = ""


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
    data = read_input(path)
    if not data.strip():
        raise InputError(path, "empty transcript", fix=_EMPTY_FIX)
    turns = reader(data, path, labels=labels, encoding=encoding)
    if len(turns) > MAX_TURNS:
        raise InputError(path, f"more than {MAX_TURNS:,} turns, the limit for one transcript", line=turns[MAX_TURNS].line,
                         fix="split the interview into several transcripts")
    return turns


def read_input(path: Path) -> bytes:
    """The bytes of a raw input file (transcript, table), refused before reading when over the size limit."""
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(path, f"{size:,} bytes, more than the limit of {MAX_INPUT_BYTES:,} for one file",
                             fix="split it into several files")
        return path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})",
                         fix="check that it is a file you may read") from None


# --- decoding --------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; any other encoding only when the site names it.

    Never guesses: bytes that are not UTF-8 stop with an error naming the line, unless ``encoding``
    (from ``study.yaml``) is given. Line ends become ``\\n``. A NUL character (binary data) or a line
    longer than :data:`MAX_LINE_CHARS` stops here, before any pattern is matched against the text.
    """
    codec = next((codec for bom, codec in _BOMS if data.startswith(bom)), None)
    if codec is None and b"\x00" in data:
        raise InputError(path, "binary file (it contains NUL bytes), not text",
                         fix="export it as UTF-8 text (a transcript may also be .docx or .odt)")
    if codec is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            if encoding is None:
                raise InputError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                                 line=data[:error.start].count(b"\n") + 1,
                                 fix="save it as UTF-8, or name its encoding in study.yaml (encoding: cp1252)") from None
            codec = encoding
    if codec is not None:
        text = _decode_as(data, codec, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        _check_line(line, number, path)
    return text


def _decode_as(data: bytes, codec: str, path: Path) -> str:
    try:
        text = data.decode(codec)
    except UnicodeError as error:  # UnicodeDecodeError, or what a codec such as idna raises
        at = f" (byte 0x{data[error.start]:02x} at offset {error.start})" if isinstance(error, UnicodeDecodeError) else ""
        raise InputError(path, f"cannot be decoded as {codec}{at}",
                         fix="save it as UTF-8, or correct the encoding named in study.yaml") from None
    if "\x00" in text:
        raise InputError(path, f"binary data (a NUL character once decoded as {codec}), not text",
                         fix="save it as UTF-8 text")
    return text


def _check_line(line: str, number: int, path: Path) -> None:
    if len(line) > MAX_LINE_CHARS:
        raise InputError(path, f"line of {len(line):,} characters, more than the limit of {MAX_LINE_CHARS:,}",
                         line=number, fix="break the text into lines (one turn per line, or shorter paragraphs)")


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
    """The rest of ``line`` after its shortest start whose :func:`label_form` begins with ``prefix``
    (less its trailing spaces, which the caller strips from the text anyway).

    Not "is ``prefix``": NFKC can turn the first character of the text into a space and more (a macron
    "¯" becomes a space and a combining macron) or a colon into more than one (U+2A74 "⩴" is "::="),
    so no start need have exactly the prefix's form. The whole line always qualifies.
    """
    prefix = prefix.rstrip()
    return next(line[end:] for end in range(len(line) + 1) if label_form(line[:end]).startswith(prefix))


# --- from labelled pieces to turns -----------------------------------------------------------------

def _collect(pieces: Iterable[tuple], path: Path, labels: Sequence[str], *, merge_same_speaker: bool) -> list[Turn]:
    """Turn (line, label or None, text[, start time, end time]) pieces into turns; a piece without a label
    continues the turn. A turn's times are the start of its first piece and the end of its last."""
    pieces = [piece if len(piece) == 5 else (*piece, "", "") for piece in pieces]
    if not pieces:
        raise InputError(path, "empty transcript (no text besides comments)", fix=_EMPTY_FIX)
    example = labels[0] if labels else "Interviewer"
    if all(piece[1] is None for piece in pieces):
        raise InputError(path, "no speaker labels found",
                         fix=f"begin each turn with its speaker label and a colon, e.g. '{example}: ...' "
                         "(the labels are listed in study.yaml under speaker_labels)")
    started: list[tuple[str, int, list[str], list[str]]] = []  # label, line, texts (joined once, at the end), times
    for line, label, text, start_time, end_time in pieces:
        if label is None and not started:
            raise InputError(path, "text before the first speaker label", line=line,
                             fix=f"begin the turn with a label such as '{example}:' or start header lines with #")
        if label is not None and not (merge_same_speaker and started and started[-1][0].casefold() == label.casefold()):
            started.append((label, line, [], [start_time, end_time]))
        started[-1][2].append(text)
        started[-1][3][1] = end_time
    return [Turn(label, " ".join(part for part in texts if part), line, *times) for label, line, texts, times in started]


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
    """WebVTT captions: cue times kept, ids, settings and NOTE/STYLE blocks dropped; speaker from <v Name> or 'Name:'."""
    text = decode(data, path, encoding)
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(path, "not a WebVTT file (the first line is not WEBVTT)", line=1,
                         fix="export the captions again as .vtt, or rename the file to its real format")
    return _subtitles(text, path, labels)


def read_srt(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """SubRip subtitles: cue times kept, numbers dropped; speaker from a 'Name:' prefix (or <v Name>)."""
    return _subtitles(decode(data, path, encoding), path, labels)


def read_csv_turns(data: bytes, path: Path, *, labels: Sequence[str] = (), encoding: str | None = None) -> list[Turn]:
    """CSV with one row per turn and the columns speaker, text (others ignored); rows without text skipped."""
    rows = csv_rows(decode(data, path, encoding), path)
    header = [column.lower() for column in next(rows, (1, []))[1]]
    missing = [column for column in CSV_TURN_COLUMNS if column not in header]
    if missing:
        raise InputError(path, f"CSV transcript lacks the column(s) {', '.join(missing)}", line=1,
                         fix="the first line must name the comma-separated columns speaker,text")
    speaker_at, text_at = header.index("speaker"), header.index("text")
    turns = []
    for line, row in rows:
        speaker, said = (row[i] if i < len(row) else "" for i in (speaker_at, text_at))
        speaker = label_form(speaker).strip()
        if said and not speaker:
            raise InputError(path, "a turn without a speaker", line=line, fix="fill in the speaker cell of that row")
        if said:
            turns.append(Turn(speaker, said, line))
    if not turns:
        raise InputError(path, "empty transcript (no row has text)",
                         fix="add one row per turn under the header speaker,text")
    return turns


def csv_rows(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV (the header first) with the line each starts on, cells stripped, blank rows skipped.

    Used for every CSV of a site (``informants.csv``, the names file, CSV transcripts). A row with
    text beyond the header's last column (a comma that should have been quoted) and any CSV error (a
    cell longer than the csv module's limit, a stray quote) stop with the line.
    """
    # strict: a quote never closed is an error at the end of the file, not the rest of the file in one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    width, start = None, 1
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            for cell in cells:
                _check_line(cell, start, path)
            if any(cells):
                if width is None:
                    _check_header(cells, path, start)
                    width = len(cells)
                if any(cells[width:]):
                    raise InputError(path, f"{len(cells)} cells in a row under a header of {width}", line=start,
                                     fix="put quotes around a cell that contains a comma, or add the column to the header")
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, f"malformed CSV row: {error}", line=start,
                         fix="check the quoting of that row: a quote that opens a cell must close it") from None


def _check_header(names: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for name in filter(None, names):
        if name in seen:
            raise InputError(path, f"column '{name}' is named twice in the header", line=line,
                             fix="give each column its own name")
        seen.add(name)


# --- helpers of the readers ------------------------------------------------------------------------

_ODF = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _zipped_xml(data: bytes, path: Path, member: str, kind: str) -> ElementTree.Element:
    """The document XML of a .docx/.odt, parsed; every way the zip or the XML can be broken is one line.

    The member's declared size and compression ratio are checked before it is inflated (zipfile
    never inflates past the declared size, and checks the CRC), so a zip bomb is refused unread.
    """
    def refuse(problem: str, fix: str = f"open it in a word processor and save it again as {kind}") -> InputError:
        return InputError(path, f"not a readable {kind} file ({problem})", fix=fix)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(member)
            if info.flag_bits & 0x41:  # bit 0: encrypted, bit 6: strong encryption
                raise refuse("it is encrypted", fix=f"save it again as {kind} without a password")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise refuse(f"{member} uses zip compression method {info.compress_type}, which word processors "
                             "do not write")
            if info.file_size > MAX_UNZIPPED_BYTES:
                raise refuse(f"{member} unpacks to {info.file_size:,} bytes, more than the limit of "
                             f"{MAX_UNZIPPED_BYTES:,}", fix="split the document into several transcripts")
            if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise refuse(f"{member} would unpack to more than {MAX_ZIP_RATIO} times its packed size, "
                             "as a zip bomb does")
            xml = archive.read(member)
    except KeyError:
        raise refuse(f"it has no {member}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:  # truncated or corrupt
        raise refuse(f"broken zip: {error}") from None
    except NotImplementedError as error:  # a zip feature zipfile does not read (patched data, say)
        raise refuse(f"it uses a zip feature word processors do not write: {error}") from None
    return _parse_xml(xml, path, kind)


def _parse_xml(xml: bytes, path: Path, kind: str) -> ElementTree.Element:
    """The XML as an element tree, refusing what no word processor writes: a DTD (so no entity can
    expand, a billion laughs included) and elements nested deeper than :data:`MAX_XML_DEPTH`."""
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    depth = 0

    def qualified(name: str) -> str:  # expat's "uri}local" as ElementTree's "{uri}local"
        return "{" + name if "}" in name else name

    def start(tag: str, attributes: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise InputError(path, f"not a readable {kind} file (elements nested more than {MAX_XML_DEPTH} deep)",
                             line=parser.CurrentLineNumber, fix=f"open it in a word processor and save it again as {kind}")
        builder.start(qualified(tag), {qualified(name): value for name, value in attributes.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(qualified(tag))

    def doctype(*_) -> None:
        raise InputError(path, f"not a readable {kind} file (its XML declares a DTD, which word processors never write)",
                         line=parser.CurrentLineNumber, fix=f"open it in a word processor and save it again as {kind}")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.StartDoctypeDeclHandler = builder.data, doctype
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise InputError(path, f"not a readable {kind} file (malformed XML: {expat.ErrorString(error.code)}, "
                         f"line {error.lineno} of its XML)", fix=f"open it in a word processor and save it again as {kind}") from None
    except LookupError as error:  # the XML declaration names an encoding Python does not know
        raise InputError(path, f"not a readable {kind} file (its XML is in an {error})",
                         fix=f"open it in a word processor and save it again as {kind}") from None
    return builder.close()


def _paragraphs(element: ElementTree.Element, tags: set[str], *, skip: set[str]) -> Iterator[ElementTree.Element]:
    """Paragraph elements in document order (including table cells), not descending into skipped ones."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag not in skip:
            yield from _paragraphs(child, tags, skip=skip)


def _odt_text(element: ElementTree.Element) -> str:
    """A paragraph's text; ``text:s`` (a run of spaces) is one space, as cleaning would make it anyway,
    so that its count (``c="999999999"``) cannot blow up memory."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _ODF + "s":
            parts.append(" ")
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
    first paragraph with a configured label are metadata (researchers head their documents), not turns.

    When no paragraph opens with a configured label, the turns start at the first one that looks like a
    label, so that ingest names the label the site has not listed instead of calling the title stray text.
    """
    for number, paragraph in enumerate(paragraphs, 1):
        _check_line(paragraph, number, path)
    lines = [(number, line) for number, paragraph in enumerate(paragraphs, 1) for line in paragraph.split("\n")]
    known = _known_label_pattern(labels)
    first = next((i for i, (_, line) in enumerate(lines) if known and known.match(line)), None)
    if first is None:
        first = next((i for i, (_, line) in enumerate(lines) if split_label(line, known)), 0)
    return _labelled_lines(lines[first:], path, labels)


# Neither pattern can backtrack more than linearly: the label starts after the spaces, a tag holds no '<'.
_VOICE = re.compile(r"^\s*<v(?:\.[^\s>]*)?\s+(?P<label>[^\s>][^>]*)>(?P<text>.*)$")
_TAG = re.compile(r"<[^<>]*>")
# A cue's timing line: WebVTT "01:02:03.450 --> ..." (hours optional) or SubRip "01:02:03,450 --> ...",
# settings after the end time ignored.
_CUE_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_CUE_TIME}\s*-->\s*{_CUE_TIME}(?:\s.*)?$")


def cue_time(hours: str | None, minutes: str, seconds: str, fraction: str) -> str:
    """A cue time as ``HH:MM:SS.mmm``, the one form segments.csv holds whatever the format wrote."""
    return f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{fraction.ljust(3, '0')}"


def _subtitles(text: str, path: Path, labels: Sequence[str]) -> list[Turn]:
    """Cues of .vtt/.srt as labelled pieces with their times; a line without a speaker continues the current one."""
    known = _known_label_pattern(labels)
    pieces = []
    for block in _blocks(_numbered_lines(text)):
        timing = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
        if timing is None:
            continue  # the WEBVTT header, NOTE, STYLE and REGION blocks carry no speech
        number, line = block[timing]
        found = _TIMING.match(line)
        if not found:
            raise InputError(path, f"cue timing '{line.strip()[:60]}' is not 'start --> end' as HH:MM:SS.mmm", line=number,
                             fix="write the times as 00:01:02.500 --> 00:01:05.000 (SubRip: with a comma)")
        start_time, end_time = cue_time(*found.groups()[:4]), cue_time(*found.groups()[4:])
        for number, line in block[timing + 1:]:
            voice = _VOICE.match(line)
            label, said = (label_form(voice["label"]).strip(), voice["text"]) if voice else (None, line)
            said = html.unescape(_TAG.sub("", said)).strip()
            if label is None and (found := split_label(said, known)):
                label, said = found
            if said or label:
                pieces.append((number, label, said, start_time, end_time))
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
