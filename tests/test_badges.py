"""Good-catch badges and certificates: valid, escaped, readable, and the same in SVG and PNG."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from widgets import content
from widgets.web import badges

HOSTILE = ["<script>alert(1)</script>", "&amp;", 'Zoë "O\'Neil" & <b>co</b>', "]]><!--"]
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(svg)
    return root, [el.text or "" for el in root.iter(f"{SVG}text")]


def test_badge_content_validates_and_every_value_has_both_languages():
    assert content.validate_file(badges.BADGES / "badges.yaml") == []
    for item in content.load_file(badges.BADGES / "badges.yaml")["values"]:
        assert badges.value_of(item["id"], "fr")[0] == item["label"]["fr"]


@pytest.mark.parametrize("name", HOSTILE)
def test_svg_parses_and_shows_hostile_names_as_text(name):
    svg = badges.badge_svg(name, f"Story {name}", "listening", "2024-10-07", "en")
    root, texts = svg_texts(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert "<script" not in svg and root.find(f".//{SVG}script") is None
    # The name comes back exactly as typed, as text: escaped once, not twice, not dropped.
    assert " ".join(texts).replace("…", "").startswith("SERVICE SHOUT-OUT " + " ".join(name.split())[:8])
    title = root.find(f"{SVG}title").text
    assert name in title and "7 October 2024" in title


def test_svg_is_accessible_and_in_the_right_language():
    root, texts = svg_texts(badges.badge_svg("Amélie", "Rappel le soir même", "right-first-time", "2024-10-07", "fr"))
    assert root.get("lang") == "fr" and root.get("aria-labelledby") == "badge-title badge-desc"
    assert (
        "BEAU GESTE DE SERVICE" in texts  # France's words; Québec's "bon coup" below
        and "Amélie" in texts
        and "Du premier coup" in texts
        and "7 octobre 2024" in texts
    )
    assert "«\u202fRappel le soir même\u202f»" in texts
    _, quebec = svg_texts(badges.badge_svg("Amélie", "Rappel", "right-first-time", "2024-10-07", "fr-CA"))
    assert "BON COUP DE SERVICE" in quebec


def test_control_characters_and_bidi_overrides_are_dropped():
    root, texts = svg_texts(badges.badge_svg("Ana\x00\u202eBel\x1b", "t\x07", "empathy", "2024-10-07", "en"))
    assert "AnaBel" in texts and root.find(f"{SVG}title").text.startswith("“Service shout-out” badge awarded to AnaBel")


def test_long_names_and_titles_are_wrapped_then_shortened_within_the_badge():
    name = "Marie-Françoise Tremblay-Desjardins de la Roche-Beaumont " * 3
    title = "Une histoire de service " * 30
    root, texts = svg_texts(
        badges.badge_svg(name, title, "a custom value with a very long label indeed", "2024-10-07", "fr")
    )
    for shape in badges.layout(name, title, "x" * 200, "2024-10-07", "fr")["shapes"]:
        if shape["kind"] == "text":
            assert badges._width(shape["text"], shape["size"], shape["bold"]) <= badges.TEXT_WIDTH
            assert 0 < shape["y"] < badges.SIZE - 20
    assert any(t.endswith("…") for t in texts)
    assert len(texts) <= 10


def test_wrap_never_returns_a_line_too_wide():
    for text in ["a" * 400, "mot " * 100, "", "Ωmega 😀 ÉÈ"]:
        for line in badges.wrap(text, 30, max_lines=3):
            assert badges._width(line, 30) <= badges.TEXT_WIDTH


def test_png_opens_with_pillow_at_the_expected_size():
    data = badges.badge_png("<script>alert(1)</script>", "&amp; a title", "empathy", "2024-10-07", "fr")
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.size == (badges.PNG_SIZE, badges.PNG_SIZE) == (1200, 1200)
    # The design is drawn: the value's colour fills the emblem at the top centre.
    assert image.convert("RGB").getpixel((600, 224 - 100)) != image.convert("RGB").getpixel((600, 20))


def test_png_is_the_same_for_the_same_input():
    args = ("Ana", "Stayed late", "empathy", "2024-10-07", "en")
    assert badges.badge_png(*args) == badges.badge_png(*args)


def test_dates_are_written_per_language_from_the_locales():
    assert badges.format_date("2024-12-01", "fr") == "1er décembre 2024"
    assert badges.format_date("2024-12-02", "fr-CA") == "2 décembre 2024"
    assert badges.format_date("2024-12-01T10:00:00", "en") == "1 December 2024"
    for lang in ("fr", "en"):
        strings = json.loads(
            (badges.Path(badges.__file__).parent / "locales" / f"badges.{lang}.json").read_text("utf-8")
        )
        other = json.loads(
            (
                badges.Path(badges.__file__).parent / "locales" / f"badges.{'en' if lang == 'fr' else 'fr'}.json"
            ).read_text("utf-8")
        )
        assert set(strings) == set(other)


def test_certificate_escapes_participant_text_and_embeds_the_badge():
    html = badges.certificate_html(
        "<script>alert(1)</script>",
        "Tom & <i>Jerry</i>",
        "listening",
        "2024-10-07",
        "en",
        story="Line one\n<img src=x onerror=alert(1)>",
        given_by="<b>Sam</b>",
    )
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b>Sam</b>" not in html and "<i>Jerry</i>" not in html
    assert html.count("<svg") == 1 and "&amp;lt;" not in html  # the badge is embedded once, escaped once
    assert 'lang="en"' in html and "Certificate of recognition" in html and "@page" in html
    assert "brought the value “Listening” to life" in html


def test_certificate_in_french():
    html = badges.certificate_html("Amélie", "Rappel le soir même", "honesty", "2024-10-07", "fr")
    assert "Certificat de reconnaissance" in html and "«\u00a0Honnêteté\u00a0»" in html and "7 octobre 2024" in html
