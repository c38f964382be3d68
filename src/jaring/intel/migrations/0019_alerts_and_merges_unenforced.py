"""What a linking pass writes by the hundred thousand goes unenforced (decision 52).

An alert's campaign and country, and an absorbed campaign's ``merged_into``:
PostgreSQL checked each with a query of its own at commit, and a million-report
import raises or refreshes about 300,000 alerts. ``jaring db check`` and every
test check these references instead.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0018_indicator_half_pages'),
        ('reference', '0003_rates_taxonomy_code_lists'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='campaign',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='intel.campaign'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='country',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='intel.campaign'),
        ),
    ]
