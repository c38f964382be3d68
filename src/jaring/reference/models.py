"""Reference data shared by every part: member states, currencies, taxonomies, code lists.

The rows are versioned in ``jaring/reference/data/*.json`` and loaded by data
migrations, so every deployment has the same codes; administrators may add to
them (for example a new MERL disaggregation code list) through the admin.
"""

from __future__ import annotations

from django.db import models


class Country(models.Model):
    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, primary_key=True)
    iso3 = models.CharField("ISO 3166-1 alpha-3", max_length=3, unique=True)
    numeric = models.CharField("ISO 3166-1 numeric", max_length=3, unique=True)
    name = models.CharField(max_length=80)
    calling_code = models.CharField(max_length=6, help_text="International dialling code, e.g. 65")
    currency = models.ForeignKey("Currency", on_delete=models.PROTECT, related_name="+")
    is_member_state = models.BooleanField(default=True)
    joined = models.PositiveSmallIntegerField(help_text="Year the state joined ASEAN")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class Currency(models.Model):
    code = models.CharField("ISO 4217", max_length=3, primary_key=True)
    name = models.CharField(max_length=60)
    minor_units = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "currencies"

    def __str__(self) -> str:
        return self.code


class ExchangeRate(models.Model):
    """Annual average reference rate: units of ``currency`` per one US dollar."""

    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="rates")
    year = models.PositiveSmallIntegerField()
    units_per_usd = models.DecimalField(max_digits=18, decimal_places=6)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["currency", "year"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "year"], name="one_rate_per_currency_year"),
            models.CheckConstraint(condition=models.Q(units_per_usd__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.year}: {self.units_per_usd}/USD"


class ScamType(models.Model):
    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=80)
    description = models.TextField()
    mitre_f3 = models.CharField(
        "MITRE F3 technique", max_length=120, blank=True,
        help_text="The closest MITRE Fight Fraud Framework (F3) technique, where one exists",
    )
    gsma = models.CharField(
        "GSMA fraud term", max_length=120, blank=True,
        help_text="The closest GSMA fraud and security classification term, where one exists",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ContactChannel(models.Model):
    class Kind(models.TextChoices):
        VOICE = "voice", "Voice call"
        SMS = "sms", "SMS"
        MESSAGING = "messaging", "Messaging app"
        SOCIAL = "social", "Social media"
        WEB = "web", "Website"
        EMAIL = "email", "E-mail"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class CodeList(models.Model):
    """A named list of codes: sex, age group, or one an administrator defines."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    is_system = models.BooleanField(
        default=False, help_text="Shipped with Jaring; its codes are maintained by migrations"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Age groups carry their bounds so that an exact age can be binned
    # (erasure turns a date of birth into its group).
    lower = models.PositiveSmallIntegerField(null=True, blank=True)
    upper = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="code_unique_in_list"),
        ]

    def __str__(self) -> str:
        return f"{self.code_list_id}:{self.code}"
