"""The video list's filters and sorting: the engine's own (latest job, upload dates, name) and those the apps
above register (media_jobs.hooks.add_video_list_filter). A filter with a bad value is left out and named in a
note, so a hand-edited or stale link still shows a list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from media_jobs import hooks
from media_jobs.models import Job, Video

PAGE_SIZE = 25
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "name": (Lower("title"), "id"),
    "duration": ("-duration", "-id"),
}
SORT_CHOICES = [("newest", "Newest first"), ("oldest", "Oldest first"), ("name", "Name"),
                ("duration", "Longest first")]  # fmt: skip


class VideoFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=200)
    job_state = forms.ChoiceField(
        label="Latest job", required=False, choices=[("", "any"), *Job.State.choices]
    )
    uploaded_from = forms.DateField(
        label="Uploaded from", required=False, widget=forms.DateInput({"type": "date"})
    )
    uploaded_to = forms.DateField(
        label="Uploaded to", required=False, widget=forms.DateInput({"type": "date"})
    )
    sort = forms.ChoiceField(label="Sort", required=False, choices=SORT_CHOICES)

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        for list_filter in hooks.video_list_filters():
            self.fields[list_filter.name] = list_filter.form_field()
        self.order_fields(
            ["q", "job_state", *(list_filter.name for list_filter in hooks.video_list_filters())]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("uploaded_from"), cleaned.get("uploaded_to")
        if start and end and end < start:
            self.add_error("uploaded_to", "The range ends before it starts.")
        return cleaned

    def notes(self) -> list[str]:
        """One line for each filter left out, with the reason."""
        return [
            f"{self.fields[name].label}: {' '.join(str(error) for error in errors)} This filter was ignored."
            for name, errors in self.errors.items()
        ]

    def value(self, name: str) -> Any:
        """The field's cleaned value; None when it is empty or was invalid (and so ignored)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None


def with_latest_job_state(videos: QuerySet[Video]) -> QuerySet[Video]:
    """Each video's newest job's state as `latest_job_state` (None before its first job)."""
    latest = Job.objects.filter(video=OuterRef("pk")).order_by("-created_at", "-id").values("state")[:1]
    return videos.annotate(latest_job_state=Subquery(latest))


def filtered(videos: QuerySet[Video], form: VideoFilterForm) -> QuerySet[Video]:
    """`videos` narrowed by every valid filter of `form`, in its chosen order."""
    videos = with_latest_job_state(videos)
    if form.value("q"):
        videos = videos.filter(title__icontains=form.value("q"))
    if form.value("job_state"):
        videos = videos.filter(Q(latest_job_state=form.value("job_state")))  # Q: the name is an annotation
    if form.value("uploaded_from"):
        videos = videos.filter(created_at__date__gte=form.value("uploaded_from"))
    if form.value("uploaded_to"):
        videos = videos.filter(created_at__date__lte=form.value("uploaded_to"))
    for list_filter in hooks.video_list_filters():
        if form.value(list_filter.name):
            videos = list_filter.keep(videos, form.value(list_filter.name))
    return videos.order_by(*SORTS[form.value("sort") or "newest"])


def empty_hints(form: VideoFilterForm) -> list[str]:
    """What the filters in use say about an empty list (moderation: rejected videos are never listed)."""
    return [
        list_filter.hints[str(form.value(list_filter.name))]
        for list_filter in hooks.video_list_filters()
        if str(form.value(list_filter.name)) in list_filter.hints
    ]


def is_filtered(form: VideoFilterForm) -> bool:
    return any(form.value(name) for name in form.fields if name != "sort")
