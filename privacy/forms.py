"""The POSTs of the privacy pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from privacy.personal import Uploads


class EraseMemberForm(forms.Form):
    """An owner erases a member of the team, choosing what becomes of their uploads."""

    member = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="pk")
    uploads = forms.TypedChoiceField(
        choices=[
            (Uploads.HAND_OVER.value, "Keep them (handed to me)"),
            (Uploads.DELETE.value, "Delete them"),
        ],
        coerce=Uploads,
    )
    confirm = forms.CharField(help_text="Type the member's username to confirm.")

    def __init__(self, *args: Any, members: QuerySet[User], owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members.exclude(pk=owner.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        member = cleaned.get("member")
        if member is not None and cleaned.get("confirm") != member.username:
            self.add_error("confirm", "Type the member's username exactly, to confirm.")
        return cleaned


class EraseSelfForm(forms.Form):
    """A user erases their own account; they type their username to confirm."""

    confirm = forms.CharField(help_text="Type your username to confirm.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = user.get_username()

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"] != self.username:
            raise forms.ValidationError("Type your username exactly, to confirm.")
        return str(self.cleaned_data["confirm"])
