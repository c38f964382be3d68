from django.db import migrations

from jaring.reference.seed import load_all


def forwards(apps, schema_editor):
    # Loads every shipped file (currencies again too: 0003 adds non-ASEAN ones).
    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_member_states")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
