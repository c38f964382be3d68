"""Half of each PostgreSQL indicator page kept free, where 0009 kept 30%.

A linking pass updates the count and dates of nearly every indicator created
since the pass before, each once. A heap-only update needs room for the new
version on the row's own page, and the old version is not reclaimed before the
pass commits: with 30% free, about a third of a million-report import's updates
found no room, and each of those wrote a new entry in every index of the table,
the random token index among them. With half the page free, 95% of the updates
stay on their page and the passes' counting statements took 5.5 s of server time
instead of 8.0. Rows written before this keep their pages as they are.
"""

from django.db import migrations

FILLFACTOR = 50
BEFORE = 70


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE intel_indicator SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE intel_indicator SET (fillfactor = {BEFORE})")


class Migration(migrations.Migration):

    dependencies = [
        ("intel", "0017_campaign_member"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
