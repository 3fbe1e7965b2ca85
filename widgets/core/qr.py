"""QR codes of join addresses, as SVG drawn on the server (no network, no image library)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def svg(url: str) -> str:
    """An SVG QR code for ``url``, black on white with a quiet zone, scalable to a projector."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8")
