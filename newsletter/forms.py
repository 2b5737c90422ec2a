from __future__ import annotations

from django import forms

from newsletter.models import Interest, JobRole
from newsletter.services.guards import check_address

HONEYPOT = "website"


class InterestsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("error_messages", {"required": "Pick fashion, beauty or both."})
        super().__init__(choices=Interest.choices, **kwargs)


class DemoRequestForm(forms.Form):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.CharField(
        label="Work email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    company = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    role = forms.ChoiceField(choices=[("", "Choose your role")] + list(JobRole.choices))
    interests = InterestsField(label="I'm interested in")
    consent = forms.BooleanField(
        required=False,
        label="Send me the weekly TrendSaaS newsletter. I can unsubscribe with one click in any issue.",
    )
    # Hidden from people by CSS and aria-hidden; bots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self) -> str:
        return check_address(self.cleaned_data["email"])

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_company(self) -> str:
        return self.cleaned_data["company"].strip()


class PreferencesForm(forms.Form):
    interests = InterestsField(label="Send me trends for")


class SubscribeMeForm(forms.Form):
    interests = InterestsField(label="Trends for")
