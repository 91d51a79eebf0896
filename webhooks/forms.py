"""The webhooks pages' POSTs, parsed (the services check what the values mean)."""

from __future__ import annotations

from django import forms

from webhooks.models import Event


class EndpointForm(forms.Form):
    url = forms.CharField(label="URL", max_length=500)
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(required=False, initial=True)
