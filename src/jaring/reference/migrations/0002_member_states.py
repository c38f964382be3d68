from django.db import migrations

from jaring.reference.seed import load_countries


def forwards(apps, schema_editor):
    load_countries(apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
