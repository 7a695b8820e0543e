"""Evidence files for the contest's tests (synthetic, made here): a PDF with a text layer and
document information, a JPEG with EXIF GPS and camera fields."""

from __future__ import annotations

import html
import io


def pdf_with_metadata(body: str, title: str = "", author: str = "") -> bytes:
    """A one-page PDF (WeasyPrint) whose text layer says ``body`` and whose document
    information carries ``title`` and ``author``."""
    import weasyprint

    doc = (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
           f"<meta name='author' content='{html.escape(author)}'></head>"
           f"<body><p>{html.escape(body)}</p></body></html>")
    return weasyprint.HTML(string=doc).write_pdf()


def jpeg_with_gps(owner: str = "") -> bytes:
    """A small JPEG whose EXIF has GPS coordinates (Bishkek), a camera owner and a comment."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Test camera"  # Make
    exif[0xA430] = owner  # CameraOwnerName
    exif[0x010E] = owner  # ImageDescription
    gps = {1: "N", 2: (42.0, 52.0, 0.0), 3: "E", 4: (74.0, 36.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), comment=owner.encode())
    return out.getvalue()
