"""The facts the paperwork needs beyond the day's: the organisation's legal ones and the programme's fields.

A certificat de réalisation (the public model) names the training organisation's
declaration number and SIRET, the nature of the action, and carries the signature
and stamp of its representative; a programme states prerequisites, audience,
objectives, methods, assessment, accessibility, access lead time and price
(Code du travail L.6353-1, Qualiopi indicator 1). The trainer enters them once per
session (``state["data"]["paperwork"]``); the programme's fields start from
``datasets/day/programme.yaml``.

>>> siret_ok("73282932000074"), siret_ok("73282932000075")
(True, False)
"""

from __future__ import annotations

import base64
import binascii
import re

from widgets import content
from widgets.core.errors import Forbidden, Invalid
from widgets.web.export import register_action

TEXT_MAX = 600
STAMP_MAX = 300_000  # bytes of image: a scanned stamp and signature, not a photo album
#: What each image kind's file starts with: the stamp is drawn from its bytes only, never from a URL.
IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_DECLARATION = re.compile(r"^\d{11}$")  # "numéro de déclaration d'activité": 11 digits


def siret_ok(value: str) -> bool:
    """A SIRET is 14 digits passing the Luhn check."""
    if not re.fullmatch(r"\d{14}", value):
        return False
    total = 0
    for n, digit in enumerate(reversed(value)):
        d = int(digit) * (2 if n % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def programme_fields(data: dict, lang: str) -> list[dict]:
    """The programme's fields in order, each ``{key, label, text}``: the trainer's text, else the default."""
    doc = content.load("day/programme")
    entered = (data.get("paperwork") or {}).get("programme") or {}
    return [
        {
            "key": key,
            "label": content.text(spec["label"], lang),
            "text": entered.get(key) or content.text(spec["default"], lang),
        }
        for key, spec in doc["fields"].items()
    ]


def nature_label(data: dict, lang: str) -> str:
    natures = content.load("day/programme")["natures"]
    return content.text(natures[facts(data).get("nature") or "formation"], lang)


def facts(data: dict) -> dict:
    return dict(data.get("paperwork") or {})


def _text(value, field: str) -> str:
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        raise Invalid("day.error_paperwork_text", field=field, max=TEXT_MAX)
    return " ".join(value.split())


def _stamp(value: str) -> str:
    """A data URL of a PNG or JPEG, re-encoded from its decoded bytes so nothing else rides along."""
    match = re.fullmatch(r"data:(image/png|image/jpeg);base64,([A-Za-z0-9+/=\s]+)", value or "")
    if not match:
        raise Invalid("day.error_stamp")
    try:
        raw = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError):
        raise Invalid("day.error_stamp") from None
    if len(raw) > STAMP_MAX or not raw.startswith(IMAGE_MAGIC[match.group(1)]):
        raise Invalid("day.error_stamp")
    return f"data:{match.group(1)};base64,{base64.b64encode(raw).decode()}"


def save(engine, trainer, code: str, body: dict) -> dict:
    """Set some of the facts (the others stay): declaration, siret, nature, signatory, stamp, programme fields."""
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    data = session["state"].get("data", {})
    out = facts(data)
    if "declaration" in body:
        value = "".join(_text(body["declaration"], "declaration").split())
        if value and not _DECLARATION.match(value):
            raise Invalid("day.error_declaration")
        out["declaration"] = value
    if "siret" in body:
        value = "".join(_text(body["siret"], "siret").split())
        if value and not siret_ok(value):
            raise Invalid("day.error_siret")
        out["siret"] = value
    if "nature" in body:
        if body["nature"] not in content.load("day/programme")["natures"]:
            raise Invalid("core.error_invalid", field="nature")
        out["nature"] = body["nature"]
    for field in ("signatory", "address"):
        if field in body:
            out[field] = _text(body[field], field)
    if "stamp" in body:
        out["stamp"] = _stamp(body["stamp"]) if body["stamp"] else ""
    if "programme" in body:
        fields = content.load("day/programme")["fields"]
        given = body["programme"]
        if not isinstance(given, dict) or set(given) - set(fields):
            raise Invalid("core.error_invalid", field="programme")
        programme = dict(out.get("programme") or {})
        programme.update({key: _text(value, key) for key, value in given.items()})
        out["programme"] = programme
    engine.set_data(trainer, code, "paperwork", out, public=False)
    return {k: v for k, v in out.items() if k != "stamp"} | {"stamp": bool(out.get("stamp"))}


@register_action("paperwork")
def _paperwork_action(engine, trainer, code, body):
    return save(engine, trainer, code, body)
