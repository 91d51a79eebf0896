"""The moderators' queue and case page in each tenant's admin: every column from annotations, decisions
through moderation.decisions (never by editing rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone

from moderation import decisions
from moderation.admin.queue import AgeFilter, FlagKindFilter, ScoreBandFilter, kind_column, per_kind
from moderation.decisions import CASE_TRANSITIONS, IllegalTransition
from moderation.evidence import flag_frame, flag_rows
from moderation.forms import CASE_BUTTONS, CaseDecisionForm, FlagAdjustForm, FlagVerdictForm, refusal
from moderation.models import Case, Decision, Flag, Kind
from moderation.timeline import timeline_svg
from tenants.admin_sites import ReadOnlyInline, TenantSiteAdmin, on_tenant_site

Act = Decision.Action


class FlagInline(ReadOnlyInline):
    model = Flag
    fields = ("kind", "label", "text", "start", "end", "score", "certain", "action", "review", "source")
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("created_at", "actor", "action", "flag", "reason", "before", "after")
    readonly_fields = fields
    verbose_name_plural = "history of decisions"


def _decide(case_id: int, user: User, action: str, reason: str = "") -> object:
    """The one service a case decision goes through: claim and release move no state, the rest do."""
    if action == Act.CLAIM:
        return decisions.do_claim_case(case_id, user, reason)
    if action == Act.RELEASE:
        return decisions.do_release_case(case_id, user, reason)
    return decisions.do_decide_case(case_id, user, action, reason)


def _bulk(action: str, description: str, verb: str) -> Callable[..., None]:
    """A changelist action: the service decides each case; refusals are reported, never silently skipped."""

    def decide_all(model_admin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        done, refused = 0, []
        for case in queryset:
            try:
                done += bool(_decide(case.pk, cast(User, request.user), action))
            except IllegalTransition as err:
                refused.append(f"{case.video.title}: {err}")
        model_admin.message_user(request, f"{verb} {done} case(s).")
        for reason in refused:
            model_admin.message_user(request, reason, level=messages.WARNING)

    return admin.action(description=description, permissions=["moderate"])(decide_all)


def _allowed_buttons(case: Case) -> list[tuple[str, str]]:
    """The decisions the case's state allows, as (action, label) for the case page's buttons."""
    allowed: set[str] = {Act.CLAIM, Act.RELEASE} if case.is_open else set()
    allowed |= {act for act, (states, _) in CASE_TRANSITIONS.items() if case.state in states}
    return [(act, label) for act, label in CASE_BUTTONS.items() if act in allowed]


@admin.register(Case)
class CaseAdmin(TenantSiteAdmin):
    list_display = (
        "video_title", "state", "severity_shown", "nudity", "faces", "profanity", "watermarks", "duration",
        "waiting", "assignee",
    )  # fmt: skip
    list_filter = (
        "state", FlagKindFilter, ScoreBandFilter, ("assignee", admin.RelatedOnlyFieldListFilter), AgeFilter,
    )  # fmt: skip
    search_fields = ("video__title", "flags__text", "flags__label")
    list_select_related = ("video", "assignee")
    readonly_fields = (
        "video", "state", "severity", "assignee", "claimed_at", "policy_snapshot", "created_at",
    )  # fmt: skip
    fields = readonly_fields
    inlines = [FlagInline, DecisionInline]
    actions = ["claim", "approve", "approve_with_censoring", "escalate", "reject"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).annotate(**per_kind(Kind.NUDITY), **per_kind(Kind.FACE),
                                                      **per_kind(Kind.PROFANITY),
                                                      **per_kind(Kind.WATERMARK))  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases come from the pipeline

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the audit trail keeps them

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return on_tenant_site(request) and request.user.has_perm("moderation.moderate")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:  # fmt: skip
        case = self.get_object(request, object_id)
        context = {**(extra_context or {}), **(self._triage_context(request, case) if case else {})}
        return super().change_view(request, object_id, form_url, context)

    def _triage_context(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        flags = list(case.flags.all())
        return {
            "flag_rows": flag_rows(case, flags),
            "timeline": timeline_svg(flags, case.video.duration),
            "censored": case.video.artifacts.filter(kind="censored").exists(),
            "can_moderate": self.has_moderate_permission(request),
            "case_actions": _allowed_buttons(case),
        }

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(self.decide_view)
        verdict = self.admin_site.admin_view(self.flag_view)
        adjust = self.admin_site.admin_view(self.adjust_view)
        frame = self.admin_site.admin_view(self.frame_view)
        own = [
            path("<int:case_id>/change/flags/<int:flag_id>/frame.jpg", frame, name="moderation_case_frame"),
            path("<int:case_id>/change/decide/", decide, name="moderation_case_decide"),
            path("<int:case_id>/change/flags/<int:flag_id>/", verdict, name="moderation_case_flag"),
            path("<int:case_id>/change/flags/<int:flag_id>/adjust/", adjust, name="moderation_case_adjust"),
        ]
        return own + super().get_urls()

    def _back(self, case_id: int) -> HttpResponse:
        return redirect("admin:moderation_case_change", case_id)

    def _moderator(self, request: HttpRequest) -> User:
        """Who is deciding; anyone who may not, or a request that is not a POST, is refused."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        return cast(User, request.user)  # the admin site lets only logged-in staff this far

    def _submit(self, request: HttpRequest, form: Form, service: Callable[..., object], *ids: Any) -> None:
        """Call the service with the form's values when they are valid; report whatever was refused."""
        if not form.is_valid():
            self.message_user(request, refusal(form), level=messages.ERROR)
            return
        try:
            service(*ids, **form.cleaned_data)
        except (IllegalTransition, ValidationError) as err:
            self.message_user(request, " ".join(getattr(err, "messages", [str(err)])), level=messages.ERROR)

    def decide_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        """The case page's buttons: claim, release, approve, approve with censoring, escalate, reject."""
        user = self._moderator(request)
        case = get_object_or_404(Case.objects.only("pk"), pk=case_id)
        self._submit(request, CaseDecisionForm(request.POST), _decide, case.pk, user)
        return self._back(case_id)

    def frame_view(self, request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
        """The sampled frame a visual flag was seen in, for the case page's box preview."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        flag = get_object_or_404(Flag.objects.select_related("case__video"), id=flag_id, case_id=case_id)
        jpeg = flag_frame(flag)
        if jpeg is None:
            raise Http404("No sampled frame for this flag")
        return HttpResponse(jpeg, content_type="image/jpeg")

    def flag_view(self, request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
        """Confirm or dismiss one flag from the case page."""
        user = self._moderator(request)
        flag = get_object_or_404(Flag.objects.only("pk"), id=flag_id, case_id=case_id)
        self._submit(request, FlagVerdictForm(request.POST), decisions.do_review_flag, flag.pk, user)
        return self._back(case_id)

    def adjust_view(self, request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
        """Correct a flag's span, and its box (given in percent of the frame, as the page shows it)."""
        user = self._moderator(request)
        flag = get_object_or_404(Flag.objects.only("pk"), id=flag_id, case_id=case_id)
        self._submit(request, FlagAdjustForm(request.POST), decisions.do_adjust_flag, flag.pk, user)
        return self._back(case_id)

    @admin.display(description="video", ordering="video__title")
    def video_title(self, case: Case) -> str:
        return case.video.title

    @admin.display(description="severity", ordering="severity")
    def severity_shown(self, case: Case) -> str:
        return f"{case.severity:.2f}"

    nudity = kind_column(Kind.NUDITY, "nudity")
    faces = kind_column(Kind.FACE, "faces")
    profanity = kind_column(Kind.PROFANITY, "profanity")
    watermarks = kind_column(Kind.WATERMARK, "watermarks")  # share of the video covered, as the score

    @admin.display(description="length", ordering="video__duration")
    def duration(self, case: Case) -> str:
        return f"{case.video.duration:.0f} s"

    @admin.display(description="waiting", ordering="created_at")
    def waiting(self, case: Case) -> str:
        minutes = int((timezone.now() - case.created_at).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

    claim = _bulk(Act.CLAIM, "Claim selected cases", "Claimed")
    approve = _bulk(Act.APPROVE, "Approve selected cases as they are", "Approved")
    approve_with_censoring = _bulk(Act.APPROVE_CENSORED, "Approve with censoring", "Approved with censoring")
    escalate = _bulk(Act.ESCALATE, "Escalate selected cases", "Escalated")
    reject = _bulk(Act.REJECT, "Reject selected cases", "Rejected")
