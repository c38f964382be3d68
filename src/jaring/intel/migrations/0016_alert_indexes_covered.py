"""An alert's campaign and country are no longer indexed alone.

The dedup constraint (campaign, country, day) and the feed's index (country,
sequence) serve those lookups. A linking pass raises or updates alerts by the
hundred thousand, each update with a new sequence number, so a new entry in every
index of the table: two indexes fewer (three on PostgreSQL, which also had a
pattern index on the country code) are that many entries fewer per alert.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0015_review_queue_keyed_by_id'),
        ('reference', '0003_rates_taxonomy_code_lists'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='campaign',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='intel.campaign'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='country',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country'),
        ),
    ]
