"""The jurors' copies of evidence files: rewritten so that nothing in them names the applicant.

* PDF: rewritten by pikepdf without the document information (Title, Author, ...), XMP
  metadata, annotations, bookmarks, attachments, forms and scripts. A page whose text layer
  (read by pdfium) names a place, an official, a phone or an e-mail is rendered to an image
  with those words blacked out, so the names leave both the picture and the text; other pages
  keep their text.
* JPEG and PNG: decoded and encoded again from the pixels alone (no EXIF, GPS, comments or
  text chunks), turned upright first.
* Office files are refused at upload (no converter is installed on the platform): the form
  asks for a PDF.

The original stays untouched for the organisers. Names visible only in a picture (a scanned
signature, a sign on a photo) are not recognised: no text layer tells where they are.
"""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps

from .models import extension

#: render scale of a redacted PDF page (2 = 144 dpi)
SCALE = 2.0
#: the smallest side (points) of a square drawing blacked out with the names (2 cm ~ 57 pt)
BADGE_MIN = 30
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class SanitiseError(ValueError):
    """A file that cannot be rewritten (damaged or not what its name says)."""


def sanitise(data: bytes, ext: str, anonymiser) -> bytes:
    """The jurors' copy of a file's ``data`` (``ext``: pdf, jpg or png)."""
    try:
        if ext == "pdf":
            return _pdf(data, anonymiser)
        if ext in ("jpg", "png"):
            return _image(data, ext)
    except SanitiseError:
        raise
    except Exception as e:  # a damaged file: pikepdf, pdfium and Pillow raise their own errors
        raise SanitiseError(str(e)) from e
    raise SanitiseError(f"unsupported file type {ext!r}")


def _image(data: bytes, ext: str) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        img = ImageOps.exif_transpose(img)
        mode = "RGB" if ext == "jpg" else ("RGBA" if "A" in img.getbands() else "RGB")
        img = img.convert(mode)
        bare = Image.frombytes(img.mode, img.size, img.tobytes())  # pixels only
    out = io.BytesIO()
    if ext == "jpg":
        bare.save(out, "JPEG", quality=90)
    else:
        bare.save(out, "PNG", optimize=True)
    return out.getvalue()


def _redactions(data: bytes, anonymiser) -> dict[int, list[tuple[float, float, float, float]]]:
    """Page index -> rectangles (PDF points) of the words to black out."""
    doc = pypdfium2.PdfDocument(data)
    out: dict[int, list] = {}
    try:
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage()
            content = text.get_text_range()
            for m in anonymiser.find(content):
                n = text.count_rects(m.start, m.end - m.start)
                rects = [text.get_rect(j) for j in range(n)]
                out.setdefault(i, []).extend(rects or [(0, 0, *page.get_size())])
            if i in out:
                out[i] += _badges(page)
            # a page whose text cannot be mapped to its characters is redacted whole
            if len(content) != text.count_chars() and anonymiser.find(content):
                out[i] = [(0, 0, *page.get_size())]
    finally:
        doc.close()
    return out


def _badges(page) -> list[tuple[float, float, float, float]]:
    """Square drawings and pictures of a page that names the applicant: a QR code (the
    platform's notices carry one to the hearing's page), a stamp, a logo."""
    width, _height = page.get_size()
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH,
                                        pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        x0, y0, x1, y1 = obj.get_bounds()
        w, h = x1 - x0, y1 - y0
        if min(w, h) >= BADGE_MIN and max(w, h) <= 0.6 * width and 0.8 <= w / h <= 1.25:
            out.append((x0, y0, x1, y1))
    return out


def _rendered(data: bytes, index: int, rects) -> bytes:
    """Page ``index`` as a one-page image PDF with ``rects`` blacked out."""
    doc = pypdfium2.PdfDocument(data)
    try:
        page = doc[index]
        _width, height = page.get_size()
        image = page.render(scale=SCALE, rotation=0).to_pil().convert("RGB")
        left, bottom = page.get_cropbox()[:2]
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in rects:
            draw.rectangle([(x0 - left) * SCALE - 2, (height - (y1 - bottom)) * SCALE - 2,
                            (x1 - left) * SCALE + 2, (height - (y0 - bottom)) * SCALE + 2],
                           fill="black")
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72 * SCALE)
    return out.getvalue()


def _pdf(data: bytes, anonymiser) -> bytes:
    redact = _redactions(data, anonymiser)
    with pikepdf.open(io.BytesIO(data)) as src:
        for i, p in enumerate(src.pages):  # a turned page: its boxes would miss, black it all
            if i in redact and int(p.obj.get("/Rotate", 0)) % 360:
                redact[i] = [(-1e5, -1e5, 1e5, 1e5)]
        out = pikepdf.new()
        images = []
        for i, page in enumerate(src.pages):
            if i in redact:
                one = pikepdf.open(io.BytesIO(_rendered(data, i, redact[i])))
                images.append(one)
                out.pages.append(one.pages[0])
            else:
                out.pages.append(page)
        for page in out.pages:
            for key in ("/Annots", "/Metadata", "/PieceInfo", "/AA"):
                if key in page.obj:
                    del page.obj[key]
        for key in ("/Metadata", "/Outlines", "/Names", "/OpenAction", "/AcroForm", "/AA",
                    "/PageLabels", "/StructTreeRoot", "/MarkInfo"):
            if key in out.Root:
                del out.Root[key]
        if "/Info" in out.trailer:
            del out.trailer["/Info"]
        buf = io.BytesIO()
        out.save(buf, fix_metadata_version=False, deterministic_id=True)
        for one in images:
            one.close()
    return buf.getvalue()


def juror_copy(evidence, anonymiser) -> tuple[bytes, str, str]:
    """(content, extension, content type) of the jurors' copy of ``evidence``, made once and
    kept beside the original."""
    ext = extension(evidence.original_name)
    if not evidence.juror_file:
        prepare(evidence, anonymiser)
    with evidence.juror_file.open("rb") as fh:
        return fh.read(), ext, CONTENT_TYPES[ext]


def prepare(evidence, anonymiser) -> None:
    """Write the jurors' copy of ``evidence`` (``SanitiseError`` names the file when it cannot
    be rewritten)."""
    ext = extension(evidence.original_name)
    with evidence.file.open("rb") as fh:
        data = fh.read()
    try:
        clean = sanitise(data, ext, anonymiser)
    except SanitiseError as e:
        raise SanitiseError(_("The file “%(name)s” cannot be prepared for the jury (%(why)s): "
                              "upload it again as a readable PDF, JPG or PNG.")
                            % {"name": evidence.original_name, "why": e}) from e
    evidence.juror_file.save(f"juror-{evidence.pk}.{ext}", ContentFile(clean), save=True)
