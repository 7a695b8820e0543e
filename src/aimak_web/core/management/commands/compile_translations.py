"""``aimak-web compile_translations``: compile the platform's .po catalogs to .mo with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``; polib (already a dependency of
the core) does the same in Python, so a fresh machine needs no system package for it.
"""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po catalog of the platform to .mo (polib; no msgfmt needed)."

    def handle(self, *args, **options):
        n = 0
        roots = [*settings.LOCALE_PATHS,
                 *(Path(a.path) / "locale" for a in apps.get_app_configs()
                   if a.name.startswith("aimak_web"))]
        for root in roots:
            for po_path in Path(root).glob("*/LC_MESSAGES/*.po"):
                po = polib.pofile(str(po_path), encoding="utf-8")
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                n += 1
        self.stdout.write(f"compiled {n} catalogs")
