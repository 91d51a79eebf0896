"""Tenant site pages for jobs: the dashboard and a job's live progress page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from media_jobs import services
from media_jobs.models import Job


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.select_related("created_by")[:50]
    return render(request, "media_jobs/dashboard.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, id=job_id)
    return render(request, "media_jobs/job_detail.html", {"job": job})


@login_required
@require_POST
def start_selfcheck(request: HttpRequest) -> HttpResponse:
    job = services.do_create_selfcheck_job(request.user)  # type: ignore[arg-type]
    messages.info(request, "Self-check queued.")
    return redirect("job_detail", job_id=job.pk)
