"""Room on PostgreSQL's indicator pages for updated rows.

A linking pass updates the count and dates of every indicator its reports hold.
PostgreSQL writes an updated row as a new version; with the page full, that
version goes to another page and every index of the table (the token index
among them, random by nature) gets a new entry. With free space on the page and
no indexed column changed, the update stays on the page and no index is touched
("HOT" updates). SQLite updates rows in place and needs nothing of this.
"""

from django.db import migrations

FILLFACTOR = 70


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE intel_indicator SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE intel_indicator RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("intel", "0008_report_index_in_merl_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
