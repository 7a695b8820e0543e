"""The five themes of the portal and their sub-themes (see ``aimak_web.practices.themes``)."""

from django.db import migrations

from aimak_web.practices.themes import THEMES, ensure_themes


def load(apps, schema_editor):
    ensure_themes(apps.get_model("practices", "Theme"), apps.get_model("practices", "SubTheme"))


def unload(apps, schema_editor):
    apps.get_model("practices", "Theme").objects.filter(
        code__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
