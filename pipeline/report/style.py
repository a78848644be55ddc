"""How seci-kit's reports look, in one place: the colours and line styles of roles, statuses and codes.

Figures (matplotlib), the coded-transcript pages (CSS) and the REFI-QDA export all take their
colours from here, so a code or a role looks the same on every page. The palette is Okabe & Ito's,
and every colour is paired with a second cue (hatching, an underline style) so that categories stay
apart for colour-blind readers and in greyscale print.
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
# Each pair differs in lightness and in hatching, so it survives greyscale printing.
ROLE_STYLE = {
    "librarian": {"color": OKABE_ITO["blue"], "hatch": ""},
    "patron": {"color": OKABE_ITO["orange"], "hatch": "////"},
}
STATUS_STYLE = {
    "practice": {"color": OKABE_ITO["bluish_green"], "hatch": ""},
    "barrier": {"color": OKABE_ITO["yellow"], "hatch": "xxxx"},
}
MATRIX_COLORMAP = "Blues"  # one hue, lightness rising with the count: readable in greyscale
# Code colours leave black out: it would hide the text it highlights.
CODE_COLOURS = [colour for name, colour in OKABE_ITO.items() if name != "black"]
UNDERLINES = ("solid", "double", "dotted", "dashed", "wavy")


@dataclass(frozen=True)
class CodeStyle:
    """How one code looks everywhere on the pages: a colour and an underline style, and its CSS class."""

    css_class: str
    colour: str
    underline: str

    @property
    def border(self) -> str:
        """The border style closest to the underline style (CSS borders have no 'wavy')."""
        return {"wavy": "groove"}.get(self.underline, self.underline)


def code_styles(code_ids: list[str]) -> dict[str, CodeStyle]:
    """A colour and an underline style per code, in codebook order; no two codes share both (up to 35 codes)."""
    return {
        code_id: CodeStyle(f"c{position}", CODE_COLOURS[position % len(CODE_COLOURS)],
                           UNDERLINES[position % len(UNDERLINES)])
        for position, code_id in enumerate(code_ids)
    }
