"""The review queue's partial index is keyed by id, no longer by count.

A linking pass updates the counts of hundreds of thousands of indicators. With the
count in an index, PostgreSQL wrote each of those rows anew, with a new entry in
every index; without it, most updates stay on their page (heap-only updates). The
queue's few flagged rows are sorted by count as they are read.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0014_references_checked_by_the_application'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='indicator',
            name='indicator_review_queue',
        ),
        migrations.AddIndex(
            model_name='indicator',
            index=models.Index(condition=models.Q(('status', 'flagged')), fields=['id'], name='indicator_review_queue'),
        ),
    ]
