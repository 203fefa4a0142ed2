"""QR codes as inline SVG (no image library, prints sharply, works offline)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def svg(data: str, *, box_size: int = 10) -> str:
    """An SVG document encoding ``data``, black on white, with the standard quiet zone."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=box_size,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    text = image.to_string(encoding="unicode")
    return text if isinstance(text, str) else text.decode("utf-8")
