from django import forms

from jaring.identity.policy import TOKEN_SCOPES


class SignInForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'SG NASC feed'")
    scopes = forms.MultipleChoiceField(
        choices=sorted(TOKEN_SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(min_value=1, max_value=366, initial=90, label="Valid for (days)")
