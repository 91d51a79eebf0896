from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password

from billing import services
from billing.errors import BillingUnavailable
from tenants.services import check_tenant_slug


class SignupForm(forms.Form):
    name = forms.CharField(max_length=100, label="Agency name")
    slug = forms.CharField(max_length=40, help_text="Your site's address: <slug>.<this site>")
    email = forms.EmailField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    plan = forms.ChoiceField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = cast(forms.ChoiceField, self.fields["plan"])
        plan.choices = [(offer.code, offer.name) for offer in services.offered_plans()]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).strip().lower()
        check_tenant_slug(slug)  # its ValidationError becomes the field's error
        return slug

    def clean_plan(self) -> str:
        plan = services.get_plan(self.cleaned_data["plan"])
        if plan.is_paid:
            try:
                services.check_plan_purchasable(plan)
            except BillingUnavailable as err:
                raise forms.ValidationError(str(err)) from None
        return plan.code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password"):
            try:
                validate_password(cleaned["password"])
            except forms.ValidationError as err:
                self.add_error("password", err)
        return cleaned
