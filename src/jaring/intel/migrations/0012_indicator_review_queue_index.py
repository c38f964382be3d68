"""The indicators' (kind, status) index becomes a partial one of the review queue.

Nothing searched indicators by kind and status; the review queue lists the
flagged ones by count. Every new indicator went into the old index, and only the
flagged ones go into the new.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0011_sighting_index_with_linkable'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='indicator',
            name='intel_indic_kind_0c418f_idx',
        ),
        migrations.AddIndex(
            model_name='indicator',
            index=models.Index(condition=models.Q(('status', 'flagged')), fields=['-report_count'], name='indicator_review_queue'),
        ),
    ]
