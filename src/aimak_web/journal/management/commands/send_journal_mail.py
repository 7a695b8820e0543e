"""``aimak-web send_journal_mail``: the week's digest to entitled subscribers and reminders of
subscriptions that end soon (run daily or weekly from cron)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "E-mail the digest (--digest) and subscription reminders (--reminders)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--digest", action="store_true")
        parser.add_argument("--reminders", action="store_true")
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--lang", default="ru", choices=["ru", "ky", "en"])
        parser.add_argument("--pdf", help="also write the practices' collection to this file")

    def handle(self, *args, digest: bool, reminders: bool, days: int, lang: str,
               pdf: str | None, **options) -> None:
        from aimak_web.journal import services

        end = timezone.now()
        if digest:
            self.stdout.write(f"digests sent: {services.send_digests(end, days, lang)}")
        if reminders:
            self.stdout.write(f"reminders sent: {services.send_reminders()}")
        if pdf:
            start = end - timezone.timedelta(days=days)
            Path(pdf).write_bytes(services.collection_pdf(
                services.published_between(start, end), start, end))
            self.stdout.write(f"collection written: {pdf}")
