"""Fraud reports, their normalised indicators, campaigns and alerts.

Matching works on ``Indicator.token``, an HMAC of the kind and canonical value
under a key only the platform holds. The canonical value itself is stored only
once some report shares it at a level that allows it (see ``sharing``); values
seen only in RED or AMBER+STRICT reports stay encrypted in their sightings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jaring.intel.sharing import TLP


class Campaign(models.Model):
    """Reports linked through shared indicators: one connected component.

    A campaign's identity is its anchor, the lowest report id in the component,
    so incremental linking and a full rebuild name the same campaigns.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged into another campaign"
        DISSOLVED = "dissolved", "Dissolved (links removed)"

    anchor_report_id = models.BigIntegerField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # Set on every campaign a linking pass absorbs: unenforced (decision 52).
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_constraint=False,
    )
    report_count = models.PositiveIntegerField(default=0)
    countries = models.CharField(max_length=40, blank=True, help_text="Comma-separated ISO codes")
    total_loss_usd = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "updated_at"]),
                   # The cross-border test of the MERL indicators (active, two or more
                   # countries) read from the index, not the campaign rows.
                   models.Index(fields=["status", "first_seen", "countries"],
                                name="campaign_cross_border")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"C-{self.anchor_report_id:06d}"

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]

    @property
    def is_cross_border(self) -> bool:
        return len(self.country_list) > 1

    def policy_country(self) -> str | None:
        # A campaign belongs to no single country; access is decided per report.
        return None


# Every index is paid for on each of a million imported rows, so reports and sightings
# keep only the indexes their queries use: a foreign key that no page filters on alone
# (a currency, a channel, the user who imported it) or that a composite index already
# leads with goes without one (``db_index=False``). Deleting a referenced row then
# scans, which for reference data and user accounts is rare and acceptable.
#
# The references written for every imported report (here, in sightings and in the
# linking queue) are not constraints in the database either (``db_constraint=False``,
# decision 52): PostgreSQL checked each one with a query of its own at commit, a
# third of its work in a bulk import. The code that writes them takes them from rows
# it has just read or written; ``jaring db check`` and every test verify them.
class FraudReport(models.Model):
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="fraud_reports",
        db_index=False, db_constraint=False,
    )
    reference = models.CharField(max_length=100, help_text="The organisation's own reference")
    reported_on = models.DateField()
    incident_on = models.DateField(null=True, blank=True)
    scam_type = models.ForeignKey("reference.ScamType", on_delete=models.PROTECT, related_name="+",
                                  db_index=False, db_constraint=False)
    channel = models.ForeignKey(
        "reference.ContactChannel", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False, db_constraint=False,
    )
    loss_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    loss_currency = models.ForeignKey(
        "reference.Currency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False, db_constraint=False,
    )
    loss_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    victim_age_group = models.CharField(max_length=20, blank=True)
    victim_sex = models.CharField(max_length=10, blank=True)
    victim_nationality = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False, db_constraint=False,
    )
    victim_residence = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False, db_constraint=False,
    )
    # Personal data: encrypted with the reporting country's data key, never shared.
    victim_name = models.TextField(blank=True, default="")
    victim_contact = models.TextField(blank=True, default="")
    narrative = models.TextField(blank=True, default="")
    tlp = models.CharField(max_length=12, choices=TLP.choices, default=TLP.AMBER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False, db_constraint=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="report_reference_unique_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(loss_amount__isnull=True) | models.Q(loss_amount__gte=0),
                name="report_loss_not_negative",
            ),
        ]
        indexes = [
            # No index of (country, date reported) alone: the MERL index below starts
            # with those columns and serves the same lookups, one index fewer for
            # every stored report to update.
            # Every column the MERL report indicators read (merl.computed._report_cube),
            # so their scan of a million reports never reads the wide rows
            # (docs/decisions/0050-merl-indicators-from-indexes-not-summaries.md).
            models.Index(fields=["country", "reported_on", "scam_type", "victim_sex",
                                 "victim_age_group", "loss_usd"],
                         name="report_merl_cube"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.reference}"

    # The campaign lives in CampaignMember; these read it through ``membership``,
    # which the report lists fetch along (``select_related("membership__campaign")``).
    @property
    def _member(self) -> CampaignMember | None:
        try:
            return self.membership
        except CampaignMember.DoesNotExist:
            return None

    @property
    def campaign(self) -> Campaign | None:
        member = self._member
        return member.campaign if member is not None else None

    @property
    def campaign_id(self) -> int | None:
        member = self._member
        return member.campaign_id if member is not None else None


class CampaignMember(models.Model):
    """A report's place in a campaign: one row for each report that is in one.

    Apart from the report row (decision 53): a bulk import's linking passes move
    hundreds of thousands of reports into campaigns and between them, and moving
    this narrow row costs a fraction of rewriting a wide report and its indexes.
    The report's country, date reported and scam type are copied here (``ingest``
    keeps them in step), so a campaign's countries, the visibility of
    AMBER reports and the MERL cross-border counts read this table's index alone.
    """

    report = models.OneToOneField(FraudReport, on_delete=models.CASCADE, primary_key=True,
                                  related_name="membership", db_constraint=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members",
                                 db_index=False, db_constraint=False)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    reported_on = models.DateField()
    scam_type = models.ForeignKey("reference.ScamType", on_delete=models.PROTECT,
                                  related_name="+", db_index=False, db_constraint=False)

    class Meta:
        indexes = [
            # One index for every reader: a campaign's reports (merges, splits,
            # figures), its countries (visibility, alerts), and the MERL
            # cross-border counts by country, date and scam type.
            models.Index(fields=["campaign", "country", "reported_on", "scam_type"],
                         name="member_campaign_country"),
        ]

    def __str__(self) -> str:
        return f"report {self.report_id} in campaign {self.campaign_id}"


class Indicator(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active: links reports"
        FLAGGED = "flagged", "Over the fan-out cap: awaiting analyst review"
        APPROVED = "approved", "Reviewed: links despite its fan-out"
        WARNINGLISTED = "warninglisted", "On the warninglist: never links"

    kind = models.CharField(max_length=20)
    token = models.BinaryField(max_length=16, unique=True)
    # The canonical value, or empty while every sighting is RED / AMBER+STRICT.
    value = models.CharField(max_length=600, blank=True, default="")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ACTIVE)
    report_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # The review queue: the flagged few, sorted by count as they are read.
            # Partial: a bulk import inserts a million active indicators and updates
            # their counts pass after pass, and none of that touches this index.
            # Keyed by id, not by count, so that PostgreSQL can update a count in
            # place (a heap-only update, with room left by the fillfactor): a
            # change to an indexed column writes a new entry in every index.
            models.Index(fields=["id"], condition=Q(status="flagged"),
                         name="indicator_review_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value or bytes(self.token).hex()[:12]}"

    @property
    def links(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.APPROVED)


class Sighting(models.Model):
    """One indicator in one report, in a role such as caller or payee account."""

    # Indexed through the unique constraint and the composite index below.
    report = models.ForeignKey(FraudReport, on_delete=models.CASCADE, related_name="sightings",
                               db_index=False, db_constraint=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="sightings",
                                  db_index=False, db_constraint=False)
    role = models.CharField(max_length=30)
    # The value as normalised, encrypted with the reporting country's key, so the
    # reporting country can always read it back even when it is never stored raw.
    value_enc = models.TextField()
    linkable = models.BooleanField(
        default=True, help_text="False once an analyst marks this link as wrong"
    )
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False,
    )
    unlinked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator", "role"], name="sighting_unique"
            ),
        ]
        indexes = [
            # With ``linkable`` in the key, finding an indicator's earliest linking
            # report (each linking pass does it for every indicator it meets) reads
            # the index alone, not a sighting row per candidate.
            models.Index(fields=["indicator", "linkable", "report"],
                         name="sighting_indicator_linkable"),
        ]

    def __str__(self) -> str:
        return f"{self.role} in report {self.report_id}"

    def policy_country(self) -> str:
        return self.report.country_id


class WarninglistEntry(models.Model):
    """A value that must never link reports: an official hotline, a placeholder."""

    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=600)
    token = models.BinaryField(max_length=16, unique=True)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name_plural = "warninglist entries"

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Alert(models.Model):
    """Tells one member state that a campaign it is part of now spans borders.

    One row per campaign, country and day; later news on the same day updates it
    and bumps ``sequence``, which is what the polling feed resumes from.
    """

    class State(models.TextChoices):
        NEW = "new", "New"
        READ = "read", "Read"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTIONED = "actioned", "Actioned"

    # Not indexed alone: the dedup constraint starts with the campaign, the feed's
    # index with the country, and every alert a linking pass raises or updates (a
    # new sequence, so a new entry in each index) would write two entries more.
    # Unenforced (decision 52): a pass raises alerts by the hundred thousand.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="alerts",
                                 db_index=False, db_constraint=False)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    day = models.DateField()
    sequence = models.BigIntegerField(unique=True)
    state = models.CharField(max_length=14, choices=State.choices, default=State.NEW)
    report_count = models.PositiveIntegerField(default=0)
    countries = models.CharField(max_length=40)
    total_loss_usd = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country", "day"], name="alert_dedup"),
        ]
        indexes = [models.Index(fields=["country", "sequence"])]

    def __str__(self) -> str:
        return f"alert {self.campaign.code} → {self.country_id} {self.day}"


class ImportJob(models.Model):
    """One bulk import: where it is, so a killed run resumes instead of starting over."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    source_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=300)
    format = models.CharField(max_length=10)
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    rows_done = models.BigIntegerField(default=0, help_text="Rows committed, accepted or rejected")
    accepted = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source_sha256", "state"])]

    def __str__(self) -> str:
        return f"import {self.source_name} ({self.state})"


class PendingLink(models.Model):
    """A report stored by a bulk import but not yet linked into campaigns.

    A bulk import links its reports every few tens of thousands instead of with
    every batch (a big campaign is then updated once, not in every batch it
    grows in). The queue is written in the same transaction as the reports, so a
    killed import leaves it behind, and the next import, or a rebuild, links it.
    """

    report = models.OneToOneField(FraudReport, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+", db_constraint=False)

    def __str__(self) -> str:
        return f"report {self.report_id} waiting to be linked"


class PendingCampaign(models.Model):
    """A campaign a bulk import changed without recomputing it yet: its figures are
    stale (a report in it was resubmitted), or it may have to split (an indicator in
    it went over the fan-out cap, or a report dropped one). Queued, like
    :class:`PendingLink`, until the import's next linking pass: a campaign of many
    thousands of reports is then re-split once per pass, not once per batch."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True,
                                    related_name="+")
    may_split = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"campaign {self.campaign_id} waiting to be recomputed"


class ImportRejection(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections")
    line = models.BigIntegerField()
    field = models.CharField(max_length=100)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["job", "line", "field"], name="rejection_unique"),
        ]

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


class FeedSequence(models.Model):
    """A counter row; locking it hands out alert sequence numbers in commit order."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
