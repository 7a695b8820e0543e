"""Upload bombs (finding 5): spreadsheets are measured before they are parsed (unpacked size,
rows and cells, streamed read-only), images by their pixels before they are decoded; each is
refused with the reason in the reader's language, and nothing is stored."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook


def huge_png(side: int) -> bytes:
    """A valid black-and-white PNG of ``side``² pixels, a few kB on disk (a decompression
    bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0,
                                                                0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def _residents_xlsx(rows: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["name", "phone", "village"])
    for i in range(rows):
        ws.append([f"Житель {i}", f"+99655{i:07d}", "Жаны-Жол-1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload_residents(client, users, data: bytes, name="list.xlsx"):
    client.force_login(users["municipal_staff"])
    with override("ky"):  # the Kyrgyz page
        url = reverse("accounts:residents")
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_residents_xlsx_with_too_many_rows_is_refused_before_parsing(client, users, settings):
    from aimak_web.accounts.models import ResidentEntry

    settings.AIMAK_UPLOAD_MAX_ROWS = 1000
    r = _upload_residents(client, users, _residents_xlsx(1500))
    assert r.status_code == 200
    text = r.content.decode()
    assert "1000" in text and "сап" in text  # said in Kyrgyz: at most 1000 rows
    assert ResidentEntry.objects.count() == 0


@pytest.mark.django_db
def test_residents_xlsx_that_unpacks_too_large_is_refused(client, users, settings):
    from aimak_web.accounts.models import ResidentEntry

    settings.AIMAK_UPLOAD_MAX_UNPACKED = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(_residents_zip_base(), "r") as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/padding.xml", " " * (3 * 1024 * 1024))  # 3 MB of nothing, a few kB
    r = _upload_residents(client, users, out.getvalue())
    assert "ачылганда" in r.content.decode()  # the unpacked limit, in Kyrgyz
    assert ResidentEntry.objects.count() == 0


def _residents_zip_base():
    return io.BytesIO(_residents_xlsx(2))


@pytest.mark.django_db
def test_residents_csv_with_too_many_rows_is_refused(client, users, settings):
    settings.AIMAK_UPLOAD_MAX_ROWS = 100
    text = "name,phone,village\n" + "".join(f"A{i},+99655{i:07d},Жаны-Жол-1\n"
                                            for i in range(150))
    r = _upload_residents(client, users, text.encode(), name="list.csv")
    assert "100" in r.content.decode() and "сап" in r.content.decode()


@pytest.fixture
def practice_ctx(users, places):
    from .perm_practices import make_practice

    return make_practice(users["citizen"], munis=[places["a"]])


@pytest.mark.django_db
@pytest.mark.parametrize("side", [20_000, 12_000])
def test_a_decompression_bomb_photo_is_refused_with_a_reason(client, users, practice_ctx, side):
    from aimak_web.practices.models import Attachment

    client.force_login(users["citizen"])
    r = client.post(reverse("practices:attach", args=[practice_ctx.pk]),
                    {"file": SimpleUploadedFile("photo.png", huge_png(side), "image/png")},
                    HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    assert r.status_code == 200
    assert "пиксел" in r.content.decode()  # "the image has too many pixels", in Russian
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_as_contest_evidence(users):
    from aimak_web.contests.forms import EvidenceForm

    form = EvidenceForm(data={"description": "фото"}, files={
        "file": SimpleUploadedFile("photo.png", huge_png(20_000), "image/png")})
    assert not form.is_valid()
    assert "пиксел" in " ".join(form.errors["file"])
