"""Each transcript format is read into the same turns: speaker label, text, source line."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from pipeline.corpus.readers import Turn, read_transcript
from pipeline.errors import InputError

FORMATS = Path(__file__).parent / "fixtures" / "ingest" / "formats"
ID_LABELS = ("Pewawancara", "Informan")
EN_LABELS = ("Interviewer", "Informant")


def test_text_reader_skips_comments_joins_continuation_lines_and_drops_a_leading_timestamp():
    assert read_transcript(FORMATS / "interview.txt", labels=ID_LABELS) == [
        Turn("Pewawancara", "Selamat pagi, Bu. Boleh saya rekam?", 4),
        Turn("Informan", "Boleh, silakan.", 6),
        Turn("Pewawancara", "Bagaimana diskusi pustakawan dilaksanakan?", 8),
        Turn("Informan", "Sebulan sekali kami berdiskusi. Setiap pustakawan bergiliran presentasi.", 10),
        Turn("Pewawancara", "Terima kasih.", 13),
    ]


def test_markdown_reader_accepts_bold_and_italic_labels_and_skips_headings():
    assert read_transcript(FORMATS / "interview.md", labels=ID_LABELS) == [
        Turn("Pewawancara", "Apakah Ibu mengenal model SECI?", 3),
        Turn("Informan", "Belum terlalu paham, Pak.", 5),
        Turn("Pewawancara", "Baik.", 7),
    ]


def test_configured_labels_match_in_any_case_and_without_a_space_after_the_colon(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("PEWAWANCARA:Apa kabar?\ninforman: Baik.\n", encoding="utf-8")
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("PEWAWANCARA", "Apa kabar?", 1), Turn("informan", "Baik.", 2),
    ]


def test_an_unlisted_label_that_looks_like_one_starts_its_own_turn(tmp_path):
    """So that ingest can report it with its line, instead of gluing it to the turn above."""
    path = tmp_path / "t.txt"
    path.write_text("Pewawancara: Apa kabar?\nResponden: Baik.\nJadi begini: lanjutan.\n", encoding="utf-8")
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("Pewawancara", "Apa kabar?", 1), Turn("Responden", "Baik. Jadi begini: lanjutan.", 2),
    ]


def test_webvtt_keeps_cue_times_drops_notes_and_tags_and_merges_cues_of_one_speaker():
    """A merged turn runs from its first cue's start to its last cue's end."""
    assert read_transcript(FORMATS / "interview.vtt", labels=EN_LABELS) == [
        Turn("Interviewer", "Good morning. May I record?", 8, "00:00:01.000", "00:00:03.500"),
        Turn("Informant", "Yes, you may. I have worked here for nine years & I like it.", 11,
             "00:00:03.600", "00:00:08.000"),
        Turn("Interviewer", "Thank you.", 18, "00:00:08.100", "00:00:09.000"),
    ]


def test_srt_takes_the_speaker_from_a_name_prefix_and_continues_unlabelled_cues_with_their_times():
    assert read_transcript(FORMATS / "interview.srt", labels=EN_LABELS) == [
        Turn("Interviewer", "How often do you visit the library?", 3, "00:00:01.000", "00:00:03.000"),
        Turn("Informant", "Twice a week, mostly to borrow printed books.", 7, "00:00:03.500", "00:00:07.000"),
        Turn("Interviewer", "Thank you.", 15, "00:00:07.500", "00:00:09.000"),
    ]


def test_cue_times_without_hours_or_with_short_fractions_are_written_in_one_form(tmp_path):
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\n01:02.5 --> 1:01:03.25 line:0\n<v Interviewer>Hello?\n", encoding="utf-8")
    assert read_transcript(path, labels=EN_LABELS) == [Turn("Interviewer", "Hello?", 4, "00:01:02.500", "01:01:03.250")]


def test_a_malformed_cue_timing_names_file_and_line(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Hi.\n\n2\n00:00:04 --> soon\nInformant: Yes.\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.srt:6: cue timing '00:00:04 --> soon' is not"):
        read_transcript(path, labels=EN_LABELS)


def test_formats_without_cue_times_give_turns_with_empty_times():
    for name in ("interview.txt", "interview.md"):
        assert {(turn.start_time, turn.end_time) for turn in read_transcript(FORMATS / name, labels=ID_LABELS)} == {("", "")}
    assert {(turn.start_time, turn.end_time) for turn in read_transcript(FORMATS / "interview.csv")} == {("", "")}


def test_csv_reads_one_row_per_turn_skips_rows_without_text_and_ignores_other_columns():
    assert read_transcript(FORMATS / "interview.csv") == [
        Turn("Interviewer", "Do you use the OPAC?", 2),
        Turn("Informant", "Yes, every week.\nIt shows where the books are.", 3),
        Turn("Interviewer", "Thank you, that is all.", 6),
    ]


@pytest.mark.parametrize("mark", ["\u200b", "\u200f", "\u200e", "\u2060", "\ufeff", "\u202b"])
def test_labels_are_read_through_invisible_marks_and_a_fullwidth_colon(tmp_path, mark):
    path = tmp_path / "t.txt"
    path.write_text(f"Pewawancara: Apa kabar?\nInforman{mark}: Baik.\n{mark}Pewawancara\uff1a Lalu?\n"
                    f"**Informan**{mark}\uff1a Ya.\n", encoding="utf-8")
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("Pewawancara", "Apa kabar?", 1), Turn("Informan", "Baik.", 2),
        Turn("Pewawancara", "Lalu?", 3), Turn("Informan", "Ya.", 4),
    ]


def test_a_label_spoiled_by_a_combining_mark_is_its_own_turn_not_part_of_the_question(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Pewawancara: Apa kabar?\nInforman\u0335: Baik.\n", encoding="utf-8")
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("Pewawancara", "Apa kabar?", 1), Turn("Informan\u0335", "Baik.", 2)]


def test_a_csv_quote_that_is_never_closed_is_an_error_naming_its_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('speaker,text\nInterviewer,Hello?\nInformant,"Yes, every week.\nInterviewer,Thanks.\n'
                    'Informant,Bye.\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.csv:3: malformed CSV row: .*; check the quoting of that row"):
        read_transcript(path)


def _docx(path: Path, paragraphs: list[str]) -> Path:
    """A minimal valid .docx: content types, package relationships, one document part."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        "<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{run}</w:t></w:r>' for run in paragraph.split("|"))
        + "</w:p>" for paragraph in paragraphs
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}">'
                                               f"<w:body>{body}</w:body></w:document>")
    return path


def _odt(path: Path, content: str) -> Path:
    """A minimal valid .odt: the stored mimetype first, a manifest, the content part."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
            compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            f"<office:body><office:text>{content}</office:text></office:body></office:document-content>"),
            compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_docx_reads_paragraphs_as_lines_joining_runs(tmp_path):
    path = _docx(tmp_path / "wawancara.docx", [
        "# Transkrip wawancara L9", "Pewawancara: |Apakah ada grup |Telegram?", "", "Informan: Ada, Pak.",
        "Grupnya dibuat pustakawan.",
    ])
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("Pewawancara", "Apakah ada grup Telegram?", 2),
        Turn("Informan", "Ada, Pak. Grupnya dibuat pustakawan.", 4),
    ]


def test_docx_title_lines_before_the_first_turn_are_metadata(tmp_path):
    path = _docx(tmp_path / "wawancara.docx", ["Transkrip Wawancara: Perpustakaan X", "Catatan lapangan tanpa label",
                                               "Pewawancara: Halo.", "Informan: Halo juga."])
    assert read_transcript(path, labels=ID_LABELS) == [Turn("Pewawancara", "Halo.", 3), Turn("Informan", "Halo juga.", 4)]


def test_docx_title_lines_are_skipped_even_when_the_site_has_not_listed_its_labels(tmp_path):
    """Q/A not in speaker_labels: the turns still start at 'Q:', so ingest reports the unlisted label, not the title."""
    path = _docx(tmp_path / "L3.docx", ["Interview 3 - Head of Digital Services", "Q: What does your unit do?",
                                        "A: We run the repository."])
    assert read_transcript(path, labels=EN_LABELS) == [Turn("Q", "What does your unit do?", 2),
                                                       Turn("A", "We run the repository.", 3)]


def test_a_line_opening_with_a_label_but_no_colon_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "L1.txt"
    path.write_text("Interviewer: Who writes the guides?\nInformant: We do.\nInterviewer Where do those guides end up?\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"L1\.txt:3: the line starts with the speaker label 'Interviewer' but no colon"):
        read_transcript(path, labels=("Interviewer", "Informant"))


def test_txt_text_before_the_first_label_is_still_reported_with_its_line(tmp_path):
    path = tmp_path / "L1.txt"
    path.write_text("field notes without a label\nInterviewer: Hello.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"L1\.txt:1: text before the first speaker label"):
        read_transcript(path, labels=ID_LABELS)


def test_odt_reads_paragraphs_spans_and_spaces_and_leaves_out_footnotes(tmp_path):
    """A run of spaces (text:s) is one space whatever its count, as cleaning would make it anyway."""
    path = _odt(tmp_path / "wawancara.odt",
                '<text:h># Wawancara L9</text:h>'
                '<text:p>Pewawancara: Apakah <text:span>OPAC</text:span> dipakai?'
                  '<text:note><text:note-body><text:p>catatan kaki</text:p></text:note-body></text:note></text:p>'
                '<text:p>Informan: Ya,<text:s text:c="3"/>sering.<text:line-break/>Setiap minggu.</text:p>')
    assert read_transcript(path, labels=ID_LABELS) == [
        Turn("Pewawancara", "Apakah OPAC dipakai?", 2),
        Turn("Informan", "Ya, sering. Setiap minggu.", 3),
    ]


def test_a_docx_that_is_not_a_zip_archive_names_the_file(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"Pewawancara: this is plain text saved as .docx\n")
    with pytest.raises(InputError, match=r"broken\.docx: not a readable Word \.docx file"):
        read_transcript(path, labels=ID_LABELS)


@pytest.mark.parametrize("encoded", [
    "\ufeffPewawancara: Apa kabar, Bu Désirée?\n".encode("utf-8"),
    "\ufeffPewawancara: Apa kabar, Bu Désirée?\r\n".encode("utf-16-le"),
    "\ufeffPewawancara: Apa kabar, Bu Désirée?\n".encode("utf-16-be"),
], ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
def test_utf8_and_utf16_are_recognised_by_their_byte_order_mark(tmp_path, encoded):
    path = tmp_path / "t.txt"
    path.write_bytes(encoded)
    assert read_transcript(path, labels=ID_LABELS) == [Turn("Pewawancara", "Apa kabar, Bu Désirée?", 1)]


def test_a_file_in_another_encoding_is_an_error_unless_the_site_names_the_encoding(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Pewawancara: Halo.\nInforman: Caf\u00e9 di lantai dua.\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"t\.txt:2: not UTF-8 text \(byte 0xe9\); .*encoding: cp1252"):
        read_transcript(path, labels=ID_LABELS)
    assert read_transcript(path, labels=ID_LABELS, encoding="cp1252")[1] == Turn("Informan", "Café di lantai dua.", 2)


def test_an_unsupported_format_is_an_error_that_lists_the_supported_ones(tmp_path):
    path = tmp_path / "interview.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"interview\.pdf: unsupported transcript format '\.pdf'; save it as one of \.txt"):
        read_transcript(path)


# --- broken and hostile .docx/.odt: one line each, nothing unpacked past the limits --------------------

def _rezipped(source: Path, target: Path, member: str, data: bytes, **info) -> Path:
    """``source`` with ``member`` replaced by ``data``, written with the ZipInfo fields ``info``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename != member:
                new.writestr(item, old.read(item.filename))
        new.writestr(zipfile.ZipInfo(member), data, **info)
    return target


def _central_field(path: Path, offset: int, value: bytes) -> Path:
    """Overwrite a field of the last central-directory entry (a zip's own description of a member)."""
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")
    data[entry + offset:entry + offset + len(value)] = value
    path.write_bytes(bytes(data))
    return path


def test_a_truncated_or_corrupt_docx_is_one_line(tmp_path):
    good = _docx(tmp_path / "good.docx", ["Pewawancara: Halo.", "Informan: Halo juga."])
    data = good.read_bytes()
    cut, corrupt = tmp_path / "cut.docx", tmp_path / "corrupt.docx"
    cut.write_bytes(data[:len(data) // 2])
    document = _rezipped(good, tmp_path / "deflated.docx", "word/document.xml",
                         zipfile.ZipFile(good).read("word/document.xml"), compress_type=zipfile.ZIP_DEFLATED)
    packed = zipfile.ZipFile(document).getinfo("word/document.xml")
    start = packed.header_offset + 30 + len(packed.filename) + len(packed.extra)  # the packed data
    corrupt.write_bytes(document.read_bytes()[:start] + b"\xff" * 16 + document.read_bytes()[start + 16:])
    for path in (cut, corrupt):
        with pytest.raises(InputError, match=rf"{path.name}: not a readable Word \.docx file \(broken zip: "):
            read_transcript(path, labels=ID_LABELS)


@pytest.mark.parametrize("field, value, problem", [
    (8, b"\x01\x00", r"it is encrypted\); save it again as Word \.docx without a password"),
    (10, b"\x63\x00", r"word/document\.xml uses zip compression method 99, which word processors do not write"),
    (24, (60_000_000).to_bytes(4, "little"), r"unpacks to 60,000,000 bytes, more than the limit of 50,000,000"),
])
def test_an_encrypted_or_oddly_compressed_or_oversized_docx_is_refused_unpacked(tmp_path, field, value, problem):
    path = _central_field(_docx(tmp_path / "w.docx", ["Informan: Halo."]), field, value)
    with pytest.raises(InputError, match=problem):
        read_transcript(path, labels=ID_LABELS)


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_unpacked(tmp_path):
    bomb = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + b" " * 20_000_000 + b"</w:body></w:document>"
    path = _rezipped(_docx(tmp_path / "good.docx", ["Informan: Halo."]), tmp_path / "bomb.docx", "word/document.xml",
                     bomb, compress_type=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"would unpack to more than 100 times its packed size, as a zip bomb does"):
        read_transcript(path, labels=ID_LABELS)


@pytest.mark.parametrize("xml, problem", [
    ('<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
     "its XML declares a DTD, which word processors never write"),
    ('<!DOCTYPE d SYSTEM "file:///etc/passwd"><d/>', "its XML declares a DTD"),
    ("<d>" * 101 + "</d>" * 101, "elements nested more than 100 deep"),
    ("<d><unclosed></d>", "malformed XML: mismatched tag, line 1 of its XML"),
    ('<?xml version="1.0" encoding="ebcdic"?><d/>', "its XML is in an unknown encoding: ebcdic"),
])
def test_hostile_or_malformed_xml_in_an_odt_is_one_line(tmp_path, xml, problem):
    path = tmp_path / "w.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", xml)
    with pytest.raises(InputError, match=re.escape(problem)):
        read_transcript(path, labels=ID_LABELS)


def test_a_run_of_spaces_with_a_huge_count_is_one_space(tmp_path):
    path = _odt(tmp_path / "w.odt", '<text:p>Informan: Ya,<text:s text:c="999999999999"/>sering.</text:p>')
    assert read_transcript(path, labels=ID_LABELS) == [Turn("Informan", "Ya, sering.", 1)]


# --- text limits and CSV shapes -------------------------------------------------------------------------

def test_text_turned_to_nul_by_the_named_encoding_is_refused(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Informan: a\x00b\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"t\.txt: binary data \(a NUL character once decoded as utf-16\)"):
        read_transcript(path, labels=ID_LABELS)


def test_an_encoding_that_cannot_decode_the_bytes_is_one_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Informan: caf\u00e9\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"t\.txt: cannot be decoded as utf-16"):
        read_transcript(path, labels=ID_LABELS, encoding="utf-16")


def test_a_long_turn_of_many_lines_is_read_in_linear_time(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Informan: mulai\n" + "lanjut kata kata kata\n" * 200_000, encoding="utf-8")
    [turn] = read_transcript(path, labels=ID_LABELS)
    assert len(turn.text) == len("mulai") + 200_000 * len(" lanjut kata kata kata")


@pytest.mark.parametrize("text, problem", [
    ("speaker,text\nInforman,\"Ya, sering\",extra\n", r"t\.csv:2: 3 cells in a row under a header of 2; put quotes"),
    ("speaker,text,speaker\nInforman,Ya,x\n", r"t\.csv:1: column 'speaker' is named twice in the header"),
    ("speaker,text\nInforman,\"" + ("x" * 70_000 + "\n") * 2 + "\"\n", r"t\.csv:2: line of 140,001 characters, more than the limit of 100,000"),
])
def test_csv_transcript_shapes_are_one_line_with_their_line(tmp_path, text, problem):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        read_transcript(path, labels=ID_LABELS)


def test_trailing_empty_cells_beyond_the_header_are_fine(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("speaker,text\nInforman,Ya,,\n", encoding="utf-8")
    assert read_transcript(path, labels=ID_LABELS) == [Turn("Informan", "Ya", 2)]


@pytest.mark.parametrize("text", ["\u00af", "\u00a8 ja", "\u00b4", "\u2a74 hi"])
def test_a_label_is_read_when_unicode_normalisation_widens_what_follows_it(tmp_path, text):
    """NFKC turns these into a space and a combining mark, or "::=": the text after the label is kept."""
    path = tmp_path / "t.txt"
    path.write_text(f"Interviewer: What do you do?\nInformant: {text}\n", encoding="utf-8")
    turns = read_transcript(path, labels=EN_LABELS)
    assert [turn.speaker for turn in turns] == ["Interviewer", "Informant"] and turns[1].text == text
