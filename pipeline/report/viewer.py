"""The coded-transcript viewer: every transcript as a static HTML page with its codings shown in place.

One page per informant (``transcripts/<ID>.html`` in the report), from the template
``templates/transcript.html.j2``. Each coded passage (an informant segment) carries a stripe and a
badge per code; the terms that fired are highlighted in the code's colour *and* underlined in the
code's own line style (:mod:`pipeline.report.style`), so the page reads in greyscale and for
colour-blind readers. Hovering a passage or a term shows the code, its status and the terms that
fired (``title`` attributes: no server, no script, nothing fetched). Interviewer turns are shown as
context. A turn from subtitles (.vtt, .srt) shows its times in the recording next to the speaker, so a
reader can find the passage in the audio. Every piece of transcript text is escaped, so a transcript
holding ``<script>`` shows it as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.analysis.study import Study, evidence
from pipeline.errors import StageError
from pipeline.files import write_text
from pipeline.report.pages import render
from pipeline.report.style import CodeStyle, code_styles
from pipeline.words import text
from pipeline.words import words as catalogue

VIEWER_DIR = "transcripts"


@dataclass(frozen=True)
class TranscriptPage:
    informant_id: str
    role: str
    path: Path


def write_transcript_pages(study: Study, out_dir: str | Path, lang: str) -> list[TranscriptPage]:
    """Write ``<out_dir>/transcripts/<ID>.html`` for every informant of the study; return them in informant order."""
    ids = study.informant_ids()
    pages = []
    for position, informant_id in enumerate(ids):
        neighbours = (ids[position - 1] if position else None, ids[position + 1] if position + 1 < len(ids) else None)
        path = Path(out_dir) / VIEWER_DIR / f"{informant_id}.html"
        write_text(path, transcript_page(study, informant_id, lang, neighbours))
        role = study.informants.loc[study.informants["informant_id"] == informant_id, "role"].iloc[0]
        pages.append(TranscriptPage(informant_id, role, path))
    return pages


def transcript_page(study: Study, informant_id: str, lang: str,
                    neighbours: tuple[str | None, str | None] = (None, None)) -> str:
    """One informant's transcript as a self-contained HTML page (text escaped, styles inline)."""
    words = catalogue("viewer", lang)
    styles = code_styles(study.codes())
    informant = study.informants[study.informants["informant_id"] == informant_id].iloc[0]
    segments = study.segments[study.segments["informant_id"] == informant_id].sort_values(["turn", "start"])
    codings = study.codings[study.codings["segment_id"].isin(segments["segment_id"])]
    by_segment = {segment_id: group for segment_id, group in codings.groupby("segment_id", sort=False)}

    passages = []
    previous_turn = None
    for segment in segments.itertuples():
        passages.append(_passage(segment, by_segment.get(segment.segment_id), study, styles, lang,
                                 show_speaker=segment.turn != previous_turn))
        previous_turn = segment.turn

    answers = segments[segments["speaker"] == "informant"]
    facts = [role_word(informant["role"], lang)]
    for column in ("unit", "background"):
        if str(informant.get(column, "") or "").strip():
            facts.append(str(informant[column]))
    if str(informant.get("source_label", "") or "").strip():
        facts.append(words["in_article"].format(label=informant["source_label"]))
    facts.append(words["coded_of"].format(coded=codings["segment_id"].nunique(), answers=len(answers)))

    nav = [{"href": "../index.html", "text": f'← {words["back"]}'}]
    earlier, later = neighbours
    if earlier:
        nav.append({"href": f"{earlier}.html", "text": f'‹ {earlier} ({words["previous"]})'})
    if later:
        nav.append({"href": f"{later}.html", "text": f'{later} ({words["next"]}) ›'})

    return render("transcript.html.j2", lang=lang, title=words["title"].format(informant=informant_id), words=words,
                  styles=list(styles.values()), nav=nav, note=study.note, facts=" · ".join(facts), passages=passages,
                  legend=_legend(study, styles, codings, lang))


def role_word(role: str, lang: str) -> str:
    """``librarian`` / ``patron`` in the report's language."""
    return text(f"report.value_{role}", lang)


def _passage(segment, codings: pd.DataFrame | None, study: Study, styles: dict[str, CodeStyle], lang: str,
             *, show_speaker: bool) -> dict:
    """One segment for the template: speaker line, a badge per code, the text in pieces with the fired terms marked."""
    words = catalogue("viewer", lang)
    interviewer = segment.speaker == "interviewer"
    speaker = words["interviewer"] if interviewer else words["informant"].format(informant=segment.informant_id)
    timed = show_speaker and segment.start_time and segment.end_time
    passage = {"speaker": segment.speaker, "segment_id": segment.segment_id, "who": speaker if show_speaker else "",
               "time": words["time"].format(start=segment.start_time, end=segment.end_time) if timed else "",
               "badges": [], "pieces": [{"text": segment.text, "mark": ""}]}
    if codings is None or codings.empty:
        return passage

    codings = codings.assign(_order=codings["code_id"].map(list(styles).index)).sort_values("_order")
    stripes, spans = [], []
    for coding in codings.itertuples():
        style = styles[coding.code_id]
        hover = _hover(study, coding, lang)
        passage["badges"].append({"css_class": style.css_class, "status": coding.status, "code_id": coding.code_id,
                                  "hover": hover, "label": study.label(coding.code_id, lang),
                                  "status_word": text(f"report.value_{coding.status}", lang)})
        stripes.append(style.colour)
        for term, start, end in evidence(coding.matched):
            if not 0 <= start < end <= len(segment.text):
                raise StageError(f"codings.csv: evidence '{term}@{start}-{end}' of {segment.segment_id} lies outside "
                                 f"the segment ({len(segment.text)} characters); offsets count from the segment's start")
            spans.append((start, end, coding.code_id, hover))
    passage["shadow"] = ", ".join(f"inset {4 * (i + 1)}px 0 0 {colour}" for i, colour in enumerate(stripes))
    passage["padding"] = 4 * len(stripes) + 12
    passage["pieces"] = _marked_pieces(segment.text, spans, styles)
    return passage


def _hover(study: Study, coding, lang: str) -> str:
    """What a reader sees on hover: code, status, the terms that fired (and the score)."""
    words = catalogue("viewer", lang)
    terms = list(dict.fromkeys(term for term, _, _ in evidence(coding.matched)))
    return (f"{study.label(coding.code_id, lang)} — {text('report.value_' + coding.status, lang)} — "
            f"{words['terms']}: {', '.join(terms) if terms else words['none']} — "
            f"{words['score']} {float(coding.score):g}")


def _marked_pieces(text: str, spans: list[tuple[int, int, str, str]], styles: dict[str, CodeStyle]) -> list[dict]:
    """The segment text in pieces, each fired term a marked piece; overlapping terms are split at every edge.

    Where terms of several codes overlap, the piece takes the style of the first code in codebook order
    and its hover text lists every code.
    """
    order = list(styles)
    edges = sorted({0, len(text), *(edge for start, end, _, _ in spans for edge in (start, end))})
    pieces = []
    for start, end in zip(edges, edges[1:]):
        covering = sorted((s for s in spans if s[0] <= start and end <= s[1]), key=lambda s: order.index(s[2]))
        piece = {"text": text[start:end], "mark": ""}
        if covering:
            codes = list(dict.fromkeys(code for _, _, code, _ in covering))
            piece.update(mark=styles[codes[0]].css_class, codes=" ".join(codes),
                         hover="\n".join(dict.fromkeys(h for _, _, _, h in covering)))
        pieces.append(piece)
    return pieces


def _legend(study: Study, styles: dict[str, CodeStyle], codings: pd.DataFrame, lang: str) -> list[dict]:
    """Every code of the codebook by group, in its style, with how many passages of this transcript carry it."""
    words = catalogue("viewer", lang)
    counts = codings["code_id"].value_counts()
    groups = []
    for group, labels in study.codebook.groups.items():
        codes = [{"css_class": styles[code_id].css_class, "label": study.label(code_id, lang),
                  "passages": int(counts.get(code_id, 0)),
                  "count": words["passages"].format(n=int(counts.get(code_id, 0)))}
                 for code_id in study.codes(group)]
        if codes:
            groups.append({"label": labels.get(lang, group), "codes": codes})
    return groups
