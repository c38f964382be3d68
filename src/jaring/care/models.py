"""Cases of fraud victims and trafficking survivors, and everything done for them.

Personal data lives only in :class:`Person`, as one AES-GCM blob under the
case's country key (see ``jaring.care.personal``); what statistics need (sex,
nationality, age group, months) is kept in plain columns so that anonymising a
person never changes a count. Exact search goes through :class:`PersonToken`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CaseType(models.TextChoices):
    FRAUD_VICTIM = "fraud_victim", "Fraud victim"
    TRAFFICKING_SURVIVOR = "trafficking_survivor", "Trafficking survivor"
    BOTH = "both", "Fraud victim and trafficking survivor"


class CaseState(models.TextChoices):
    REGISTERED = "registered", "Registered"
    SCREENED = "screened", "Screened"
    ASSESSED = "assessed", "Assessed"
    CASE_PLAN = "case_plan", "Case plan"
    SERVICES = "services", "Services in progress"
    CLOSED = "closed", "Closed"
    FOLLOW_UP = "follow_up", "Follow-up"
    TRANSFERRED = "transferred", "Transferred to another country"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Case plan goals met"
    DECLINED = "declined", "Person declined further services"
    LOST_CONTACT = "lost_contact", "Lost contact"
    REFERRED = "referred", "Referred on, no further role"
    RELOCATED = "relocated", "Moved away"
    DECEASED = "deceased", "Deceased"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


class ServiceType(models.TextChoices):
    SHELTER = "shelter", "Shelter"
    MEDICAL = "medical", "Medical care"
    PSYCHOSOCIAL = "psychosocial", "Psychosocial support"
    LEGAL_AID = "legal_aid", "Legal aid"
    REPATRIATION = "repatriation", "Repatriation"
    FINANCIAL_RECOVERY = "financial_recovery", "Financial recovery and fund freezing"
    LIVELIHOOD = "livelihood", "Livelihood"
    INTERPRETATION = "interpretation", "Interpretation"


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", "Receiving services"
    REFERRAL = "referral", "Referral to another organisation"
    TRANSFER = "transfer", "Cross-border transfer"
    LAW_ENFORCEMENT = "law_enforcement", "Sharing with law enforcement"
    STATISTICS = "statistics", "Use in statistics"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "Signed form"
    VERBAL = "verbal", "Verbal, witnessed"
    DIGITAL = "digital", "Digital"
    GUARDIAN = "guardian", "By parent or guardian"


class Team(models.Model):
    """Caseworkers of one organisation who cover each other's cases."""

    organisation = models.ForeignKey("identity.Organisation", on_delete=models.CASCADE,
                                     related_name="care_teams")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="care_teams")

    class Meta:
        ordering = ["organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="care_cases"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    assigned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="cases")
    case_type = models.CharField(max_length=24, choices=CaseType.choices)
    state = models.CharField(max_length=12, choices=CaseState.choices,
                             default=CaseState.REGISTERED)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    # Set by a screening that finds a presumed victim of trafficking: what they
    # were forced to do must not be treated as an offence (non-punishment principle).
    non_punishment = models.BooleanField(default=False)
    registered_on = models.DateField(default=timezone.localdate)
    first_service_on = models.DateField(null=True, blank=True)
    # The day of the first presumed-victim screening, kept by
    # care.identification.refresh_identified_on for the MERL indicators.
    identified_on = models.DateField(null=True, blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=16, choices=ClosureReason.choices, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # Encrypted under the case's country key like personal data; supervisors only.
    assessment_enc = models.TextField(blank=True, default="")
    supervisor_note_enc = models.TextField(blank=True, default="")
    fraud_reports = models.ManyToManyField("intel.FraudReport", blank=True, related_name="+")
    anonymised_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-registered_on", "-id"]
        # Each scope (country, organisation, owner) walks its index in list order and
        # stops after one page, instead of sorting every case in scope.
        indexes = [
            models.Index(fields=["country", "registered_on", "id"]),
            models.Index(fields=["organisation", "registered_on", "id"]),
            models.Index(fields=["owner", "registered_on", "id"]),
            models.Index(fields=["organisation", "state", "registered_on", "id"]),
            # With the id, PostgreSQL answers the identification-day indicators from
            # the index alone, already in day order (SQLite's indexes hold it anyway).
            models.Index(fields=["country", "identified_on", "id"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def policy_owners(self) -> set[int]:
        """Who holds the case "as their own": the owner and the assigned caseworkers."""
        return {self.owner_id, *self.assigned.values_list("pk", flat=True)}

    def policy_team_members(self) -> set[int]:
        if self.team_id is None:
            return set()
        return set(Team.members.through.objects.filter(team_id=self.team_id)
                   .values_list("user_id", flat=True))

    @property
    def is_read_only(self) -> bool:
        return self.state == CaseState.TRANSFERRED or self.anonymised_on is not None

    @property
    def is_open(self) -> bool:
        return self.state not in (CaseState.CLOSED, CaseState.FOLLOW_UP, CaseState.TRANSFERRED)


class Person(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="person")
    # JSON of names, aliases, date of birth, languages, contact and identity
    # documents, encrypted under the case country's key (see jaring.care.personal).
    data_enc = models.TextField(blank=True, default="")
    sex = models.CharField(max_length=10, blank=True)
    nationality = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_group = models.CharField(max_length=10, blank=True)
    is_minor = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"person of {self.case_id}"

    def policy_country(self) -> str:
        return self.case.country_id


class PersonToken(models.Model):
    """Blind-index tokens for exact search: each name, alias and document number."""

    class Kind(models.TextChoices):
        NAME = "name", "Name or alias"
        DOCUMENT = "document", "Identity document number"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["token", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "token"], name="person_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} token of person {self.person_id}"


class Consent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    # For a transfer: which personal fields the person agreed may travel.
    fields = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["purpose", "-recorded_at"]
        indexes = [models.Index(fields=["case", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} consent on {self.case_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


class Screening(models.Model):
    class Result(models.TextChoices):
        PRESUMED_VICTIM = "presumed_victim", "Presumed victim of trafficking"
        FURTHER_ASSESSMENT = "further_assessment", "Needs further assessment"
        NOT_VICTIM = "not_victim", "Not a victim of trafficking"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    indicators = models.JSONField(default=dict, help_text="ILO forced-labour indicator -> bool")
    elements = models.JSONField(default=dict, help_text="Palermo act, means, purpose -> bool")
    result = models.CharField(max_length=20, choices=Result.choices)
    reasons = models.JSONField(default=list)
    screened_on = models.DateField(default=timezone.localdate)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"screening of {self.case_id}: {self.result}"


class CasePlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    goals = models.JSONField(default=list, help_text="[{service_type, goal}] without names")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"plan v{self.version} of {self.case_id}"

    @property
    def service_types(self) -> list[str]:
        return [g["service_type"] for g in self.goals]


class Task(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment due"
        FOLLOW_UP_3 = "follow_up_3", "Follow-up at 3 months"
        FOLLOW_UP_6 = "follow_up_6", "Follow-up at 6 months"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on})"


class ServiceProvider(models.Model):
    """The directory: who offers which services where. A provider that is itself a
    Jaring organisation answers referrals in its own inbox."""

    name = models.CharField(max_length=200)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="care_providers",
    )
    services = models.JSONField(default=list, help_text="Service types offered")
    city = models.CharField(max_length=100, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="provider_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class Referral(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT,
                                 related_name="referrals")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    note = models.CharField(max_length=500, blank=True, help_text="No names: the case reference")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"referral of {self.case_id} to {self.provider_id}"

    # For the policy: a referral is answered by the provider's organisation.
    @property
    def organisation_id(self) -> int | None:
        return self.provider.organisation_id

    def policy_country(self) -> str:
        return self.provider.country_id


class ServiceDelivery(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    plan = models.ForeignKey(CasePlan, on_delete=models.PROTECT, related_name="deliveries")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    provider = models.ForeignKey(ServiceProvider, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    delivered_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-delivered_on", "-id"]
        # Every column the MERL indicators read per case (people assisted, repatriated,
        # referred in time): they read this index instead of the rows.
        indexes = [models.Index(fields=["case", "service_type", "delivered_on"],
                                name="delivery_case_type_day"),
                   # The repatriations of a period, for the median days to repatriation:
                   # a few thousand entries a year instead of every identified case.
                   models.Index(fields=["service_type", "delivered_on", "case"],
                                name="delivery_type_day_case"),
                   # The services of a period, for people assisted and repatriated:
                   # PostgreSQL reads this range instead of every service delivered.
                   models.Index(fields=["delivered_on", "case", "service_type"],
                                name="delivery_day_case_type")]

    def __str__(self) -> str:
        return f"{self.service_type} for {self.case_id} on {self.delivered_on}"


class Transfer(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    package_id = models.CharField(max_length=36, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers_out")
    from_country = models.ForeignKey("reference.Country", on_delete=models.PROTECT,
                                     related_name="+")
    to_country = models.ForeignKey("reference.Country", on_delete=models.PROTECT,
                                   related_name="+")
    to_organisation = models.ForeignKey("identity.Organisation", on_delete=models.PROTECT,
                                        related_name="care_transfers_in")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    # The signed package, encrypted under the receiving country's key: it carries
    # the personal fields the person agreed may travel.
    package_enc = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    received_case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="transfer_in")

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"transfer {self.package_id[:8]} {self.from_country_id}→{self.to_country_id}"

    # For the policy: the receiving side decides.
    @property
    def organisation_id(self) -> int:
        return self.to_organisation_id

    def policy_country(self) -> str:
        return self.to_country_id


class CaseEvent(models.Model):
    """The case history shown on its page; the audit log keeps the tamper-evident copy."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)
    origin_country = models.CharField(max_length=2, blank=True,
                                      help_text="Set on history carried over by a transfer")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.action} on {self.case_id}"
