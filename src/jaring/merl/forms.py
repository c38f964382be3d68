from __future__ import annotations

from django import forms

from jaring.merl.imports import FORMATS
from jaring.merl.models import LearningEntry
from jaring.merl.periods import Period, PeriodError
from jaring.reference.models import CodeList, Country


def _member_states() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Country.objects.filter(is_member_state=True)]


class PeriodField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("help_text", "2025, 2025-S1, 2025-Q3 or 2025-07")
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return str(Period.parse(text))
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class EntryChoiceForm(forms.Form):
    country = forms.ChoiceField(choices=())
    period = PeriodField()

    def __init__(self, *args, countries: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = _member_states()
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [c for c in choices if countries is None or c[0] in countries]


class UploadForm(forms.Form):
    file = forms.FileField(help_text="The Excel template, CSV, DHIS2 dataValueSets JSON or ADX")
    format = forms.ChoiceField(choices=[("", "Guess from the file name")]
                               + [(f, f) for f in FORMATS], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ExplainForm(forms.Form):
    note = forms.CharField(max_length=500, label="Why the value is right")


class DimensionForm(forms.Form):
    code_list = forms.ModelChoiceField(queryset=CodeList.objects.all(),
                                       label="Add a disaggregation")


class LearningForm(forms.Form):
    kind = forms.ChoiceField(choices=LearningEntry.Kind.choices)
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    indicators = forms.CharField(required=False, max_length=500,
                                 help_text="Indicator codes, separated by commas")


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(choices=LearningEntry.Status.choices)
    follow_up = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScorecardForm(forms.Form):
    area = forms.ChoiceField(choices=())
    year = forms.IntegerField(min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("XR", "ASEAN region"), *_member_states()]
