"""Plans loaded before this migration carry a note that showed the plan's cache file name to
readers; they get the note without it (the file name stays in ``note_params``)."""

from django.db import migrations

OLD = "plan of the analysis «%(title)s» (%(file)s)"
NEW = "plan of the analysis «%(title)s»"


def forwards(apps, schema_editor):
    apps.get_model("territory", "ScenarioVersion").objects.filter(note=OLD).update(note=NEW)


def backwards(apps, schema_editor):
    apps.get_model("territory", "ScenarioVersion").objects.filter(note=NEW).update(note=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('territory', '0004_title_params'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
