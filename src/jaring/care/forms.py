"""Forms for the care pages. Checking happens in the services, which name each field."""

from __future__ import annotations

from django import forms

from jaring.care.models import (
    CaseState,
    CaseType,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    RiskLevel,
    ServiceProvider,
    ServiceType,
)
from jaring.care.personal import CONSENTABLE_FIELDS
from jaring.care.screening import ILO_INDICATORS, PALERMO_ELEMENTS
from jaring.identity.models import Organisation
from jaring.reference.models import Country

DATE = forms.DateInput(attrs={"type": "date"})
PLAN_ROWS = 4


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class CaseFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Exact name or alias")
    document = forms.CharField(required=False, max_length=60, label="Document number")
    state = forms.ChoiceField(required=False, choices=_blank(CaseState.choices))
    case_type = forms.ChoiceField(required=False, choices=_blank(CaseType.choices), label="Type")
    risk_level = forms.ChoiceField(required=False, choices=_blank(RiskLevel.choices),
                                   label="Risk")
    since = forms.DateField(required=False, widget=DATE, label="Registered since")


class CaseForm(forms.Form):
    case_type = forms.ChoiceField(choices=CaseType.choices, label="Type of case")
    given_name = forms.CharField(required=False, max_length=200)
    family_name = forms.CharField(required=False, max_length=200)
    aliases = forms.CharField(required=False, max_length=500,
                              help_text="Other names, separated by commas")
    date_of_birth = forms.DateField(required=False, widget=DATE)
    estimated_age = forms.IntegerField(required=False, min_value=0, max_value=120,
                                       help_text="When the date of birth is unknown")
    sex = forms.ChoiceField(required=False, choices=_blank([("female", "Female"),
                                                            ("male", "Male"),
                                                            ("other", "Other")]))
    nationality = forms.ChoiceField(required=False)
    languages = forms.CharField(required=False, max_length=200,
                                help_text="Separated by commas")
    contact = forms.CharField(required=False, max_length=300)
    document_type = forms.CharField(required=False, max_length=40, initial="passport")
    document_number = forms.CharField(required=False, max_length=60)
    risk_level = forms.ChoiceField(choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = _blank([(c.pk, c.name) for c in Country.objects.all()])

    def personal(self) -> dict:
        data = self.cleaned_data
        split = lambda text: [p.strip() for p in (text or "").split(",") if p.strip()]  # noqa: E731
        documents = []
        if data.get("document_number"):
            documents.append({"type": data.get("document_type") or "document",
                              "number": data["document_number"], "country": ""})
        return {"given_name": data.get("given_name") or "",
                "family_name": data.get("family_name") or "",
                "aliases": split(data.get("aliases")),
                "date_of_birth": data["date_of_birth"].isoformat()
                if data.get("date_of_birth") else "",
                "estimated_age": data.get("estimated_age"),
                "languages": split(data.get("languages")),
                "contact": data.get("contact") or "", "documents": documents}


class ScreeningForm(forms.Form):
    override_reason = forms.CharField(required=False, max_length=300,
                                      help_text="Only without consent to services: why, for "
                                      "the audit log (supervisors)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ILO_INDICATORS.items():
            self.fields[f"ilo_{key}"] = forms.BooleanField(required=False, label=label)
        for key, label in PALERMO_ELEMENTS.items():
            self.fields[f"palermo_{key}"] = forms.BooleanField(required=False, label=label)

    def answers(self) -> tuple[dict[str, bool], dict[str, bool]]:
        data = self.cleaned_data
        return ({k: bool(data.get(f"ilo_{k}")) for k in ILO_INDICATORS},
                {k: bool(data.get(f"palermo_{k}")) for k in PALERMO_ELEMENTS})


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    method = forms.ChoiceField(choices=ConsentMethod.choices)
    given_on = forms.DateField(widget=DATE)
    travel_fields = forms.MultipleChoiceField(
        required=False, choices=[(f, f.replace("_", " ")) for f in CONSENTABLE_FIELDS],
        widget=forms.CheckboxSelectMultiple, label="Fields that may travel (transfer only)")


class AssessForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}),
                            help_text="Encrypted; what the person needs and the risks")
    risk_level = forms.ChoiceField(choices=RiskLevel.choices)


class PlanForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"service_{n}"] = forms.ChoiceField(
                required=False, choices=_blank(ServiceType.choices), label=f"Service {n}")
            self.fields[f"goal_{n}"] = forms.CharField(required=False, max_length=300,
                                                       label=f"Goal {n}")

    def goals(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [{"service_type": data[f"service_{n}"], "goal": data.get(f"goal_{n}") or ""}
                for n in range(1, PLAN_ROWS + 1) if data.get(f"service_{n}")]


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(choices=ServiceType.choices)
    delivered_on = forms.DateField(widget=DATE)
    provider = forms.ModelChoiceField(queryset=ServiceProvider.objects.none(), required=False)
    note = forms.CharField(required=False, max_length=500, help_text="No names")

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = ServiceProvider.objects.filter(country_id=country, is_active=True)


class ReferralForm(ServiceForm):
    override_reason = forms.CharField(required=False, max_length=300,
                                      help_text="Only without referral consent (supervisors)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["delivered_on"]
        self.fields["provider"].required = True


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(choices=ClosureReason.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300)


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                             label="Receiving organisation")
    override_reason = forms.CharField(required=False, max_length=300,
                                      help_text="Only without transfer consent (supervisors)")

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        target = self.fields["to_organisation"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = (Organisation.objects.filter(is_active=True, country__isnull=False)
                           .exclude(country_id=country)
                           .filter(kind__in=["social_welfare", "ngo"]))


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           label="Supervisor note", help_text="Encrypted; supervisors only")
