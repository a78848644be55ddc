"""The coded-transcript viewer: every transcript as a static HTML page with its codings shown in place.

One page per informant (``transcripts/<ID>.html`` in the report). Each coded passage (an informant
segment) carries a stripe and a badge per code; the terms that fired are highlighted in the code's
colour *and* underlined in the code's own line style, so the page reads in greyscale and for
colour-blind readers. Hovering a passage or a term shows the code, its status and the terms that fired
(``title`` attributes: no server, no script, nothing fetched). Interviewer turns are shown as context.
Every piece of transcript text is escaped, so a transcript holding ``<script>`` shows it as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from pipeline.analysis.study import Study, evidence
from pipeline.errors import StageError
from pipeline.files import write_text
from pipeline.report.figures import OKABE_ITO
from pipeline.words import text
from pipeline.words import words as catalogue

VIEWER_DIR = "transcripts"
# Black is left out: it would hide the text it highlights.
CODE_COLOURS = [colour for name, colour in OKABE_ITO.items() if name != "black"]
UNDERLINES = ("solid", "double", "dotted", "dashed", "wavy")


@dataclass(frozen=True)
class CodeStyle:
    """How one code looks everywhere on the pages: a colour and an underline style, and its CSS class."""

    css_class: str
    colour: str
    underline: str


@dataclass(frozen=True)
class TranscriptPage:
    informant_id: str
    role: str
    path: Path


def code_styles(code_ids: list[str]) -> dict[str, CodeStyle]:
    """A colour and an underline style per code, in codebook order; no two codes share both (up to 35 codes)."""
    return {
        code_id: CodeStyle(f"c{position}", CODE_COLOURS[position % len(CODE_COLOURS)],
                           UNDERLINES[position % len(UNDERLINES)])
        for position, code_id in enumerate(code_ids)
    }


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
    title = words["title"].format(informant=informant_id)
    facts = [role_word(informant["role"], lang)]
    for column in ("unit", "background"):
        if str(informant.get(column, "") or "").strip():
            facts.append(str(informant[column]))
    if str(informant.get("source_label", "") or "").strip():
        facts.append(words["in_article"].format(label=informant["source_label"]))
    facts.append(words["coded_of"].format(coded=codings["segment_id"].nunique(), answers=len(answers)))

    nav = [f'<a href="../index.html">← {escape(words["back"])}</a>']
    earlier, later = neighbours
    if earlier:
        nav.append(f'<a href="{escape(earlier)}.html">‹ {escape(earlier)} ({escape(words["previous"])})</a>')
    if later:
        nav.append(f'<a href="{escape(later)}.html">{escape(later)} ({escape(words["next"])}) ›</a>')

    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
{_stylesheet(styles)}
</style>
</head>
<body>
<nav>{" · ".join(nav)}</nav>
<h1>{escape(title)}</h1>
<p class="facts">{escape(" · ".join(facts))}</p>
{_legend(study, styles, codings, lang)}
<main>
{chr(10).join(passages)}
</main>
</body>
</html>
"""


def role_word(role: str, lang: str) -> str:
    """``librarian`` / ``patron`` in the report's language."""
    return text(f"report.value_{role}", lang)


def _passage(segment, codings: pd.DataFrame | None, study: Study, styles: dict[str, CodeStyle], lang: str,
             *, show_speaker: bool) -> str:
    """One segment: speaker line, a badge per code, and the text with the fired terms marked."""
    words = catalogue("viewer", lang)
    interviewer = segment.speaker == "interviewer"
    speaker = words["interviewer"] if interviewer else words["informant"].format(informant=segment.informant_id)
    header = (f'<p class="who">{escape(speaker)} <span class="sid">{escape(segment.segment_id)}</span></p>'
              if show_speaker else "")
    if codings is None or codings.empty:
        return (f'<div class="turn {segment.speaker}" id="{escape(segment.segment_id)}">{header}'
                f'<p class="text">{escape(segment.text)}</p></div>')

    codings = codings.assign(_order=codings["code_id"].map(list(styles).index)).sort_values("_order")
    badges, stripes, spans = [], [], []
    for coding in codings.itertuples():
        style = styles[coding.code_id]
        hover = _hover(study, coding, lang)
        badges.append(f'<span class="badge {style.css_class} {escape(coding.status)}" data-code="{escape(coding.code_id)}" '
                      f'title="{escape(hover)}">{escape(study.label(coding.code_id, lang))} · '
                      f'{escape(text(f"report.value_{coding.status}", lang))}</span>')
        stripes.append(style.colour)
        for term, start, end in evidence(coding.matched):
            if not 0 <= start < end <= len(segment.text):
                raise StageError(f"codings.csv: evidence '{term}@{start}-{end}' of {segment.segment_id} lies outside "
                                 f"the segment ({len(segment.text)} characters); offsets count from the segment's start")
            spans.append((start, end, coding.code_id, hover))
    shadow = ", ".join(f"inset {4 * (i + 1)}px 0 0 {colour}" for i, colour in enumerate(stripes))
    return (f'<div class="turn {segment.speaker} coded" id="{escape(segment.segment_id)}" '
            f'style="box-shadow: {shadow}; padding-left: {4 * len(stripes) + 12}px">{header}'
            f'<p class="badges">{"".join(badges)}</p>'
            f'<p class="text">{_marked_text(segment.text, spans, styles)}</p></div>')


def _hover(study: Study, coding, lang: str) -> str:
    """What a reader sees on hover: code, status, the terms that fired (and the score)."""
    words = catalogue("viewer", lang)
    terms = list(dict.fromkeys(term for term, _, _ in evidence(coding.matched)))
    return (f"{study.label(coding.code_id, lang)} — {text('report.value_' + coding.status, lang)} — "
            f"{words['terms']}: {', '.join(terms) if terms else words['none']} — "
            f"{words['score']} {float(coding.score):g}")


def _marked_text(text: str, spans: list[tuple[int, int, str, str]], styles: dict[str, CodeStyle]) -> str:
    """The segment text, escaped, with each fired term in a ``<mark>``; overlapping terms are split at every edge.

    Where terms of several codes overlap, the piece takes the style of the first code in codebook order
    and its hover text lists every code.
    """
    order = list(styles)
    edges = sorted({0, len(text), *(edge for start, end, _, _ in spans for edge in (start, end))})
    pieces = []
    for start, end in zip(edges, edges[1:]):
        covering = sorted((s for s in spans if s[0] <= start and end <= s[1]), key=lambda s: order.index(s[2]))
        piece = escape(text[start:end])
        if covering:
            codes = list(dict.fromkeys(code for _, _, code, _ in covering))
            hover = "\n".join(dict.fromkeys(h for _, _, _, h in covering))
            piece = (f'<mark class="{styles[codes[0]].css_class}" data-codes="{escape(" ".join(codes))}" '
                     f'title="{escape(hover)}">{piece}</mark>')
        pieces.append(piece)
    return "".join(pieces)


def _legend(study: Study, styles: dict[str, CodeStyle], codings: pd.DataFrame, lang: str) -> str:
    """Every code of the codebook by group, in its style, with how many passages of this transcript carry it."""
    words = catalogue("viewer", lang)
    counts = codings["code_id"].value_counts()
    groups = []
    for group, labels in study.codebook.groups.items():
        items = "".join(
            f'<li class="{"" if counts.get(code_id, 0) else "absent"}"><mark class="{styles[code_id].css_class}">'
            f'{escape(study.label(code_id, lang))}</mark> '
            f'<span class="count">{escape(words["passages"].format(n=int(counts.get(code_id, 0))))}</span></li>'
            for code_id in study.codes(group)
        )
        if items:
            groups.append(f'<h3>{escape(labels.get(lang, group))}</h3><ul>{items}</ul>')
    return (f'<section class="legend"><h2>{escape(words["legend"])}</h2>{"".join(groups)}'
            f'<p class="help">{escape(words["how_to_read"])}</p></section>')


def _stylesheet(styles: dict[str, CodeStyle]) -> str:
    per_code = "\n".join(
        f"mark.{s.css_class} {{ background: {s.colour}40; text-decoration: underline {s.underline} {s.colour}; "
        f"text-decoration-thickness: 2px; text-underline-offset: 3px; }}\n"
        f".badge.{s.css_class} {{ border-color: {s.colour}; border-bottom-style: {_border(s.underline)}; }}"
        for s in styles.values()
    )
    return f"""body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.6; color: #1a1a1a; }}
h1 {{ font-size: 1.5rem; margin: .5rem 0 .2rem; }}
h2 {{ font-size: 1.1rem; margin: 0 0 .4rem; }}
nav, .facts, .help, .count, .sid {{ color: #555; font-size: .9rem; }}
a {{ color: #0a4f8a; }}
.legend {{ border: 1px solid #ccc; padding: .6rem 1rem; margin: 1rem 0 1.5rem; background: #fafafa; }}
.legend ul {{ list-style: none; padding: 0; margin: 0; columns: 2 16rem; }}
.legend li {{ margin: .15rem 0; }}
.legend h3 {{ font-size: .95rem; margin: .5rem 0 .2rem; }}
.legend li.absent {{ opacity: .55; }}
.turn {{ margin: .8rem 0; padding: .3rem .8rem; }}
.turn.interviewer {{ color: #555; font-style: italic; }}
.turn.coded {{ background: #fcfcfc; }}
.who {{ margin: 0; font-weight: 600; font-style: normal; }}
.text {{ margin: .2rem 0; white-space: pre-wrap; }}
.badges {{ margin: .2rem 0; }}
.badge {{ display: inline-block; font-size: .8rem; border: 2px solid; border-radius: .3rem; padding: 0 .4rem;
          margin: 0 .3rem .2rem 0; cursor: help; }}
.badge.barrier {{ font-style: italic; }}
.badge.barrier::before {{ content: "⚠ "; }}
mark {{ color: inherit; cursor: help; }}
{per_code}"""


def _border(underline: str) -> str:
    """The border style closest to a code's underline style (CSS borders have no 'wavy')."""
    return {"wavy": "groove"}.get(underline, underline)
