from django import forms

from accounts.models import Lifetime


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “CI uploads”")
    lifetime = forms.ChoiceField(choices=Lifetime.choices, initial=Lifetime.DAYS_90, label="Expires after")
