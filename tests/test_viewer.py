"""The coded-transcript viewer: what a reader sees on a transcript page, and that transcript text stays text."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from pipeline.analysis.study import Study
from pipeline.coding.codebook import codebook_from_dict
from pipeline.errors import StageError
from pipeline.report.style import UNDERLINES, code_styles
from pipeline.report.viewer import transcript_page, write_transcript_pages


def _texts(en: str, id_: str) -> dict:
    return {"en": en, "id": id_}


def _code(code_id: str, en: str, id_: str, term: str) -> dict:
    return {"id": code_id, "group": "demo", "label": _texts(en, id_), "definition": _texts(en, id_),
            "include": _texts(en, id_), "exclude": _texts(en, id_), "keywords": {"en": [term]}}


CODEBOOK = codebook_from_dict({
    "name": "demo", "version": "0.1",
    "groups": {"demo": {"label": _texts("Demo codes", "Kode demo")}},
    "codes": [_code("sharing", "Sharing", "Berbagi", "share"), _code("writing", "Writing", "Menulis", "write")],
}, "demo.yaml")

QUESTION = "What do you share?"
ANSWER = "We share notes <script>alert('x')</script> & write guides."
SHARE = ANSWER.index("share")
WRITE = ANSWER.index("write")


def make_study(codings: list[dict], answer: str = ANSWER, times: tuple[str, str] = ("", "")) -> Study:
    informants = pd.DataFrame([{"informant_id": "L1", "role": "librarian", "transcript": "L1.txt", "language": "en",
                                "unit": "user services", "source_label": "I1"}])
    segments = pd.DataFrame([
        {"segment_id": "L1-001", "site": "demo", "informant_id": "L1", "role": "librarian", "speaker": "interviewer",
         "turn": 1, "question": "", "lang": "en", "text": QUESTION, "start": 0, "end": len(QUESTION),
         "start_time": "", "end_time": ""},
        {"segment_id": "L1-002", "site": "demo", "informant_id": "L1", "role": "librarian", "speaker": "informant",
         "turn": 2, "question": QUESTION, "lang": "en", "text": answer, "start": 20, "end": 20 + len(answer),
         "start_time": times[0], "end_time": times[1]},
    ])
    frame = pd.DataFrame(codings, columns=["segment_id", "code_id", "score", "matched", "status", "coder"])
    return Study(site="demo", informants=informants, segments=segments, codings=frame, codebook=CODEBOOK)


def coding(code_id: str, matched: str, status: str = "practice", score: float = 1.0) -> dict:
    return {"segment_id": "L1-002", "code_id": code_id, "score": score, "matched": matched, "status": status,
            "coder": "keyword-v0.1"}


def page_of(study: Study, lang: str = "en"):
    return BeautifulSoup(transcript_page(study, "L1", lang), "html.parser")


def test_transcript_holding_a_script_tag_shows_it_as_text():
    html = transcript_page(make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}")]), "L1", "en")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; write" in html
    assert "<script>alert('x')</script> & write guides." in BeautifulSoup(html, "html.parser").get_text()


def test_fired_term_is_marked_and_its_hover_names_code_status_and_terms():
    page = page_of(make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}", status="barrier")]))
    [mark] = page.select("main mark")
    assert mark.get_text() == "share"
    assert mark.get("data-codes") == "sharing"
    assert mark.get("title") == "Sharing — barrier — terms that fired: share — score 1"
    [badge] = page.select("main .badge")
    assert badge.get_text() == "Sharing · barrier"
    assert badge.get("title") == mark.get("title")


def test_overlapping_terms_of_two_codes_are_split_and_both_codes_listed_on_hover():
    # "share notes" fires sharing, "notes" alone fires writing: "notes" carries both codes.
    notes = ANSWER.index("notes")
    page = page_of(make_study([coding("sharing", f"share notes@{SHARE}-{notes + 5}"),
                               coding("writing", f"notes@{notes}-{notes + 5}")]))
    marks = page.select("main mark")
    assert [m.get_text() for m in marks] == ["share ", "notes"]
    assert marks[0].get("data-codes") == "sharing"
    assert marks[1].get("data-codes") == "sharing writing"
    assert "Sharing — practice" in marks[1].get("title") and "Writing — practice" in marks[1].get("title")
    assert marks[1]["class"] == ["c0"]  # the first code in codebook order gives the style


def test_passage_has_a_stripe_and_badge_per_code_in_codebook_order():
    page = page_of(make_study([coding("writing", f"write@{WRITE}-{WRITE + 5}"),
                               coding("sharing", f"share@{SHARE}-{SHARE + 5}")]))
    [passage] = page.select("div.coded")
    assert passage.get("id") == "L1-002"
    assert [b.get("data-code") for b in passage.select(".badge")] == ["sharing", "writing"]
    assert passage.get("style").count("inset") == 2


def test_interviewer_turns_are_shown_as_uncoded_context():
    page = page_of(make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}")]))
    [question] = page.select("div.interviewer")
    assert question.select(".text")[0].get_text() == QUESTION
    assert not question.select("mark, .badge")


def test_a_hand_coding_without_terms_still_shows_its_passage():
    page = page_of(make_study([coding("writing", "", score=0)]))
    assert [b.get("data-code") for b in page.select("main .badge")] == ["writing"]
    assert "terms that fired: none (coded by hand)" in page.select("main .badge")[0].get("title")
    assert not page.select("main mark")


def test_legend_lists_every_code_with_its_passages_in_this_transcript():
    page = page_of(make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}")]))
    items = page.select(".legend li")
    assert [li.get_text() for li in items] == ["Sharing coded passages: 1", "Writing coded passages: 0"]
    assert items[1]["class"] == ["absent"]


def test_page_speaks_the_report_language():
    page = page_of(make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}")]), lang="id")
    assert page.html["lang"] == "id"
    assert page.h1.get_text() == "Transkrip berkode L1"
    assert page.select("main .badge")[0].get_text() == "Berbagi · praktik"
    assert page.select("div.interviewer .who")[0].contents[0].strip() == "Pewawancara"


def test_evidence_outside_its_segment_is_an_error_not_a_wrong_highlight():
    study = make_study([coding("sharing", f"share@{len(ANSWER) - 2}-{len(ANSWER) + 3}")])
    with pytest.raises(StageError, match=r"codings.csv: evidence 'share@56-61' of L1-002 lies outside the segment \(58 characters\)"):
        transcript_page(study, "L1", "en")


def test_codes_differ_in_colour_and_underline_pair_so_they_read_without_colour():
    styles = code_styles([f"code{n}" for n in range(35)])
    assert len({(s.colour, s.underline) for s in styles.values()}) == 35
    first_five = list(styles.values())[:5]
    assert [s.underline for s in first_five] == list(UNDERLINES)


def test_one_page_per_informant_is_written(tmp_path):
    study = make_study([coding("sharing", f"share@{SHARE}-{SHARE + 5}")])
    [page] = write_transcript_pages(study, tmp_path, "en")
    assert (page.informant_id, page.role, page.path) == ("L1", "librarian", tmp_path / "transcripts" / "L1.html")
    assert "Coded transcript L1" in page.path.read_text(encoding="utf-8")


def test_an_answer_with_cue_times_shows_them_next_to_its_speaker_and_one_without_shows_none():
    page = page_of(make_study([], times=("00:01:02.500", "00:01:09.000")), "id")
    answer, question = page.find(id="L1-002"), page.find(id="L1-001")
    time = answer.find(class_="time")
    assert time.get_text() == "00:01:02.500–00:01:09.000" and time["title"] == "waktu dalam rekaman"
    assert question.find(class_="time") is None  # its turn has no times
    assert page_of(make_study([])).find(class_="time") is None
