"""QR codes drawn on the server as inline SVG: no script, no image request, sharp at any size and on paper."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg


def qr_svg(text: str, *, box_size: int = 8) -> str:
    """The QR code of `text` as an <svg> element, ready to put inside HTML."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode().split("?>", 1)[-1]  # drop the XML declaration: it goes inside HTML


def qr_data_uri(text: str) -> str:
    """The same drawing as a data: URI, for documents that take it as an image (the PDFs)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode()
