"""A report's campaign moves from the report row to a narrow table of its own.

Decision 53: linking moves hundreds of thousands of reports in a bulk import, and
each move rewrote a wide report row and its indexes. Every report in a campaign
gets a ``CampaignMember`` row with its campaign and a copy of its country, date
reported and scam type; the report loses its campaign column, the index on it,
and the campaign column of the MERL index.
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = (
    "INSERT INTO intel_campaignmember (report_id, campaign_id, country_id, reported_on, "
    "scam_type_id) SELECT id, campaign_id, country_id, reported_on, scam_type_id "
    "FROM intel_fraudreport WHERE campaign_id IS NOT NULL"
)
COPY_BACK = (
    "UPDATE intel_fraudreport SET campaign_id = (SELECT m.campaign_id FROM "
    "intel_campaignmember m WHERE m.report_id = intel_fraudreport.id)"
)


class Migration(migrations.Migration):

    dependencies = [
        ('intel', '0016_alert_indexes_covered'),
        ('reference', '0003_rates_taxonomy_code_lists'),
    ]

    operations = [
        migrations.CreateModel(
            name='CampaignMember',
            fields=[
                ('report', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='membership', serialize=False, to='intel.fraudreport')),
                ('campaign', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='members', to='intel.campaign')),
                ('country', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country')),
                ('reported_on', models.DateField()),
                ('scam_type', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.scamtype')),
            ],
        ),
        migrations.RunSQL(COPY, COPY_BACK, elidable=False),
        migrations.AddIndex(
            model_name='campaignmember',
            index=models.Index(fields=['campaign', 'country', 'reported_on', 'scam_type'], name='member_campaign_country'),
        ),
        migrations.RemoveIndex(
            model_name='fraudreport',
            name='report_merl_cube',
        ),
        migrations.RemoveIndex(
            model_name='fraudreport',
            name='report_campaign_country',
        ),
        migrations.RemoveField(
            model_name='fraudreport',
            name='campaign',
        ),
        migrations.AddIndex(
            model_name='fraudreport',
            index=models.Index(fields=['country', 'reported_on', 'scam_type', 'victim_sex', 'victim_age_group', 'loss_usd'], name='report_merl_cube'),
        ),
    ]
