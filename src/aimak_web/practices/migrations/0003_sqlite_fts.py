"""The SQLite full-text index of practices (FTS5); PostgreSQL searches the columns directly."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS practices_fts USING "
                          "fts5(title, body, tokenize='unicode61 remove_diacritics 0')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS practices_fts")


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_themes")]
    operations = [migrations.RunPython(create, drop)]
