"""Sightings by indicator, then linkable, then report (was: indicator, report).

A linking pass looks up, for every indicator it meets, the earliest report that
holds it in a linking sighting; with ``linkable`` in the index that lookup reads
no sighting row. Every query by indicator still finds its rows by the prefix.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0010_binary_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='sighting',
            name='intel_sight_indicat_6c0127_idx',
        ),
        migrations.AddIndex(
            model_name='sighting',
            index=models.Index(fields=['indicator', 'linkable', 'report'], name='sighting_indicator_linkable'),
        ),
    ]
