from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from trendsaas import ratelimit


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, with the username field presented as the email address it is, and a cap
    on failed attempts per address and per client address (LOGIN_FAILURE_RATE_*): a guessing run
    is refused before the password is even checked, while people who type correctly never notice."""

    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "placeholder": "you@company.com"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Both are case-sensitive except the email.",
        "too_many_attempts": "Too many failed sign-ins. Wait a few minutes, or reset your password by email.",
    }

    def clean(self):
        limits = (
            (
                "login:email",
                (self.cleaned_data.get("username") or "").strip().lower(),
                settings.LOGIN_FAILURE_RATE_EMAIL,
            ),
            ("login:ip", ratelimit.client_ip(self.request) or "unknown", settings.LOGIN_FAILURE_RATE_IP),
        )
        if any(ratelimit.exhausted(*limit) for limit in limits):
            raise ValidationError(self.error_messages["too_many_attempts"], code="too_many_attempts")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                for limit in limits:
                    ratelimit.hit(*limit)
            raise
