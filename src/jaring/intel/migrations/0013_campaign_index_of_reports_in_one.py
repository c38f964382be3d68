"""The reports' (campaign, country) index holds only the reports in a campaign.

Every query of it names a campaign; about half the reports never join one, and
each of them went into the index when stored and came out again if it joined.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0012_indicator_review_queue_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='fraudreport',
            name='report_campaign_country',
        ),
        migrations.AddIndex(
            model_name='fraudreport',
            index=models.Index(condition=models.Q(('campaign__isnull', False)),
                               fields=['campaign', 'country'], name='report_campaign_country'),
        ),
    ]
