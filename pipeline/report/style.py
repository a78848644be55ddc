"""How seci-kit's reports look, in one place: the colours and line styles of roles, statuses and codes.

Figures (matplotlib) and the coded-transcript pages (CSS) take their colours from here, so a code or
a role looks the same on every page. The palette is Okabe & Ito's, and every colour is paired with a
second cue (hatching, an underline style) so that categories stay apart for colour-blind readers and
in greyscale print.

QDA software shows a code by its colour alone (the underline styles do not travel), so the REFI-QDA
exports give every code a colour of its own from Paul Tol's colour-blind-safe qualitative schemes
(:func:`qda_colours`).
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
# Paul Tol's colour-blind-safe qualitative schemes (Tol, "Colour Schemes", SRON/EPS/TN/09-002): the
# 9 colours of "muted", then orange, pear and pink of "light". Tol's older 12-colour scheme was tried
# first: QualCoder, which matches imported colours to its own palette, merged two pairs of it; these
# 12 stay 12 there too.
QDA_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
               "#AA4499", "#EE8866", "#BBCC33", "#FFAABB")


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


def qda_colours(code_ids: list[str]) -> dict[str, str]:
    """One colour per code, in codebook order, none shared: what a QDA program shows the code in.

    The first 12 codes get the 12 colours of :data:`QDA_COLOURS`; each further round of 12 gets the same hues mixed with
    more white (1/2, 2/3, ...), still distinct from each other but no longer guaranteed apart for
    colour-blind readers.
    """
    colours = {}
    for position, code_id in enumerate(code_ids):
        base = QDA_COLOURS[position % len(QDA_COLOURS)]
        white = 1 - 1 / (position // len(QDA_COLOURS) + 1)
        channels = (int(base[i:i + 2], 16) for i in (1, 3, 5))
        colours[code_id] = "#" + "".join(f"{round(value + (255 - value) * white):02X}" for value in channels)
    return colours
