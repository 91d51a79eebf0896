"""The moderators' queue in each tenant's admin: every column from annotations, decisions through
moderation.decisions (never by editing rows), the audit trail read-only."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone

from moderation import decisions, services
from moderation.decisions import CASE_TRANSITIONS, IllegalTransition
from moderation.evidence import flag_frame, flag_rows
from moderation.models import Case, Decision, Flag, Kind, Policy, PolicyChange
from moderation.timeline import timeline_svg

Act = Decision.Action
BUTTONS = {
    Act.CLAIM: "Claim",
    Act.RELEASE: "Release",
    Act.APPROVE: "Approve as is",
    Act.APPROVE_CENSORED: "Approve with censoring",
    Act.ESCALATE: "Escalate",
    Act.REJECT: "Reject",
    Act.REOPEN: "Reopen",
}


def _per_kind(kind: str) -> dict[str, Any]:
    """Annotations: how many flags of `kind` are not ignored, and their top score."""
    kept = Q(flags__kind=kind) & ~Q(flags__action="ignore")
    return {f"{kind}_count": Count("flags", filter=kept), f"{kind}_top": Max("flags__score", filter=kept)}


class FlagKindFilter(admin.SimpleListFilter):
    title, parameter_name = "flag kind", "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind.value, kind.label) for kind in Kind]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value()
        return queryset.filter(flags__kind=value).distinct() if value else queryset


class ScoreBandFilter(admin.SimpleListFilter):
    title, parameter_name = "severity", "band"
    BANDS = {"high": (0.8, 1.01), "medium": (0.5, 0.8), "low": (0.0, 0.5)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("high", "0.8 and above"), ("medium", "0.5 to 0.8"), ("low", "below 0.5")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        band = self.BANDS.get(self.value() or "")
        return queryset.filter(severity__gte=band[0], severity__lt=band[1]) if band else queryset


class AgeFilter(admin.SimpleListFilter):
    title, parameter_name = "waiting", "age"
    HOURS = {"1h": 1, "24h": 24, "7d": 24 * 7}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1h", "over an hour"), ("24h", "over a day"), ("7d", "over a week")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        hours = self.HOURS.get(self.value() or "")
        return queryset.filter(created_at__lte=timezone.now() - timedelta(hours=hours)) if hours else queryset


class FlagInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Flag
    fields = ("kind", "label", "text", "start", "end", "score", "certain", "action", "review", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DecisionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Decision
    fields = ("created_at", "actor", "action", "flag", "reason", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "history of decisions"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _decide_all(verb: str, decide: Callable[[Case, User], object]) -> Callable[..., None]:
    """A bulk action: the service decides each case; refusals are reported, never silently skipped."""

    def action(model_admin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        done, refused = 0, []
        for case in queryset:
            try:
                done += bool(decide(case, request.user))  # type: ignore[arg-type]
            except IllegalTransition as err:
                refused.append(f"{case.video.title}: {err}")
        model_admin.message_user(request, f"{verb} {done} case(s).")
        for reason in refused:
            model_admin.message_user(request, reason, level=messages.WARNING)

    return action


def _number(form: QueryDict, name: str) -> float:
    try:
        value = float(form.get(name, ""))
    except ValueError:
        raise ValidationError(f"“{name}” must be a number.") from None
    if not math.isfinite(value):
        raise ValidationError(f"“{name}” must be a finite number.")
    return value


def _adjustment(form: QueryDict) -> tuple[float, float, dict[str, float] | None]:
    """The span in seconds and, when the form has one, the box in fractions of the frame."""
    start, end = _number(form, "start"), _number(form, "end")
    if not form.get("box_width"):
        return start, end, None
    sides = ("left", "top", "width", "height")
    left, top, width, height = (_number(form, f"box_{side}") / 100 for side in sides)
    return start, end, {"x1": left, "y1": top, "x2": left + width, "y2": top + height}


def _allowed_buttons(case: Case) -> list[tuple[str, str]]:
    """The decisions the case's state allows, as (action, label) for the case page's buttons."""
    allowed: set[str] = {Act.CLAIM, Act.RELEASE} if case.is_open else set()
    allowed |= {act for act, (states, _) in CASE_TRANSITIONS.items() if case.state in states}
    return [(act, label) for act, label in BUTTONS.items() if act in allowed]


def _case_decision(act: str) -> Callable[[Case, User], object]:
    return lambda case, user: decisions.do_decide_case(case.pk, user, act)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "video_title", "state", "severity_shown", "nudity", "faces", "profanity", "duration",
        "waiting", "assignee",
    )  # fmt: skip
    list_filter = (
        "state",
        FlagKindFilter,
        ScoreBandFilter,
        ("assignee", admin.RelatedOnlyFieldListFilter),
        AgeFilter,
    )
    search_fields = ("video__title", "flags__text", "flags__label")
    list_select_related = ("video", "assignee")
    readonly_fields = (
        "video",
        "state",
        "severity",
        "assignee",
        "claimed_at",
        "policy_snapshot",
        "created_at",
    )
    fields = readonly_fields
    inlines = [FlagInline, DecisionInline]
    actions = ["claim", "approve", "approve_with_censoring", "escalate", "reject"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).annotate(**_per_kind(Kind.NUDITY), **_per_kind(Kind.FACE),
                                                      **_per_kind(Kind.PROFANITY))  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases come from the pipeline

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the audit trail keeps them

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.moderate")

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

    def decide_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        """The case page's buttons: claim, release, approve, approve with censoring, escalate, reject."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
        try:
            if action == Act.CLAIM:
                decisions.do_claim_case(case_id, request.user, reason)  # type: ignore[arg-type]
            elif action == Act.RELEASE:
                decisions.do_release_case(case_id, request.user, reason)  # type: ignore[arg-type]
            elif action in CASE_TRANSITIONS:
                decisions.do_decide_case(case_id, request.user, action, reason)  # type: ignore[arg-type]
        except IllegalTransition as err:
            self.message_user(request, str(err), level=messages.ERROR)
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
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        flag = get_object_or_404(Flag, id=flag_id, case_id=case_id)
        try:
            decisions.do_review_flag(flag.pk, request.user, request.POST.get("verdict", ""))  # type: ignore[arg-type]
        except (IllegalTransition, ValidationError) as err:
            self._refused(request, err)
        return self._back(case_id)

    def adjust_view(self, request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
        """Correct a flag's span, and its box (given in percent of the frame, as the page shows it)."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        flag = get_object_or_404(Flag, id=flag_id, case_id=case_id)
        try:
            start, end, box = _adjustment(request.POST)
            decisions.do_adjust_flag(flag.pk, request.user, start, end, box, request.POST.get("reason", ""))  # type: ignore[arg-type]
        except (IllegalTransition, ValidationError) as err:
            self._refused(request, err)
        return self._back(case_id)

    def _refused(self, request: HttpRequest, err: Exception) -> None:
        self.message_user(request, " ".join(getattr(err, "messages", [str(err)])), level=messages.ERROR)

    @admin.display(description="video", ordering="video__title")
    def video_title(self, case: Case) -> str:
        return case.video.title

    @admin.display(description="severity", ordering="severity")
    def severity_shown(self, case: Case) -> str:
        return f"{case.severity:.2f}"

    def _kind_column(self, case: Case, kind: str) -> str:
        count, top = getattr(case, f"{kind}_count"), getattr(case, f"{kind}_top")
        return f"{count} (top {top:.2f})" if count else "—"

    @admin.display(description="nudity", ordering="nudity_top")
    def nudity(self, case: Case) -> str:
        return self._kind_column(case, Kind.NUDITY)

    @admin.display(description="faces", ordering="face_top")
    def faces(self, case: Case) -> str:
        return self._kind_column(case, Kind.FACE)

    @admin.display(description="profanity", ordering="profanity_top")
    def profanity(self, case: Case) -> str:
        return self._kind_column(case, Kind.PROFANITY)

    @admin.display(description="length", ordering="video__duration")
    def duration(self, case: Case) -> str:
        return f"{case.video.duration:.0f} s"

    @admin.display(description="waiting", ordering="created_at")
    def waiting(self, case: Case) -> str:
        minutes = int((timezone.now() - case.created_at).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

    claim = admin.action(description="Claim selected cases", permissions=["moderate"])(
        _decide_all("Claimed", lambda case, user: decisions.do_claim_case(case.pk, user))
    )
    approve = admin.action(description="Approve selected cases as they are", permissions=["moderate"])(
        _decide_all("Approved", _case_decision(Act.APPROVE))
    )
    approve_with_censoring = admin.action(description="Approve with censoring", permissions=["moderate"])(
        _decide_all("Approved with censoring", _case_decision(Act.APPROVE_CENSORED))
    )
    escalate = admin.action(description="Escalate selected cases", permissions=["moderate"])(
        _decide_all("Escalated", _case_decision(Act.ESCALATE))
    )
    reject = admin.action(description="Reject selected cases", permissions=["moderate"])(
        _decide_all("Rejected", _case_decision(Act.REJECT))
    )


class AuditAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An audit trail: searchable, never added to, edited or deleted here, by anyone."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(AuditAdmin):
    list_display = ("created_at", "actor", "action", "case", "reason")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("actor", "case__video")
    search_fields = ("reason", "case__video__title")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The tenant's one policy; every change goes through the service, which audits it."""

    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the policy exists from the first analysis, or is created on first view

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Policy]:
        services.current_policy()  # so the one policy is always there to edit
        return super().get_queryset(request)

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.do_update_policy(request.user, changes)  # type: ignore[arg-type]


@admin.register(PolicyChange)
class PolicyChangeAdmin(AuditAdmin):
    list_display = ("created_at", "actor", "before", "after", "reason")
    list_filter = (("actor", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("actor",)
    search_fields = ("reason",)
