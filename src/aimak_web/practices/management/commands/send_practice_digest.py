"""``aimak-web send_practice_digest``: send the digest of newly published practices (cron)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "E-mail the digest of practices published in the last days; optionally write the PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--pdf", help="also write the whole collection to this PDF file")
        parser.add_argument("--lang", default="ru", choices=["ru", "ky", "en"])

    def handle(self, *args, days: int, pdf: str | None, lang: str, **options) -> None:
        from aimak_web.practices.digest import collection_pdf, published_between, send_digests

        end = timezone.now()
        n = send_digests(end, days, lang)
        self.stdout.write(f"digests sent: {n}")
        if pdf:
            start = end - timezone.timedelta(days=days)
            Path(pdf).write_bytes(collection_pdf(published_between(start, end), start, end))
            self.stdout.write(f"collection written: {pdf}")
