from __future__ import annotations

from django import forms

from jaring.intel.indicators import IndicatorKind
from jaring.intel.sharing import TLP
from jaring.intel.validation import ROLES
from jaring.reference.models import Code, ContactChannel, Country, Currency, ScamType

INDICATOR_ROWS = 6


class _ChoiceFields:
    fields: dict

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


def _choices(queryset, label="name", blank="—") -> list[tuple[str, str]]:
    return [("", blank)] + [(row.pk, getattr(row, label)) for row in queryset]


class ReportForm(_ChoiceFields, forms.Form):
    """The report entry form. Checking happens in the service, which names each field."""

    reference = forms.CharField(max_length=100, help_text="Your centre's own reference. "
                                "Sending the same reference again updates the report.")
    reported_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    incident_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    scam_type = forms.ChoiceField()
    channel = forms.ChoiceField(required=False, label="Contact channel")
    loss_amount = forms.CharField(required=False, label="Loss",
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    loss_currency = forms.ChoiceField(required=False, label="Currency")
    victim_age_group = forms.ChoiceField(required=False, label="Victim's age group")
    victim_sex = forms.ChoiceField(required=False, label="Victim's sex")
    victim_nationality = forms.ChoiceField(required=False, label="Victim's nationality")
    victim_residence = forms.ChoiceField(required=False, label="Victim's country of residence")
    victim_name = forms.CharField(required=False, max_length=300, label="Victim's name",
                                  help_text="Encrypted; never leaves your country.")
    victim_contact = forms.CharField(required=False, max_length=300, label="Victim's contact",
                                     help_text="Encrypted; never leaves your country.")
    narrative = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="What happened. Encrypted; never leaves your country.")
    tlp = forms.ChoiceField(choices=TLP.choices, initial=TLP.AMBER, label="Sharing level",
                            help_text="GREEN: every member state. AMBER: states with a report "
                            "in the same campaign. RED, AMBER+STRICT: stays in your country; "
                            "others only learn that you hold a match.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice_field("scam_type").choices = _choices(ScamType.objects.all())
        self._choice_field("channel").choices = _choices(ContactChannel.objects.all())
        self._choice_field("loss_currency").choices = _choices(Currency.objects.all(), "code")
        self._choice_field("victim_age_group").choices = _choices(
            Code.objects.filter(code_list_id="age-group"), "label")
        self._choice_field("victim_sex").choices = [("", "—")] + [
            (c.code, c.label) for c in Code.objects.filter(code_list_id="sex")
        ]
        countries = _choices(Country.objects.all())
        self._choice_field("victim_nationality").choices = [*countries, ("XX", "Other")]
        self._choice_field("victim_residence").choices = [*countries, ("XX", "Other")]


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "—")] + [
        (k.value, k.label.capitalize()) for k in IndicatorKind])
    value = forms.CharField(required=False, max_length=2000)
    role = forms.ChoiceField(required=False, choices=[("", "(default)"), *ROLES.items()])


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=INDICATOR_ROWS, max_num=50)


class SearchForm(forms.Form):
    q = forms.CharField(label="Indicator", max_length=2000, required=False, widget=forms.TextInput(
        attrs={"placeholder": "+66 81 234 5678, hxxps://evil[.]com, TR7NHq…, @handle",
               "autofocus": True, "autocomplete": "off"}))
    kind = forms.ChoiceField(required=False, label="Kind", choices=[("", "Guess")] + [
        (k.value, k.label.capitalize()) for k in IndicatorKind])


class ReportFilterForm(_ChoiceFields, forms.Form):
    country = forms.ChoiceField(required=False)
    scam_type = forms.ChoiceField(required=False)
    tlp = forms.ChoiceField(required=False, choices=[("", "Any"), *TLP.choices])
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    campaign = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice_field("country").choices = [("", "Any")] + [
            (c.pk, c.name) for c in Country.objects.all()]
        self._choice_field("scam_type").choices = [("", "Any")] + [
            (s.pk, s.name) for s in ScamType.objects.all()]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300)


class WarninglistForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.label.capitalize()) for k in IndicatorKind])
    value = forms.CharField(max_length=2000)
    reason = forms.CharField(max_length=300)
