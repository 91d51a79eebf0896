"""The team pages' forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator

from team.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptForm(forms.Form):
    username = forms.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(widget=forms.PasswordInput, strip=False, label="Password (again)")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password = data.get("password")
        if password and password != data.get("password_again"):
            raise forms.ValidationError("The two passwords differ.")
        if password:
            validate_password(str(password))
        return data
