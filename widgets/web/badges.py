"""Good-catch recognition: the badge (SVG and PNG, one design) and the printable certificate.

The texts come from ``datasets/badges/badges.yaml``, the date words from
``widgets/locales/badges.<lang>.json``. Names and story titles are participant
text: the SVG and the certificate are rendered with Jinja2 autoescape, and the
layout measures every line with the bundled DejaVu Sans so that a long name or
title is wrapped, then shortened with an ellipsis, never drawn past the edge.

>>> svg = badge_svg("Amélie <b>", "Rappel le soir même", "listening", "2024-10-07", "fr")
>>> "Amélie &lt;b&gt;" in svg and "7 octobre 2024" in svg and "Écoute" in svg
True
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from PIL import Image, ImageDraw, ImageFont

from widgets import content
from widgets.core import i18n

BADGES = content.BUNDLED / "badges"
FONTS = BADGES / "fonts"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The badge is a square of this many SVG units; the PNG is drawn at ``PNG_SCALE`` times that.
SIZE = 600
PNG_SCALE = 2
PNG_SIZE = SIZE * PNG_SCALE
#: Text stays inside this width; the SVG's fallback fonts are narrower than DejaVu Sans, so it cannot overflow.
TEXT_WIDTH = 480
DEFAULT_COLOR = "#1d5f7a"
INK, MUTED, PAPER = "#1f2933", "#52606d", "#fbf8f3"


@functools.cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _width(text: str, size: int, bold: bool = False) -> float:
    return _font(size, bold).getlength(text)


def _shorten(text: str, size: int, bold: bool, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width``."""
    if _width(text, size, bold) <= width:
        return text
    while text and _width(text.rstrip() + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, size: int, *, bold: bool = False, width: float = TEXT_WIDTH, max_lines: int = 2) -> list[str]:
    """Lines of ``text`` that each fit ``width`` at ``size``; past ``max_lines`` the last one ends with '…'.

    >>> wrap("Une histoire de service assez longue pour tenir sur deux lignes au moins", 26, max_lines=2)
    ['Une histoire de service assez longue', 'pour tenir sur deux lignes au moins']
    >>> len(wrap("x" * 500, 26, max_lines=3)), wrap("x" * 500, 26, max_lines=3)[-1].endswith("…")
    (3, True)
    """
    # Only ordinary spaces break a line: the narrow no-break space keeps French quotes on their word.
    words = [w for w in re.split(r"[ \t\r\n]+", text) if w] or [""]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if _width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A single word wider than the line (a long e-mail address, a hostile name) is cut by characters.
        while _width(word, size, bold) > width:
            cut = len(word)
            while cut > 1 and _width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _shorten(kept[-1] + " " + lines[max_lines], size, bold, width)
        if not kept[-1].endswith("…"):
            kept[-1] = _shorten(kept[-1] + "…", size, bold, width)
        return kept
    return lines or [""]


#: Control characters are not allowed in XML; bidi overrides could make a name read backwards.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def clean(text: str) -> str:
    """Participant text with what cannot be shown removed (escaping is the templates' job).

    >>> clean("Zo\\u202ee\\x00 <b>")
    'Zoe <b>'
    """
    return _UNPRINTABLE.sub("", str(text))


def _texts() -> dict:
    return content.load_file(BADGES / "badges.yaml")


def value_of(value: str, lang: str) -> tuple[str, str]:
    """The label and colour of a value, given its id; any other text is shown as it is."""
    for item in _texts()["values"]:
        if item["id"] == value:
            return content.text(item["label"], lang), item["color"]
    return value, DEFAULT_COLOR


def format_date(date: dt.date | str, lang: str) -> str:
    """A date written out for people (``7 octobre 2024``); ISO strings are accepted."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    return i18n.format_date(date, "d MMMM y", lang)  # "1er octobre 2026" in French


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append((round(cx + radius * math.cos(angle), 1), round(cy - radius * math.sin(angle), 1)))
    return points


def layout(name: str, title: str, value_label: str, date: dt.date | str, lang: str) -> dict:
    """The badge as shapes in SVG units: what both the SVG and the PNG draw."""
    texts = _texts()["badge"]
    name, title, value_label = clean(name), clean(title), clean(value_label)
    label, color = value_of(value_label, lang)
    when = format_date(date, lang)
    shapes: list[dict] = [
        {
            "kind": "rect",
            "x": 8,
            "y": 8,
            "w": SIZE - 16,
            "h": SIZE - 16,
            "r": 36,
            "fill": PAPER,
            "stroke": color,
            "stroke_width": 8,
        },
        {"kind": "circle", "cx": SIZE / 2, "cy": 112, "r": 64, "fill": color, "stroke": None},
        {"kind": "circle", "cx": SIZE / 2, "cy": 112, "r": 52, "fill": color, "stroke": "#ffffff", "stroke_width": 3},
        {"kind": "polygon", "points": _star(SIZE / 2, 114, 34, 14), "fill": "#ffffff"},
    ]
    y = 222
    shapes.append(
        {
            "kind": "text",
            "x": SIZE / 2,
            "y": y,
            "size": 22,
            "bold": True,
            "fill": color,
            "text": _shorten(content.text(texts["heading"], lang).upper(), 22, True, TEXT_WIDTH),
        }
    )
    middle = len(shapes)
    # The name is the point of the badge: as large as fits on two lines.
    for size in (44, 38, 32, 28):
        lines = wrap(name, size, bold=True, max_lines=2)
        if len(lines) == 1 or size == 28:
            break
    y += 30
    for line in lines:
        y += size + 8
        shapes.append({"kind": "text", "x": SIZE / 2, "y": y, "size": size, "bold": True, "fill": INK, "text": line})
    label = _shorten(label, 22, True, TEXT_WIDTH - 40)
    pill = _width(label, 22, True) + 48
    y += 26
    shapes.append(
        {
            "kind": "rect",
            "x": round((SIZE - pill) / 2, 1),
            "y": y,
            "w": round(pill, 1),
            "h": 44,
            "r": 22,
            "fill": color,
            "stroke": None,
        }
    )
    shapes.append(
        {"kind": "text", "x": SIZE / 2, "y": y + 30, "size": 22, "bold": True, "fill": "#ffffff", "text": label}
    )
    y += 44 + 12
    opening, closing = content.text(texts["quotes"], lang).split(maxsplit=1)  # a no-break space splits too
    story = wrap(
        f"{opening}\u202f{title}\u202f{closing}" if lang.startswith("fr") else f"{opening}{title}{closing}",
        22,
        max_lines=3,
    )
    for line in story:
        y += 30
        shapes.append({"kind": "text", "x": SIZE / 2, "y": y, "size": 22, "bold": False, "fill": INK, "text": line})
    # Centre the name, value and story between the heading and the date, whatever their length.
    shift = max((500 - y) / 2, 0)
    for shape in shapes[middle:]:
        shape["y"] = round(shape["y"] + shift, 1)
    shapes.append(
        {
            "kind": "text",
            "x": SIZE / 2,
            "y": 540,
            "size": 20,
            "bold": True,
            "fill": MUTED,
            "text": _shorten(when, 20, True, TEXT_WIDTH),
        }
    )
    shapes.append(
        {
            "kind": "text",
            "x": SIZE / 2,
            "y": 568,
            "size": 15,
            "bold": False,
            "fill": MUTED,
            "text": _shorten(content.text(texts["footer"], lang), 15, False, TEXT_WIDTH),
        }
    )
    alt = content.text(texts["alt"], lang).format(name=name, date=when, value=label, title=title)
    return {"shapes": shapes, "alt": alt, "heading": content.text(texts["heading"], lang), "lang": lang, "size": SIZE}


@functools.cache
def _env(folder: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True), keep_trailing_newline=True
    )


def badge_svg(name: str, title: str, value_label: str, date: dt.date | str, lang: str) -> str:
    """The badge as a standalone, accessible SVG document (``role="img"``, a title with the full text)."""
    return _env(str(BADGES)).get_template("badge.svg.j2").render(**layout(name, title, value_label, date, lang))


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def badge_png(name: str, title: str, value_label: str, date: dt.date | str, lang: str) -> bytes:
    """The same badge drawn with Pillow, ``PNG_SIZE`` pixels square, as PNG bytes."""
    s = PNG_SCALE
    image = Image.new("RGBA", (PNG_SIZE, PNG_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for shape in layout(name, title, value_label, date, lang)["shapes"]:
        if shape["kind"] == "rect":
            box = [shape["x"] * s, shape["y"] * s, (shape["x"] + shape["w"]) * s, (shape["y"] + shape["h"]) * s]
            outline = _rgb(shape["stroke"]) if shape.get("stroke") else None
            draw.rounded_rectangle(
                box,
                radius=shape["r"] * s,
                fill=_rgb(shape["fill"]),
                outline=outline,
                width=int(shape.get("stroke_width", 0) * s),
            )
        elif shape["kind"] == "circle":
            cx, cy, r = shape["cx"] * s, shape["cy"] * s, shape["r"] * s
            outline = _rgb(shape["stroke"]) if shape.get("stroke") else None
            draw.ellipse(
                [cx - r, cy - r, cx + r, cy + r],
                fill=_rgb(shape["fill"]),
                outline=outline,
                width=int(shape.get("stroke_width", 0) * s),
            )
        elif shape["kind"] == "polygon":
            draw.polygon([(x * s, y * s) for x, y in shape["points"]], fill=_rgb(shape["fill"]))
        elif shape["kind"] == "text":
            # "ms" anchors at the baseline's middle, as text-anchor="middle" does in the SVG.
            draw.text(
                (shape["x"] * s, shape["y"] * s),
                shape["text"],
                font=_font(shape["size"] * s, shape["bold"]),
                fill=_rgb(shape["fill"]),
                anchor="ms",
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def certificate_html(
    name: str, title: str, value_label: str, date: dt.date | str, lang: str, story: str = "", given_by: str = ""
) -> str:
    """A printable certificate (A4 or Letter) with the badge, from ``widgets/templates/certificate.html``."""
    texts = _texts()["certificate"]
    name, title, story, given_by = clean(name), clean(title), clean(story), clean(given_by)
    label, color = value_of(value_label, lang)
    pick = {key: content.text(value, lang) for key, value in texts.items()}
    return (
        _env(str(TEMPLATES))
        .get_template("certificate.html")
        .render(
            t=pick,
            page_title=pick["page_title"].format(name=name),
            value_line=pick["value_line"].format(value=label),
            lang=lang,
            name=name,
            title=title,
            story=story,
            given_by=given_by,
            date=format_date(date, lang),
            color=color,
            # The SVG escaped every participant text itself; it goes in as markup, once.
            badge=Markup(badge_svg(name, title, value_label, date, lang)),
        )
    )
