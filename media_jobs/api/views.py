from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from media_jobs import services
from media_jobs.api.serializers import JobSerializer
from media_jobs.models import Job


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Job]):
    """Jobs of the caller's tenant (the tenant is the host; the schema holds only its rows)."""

    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.all()

    @extend_schema(request=None, responses={201: JobSerializer})
    @action(detail=False, methods=["post"])
    def selfcheck(self, request: Request) -> Response:
        """Queue a self-check job that reports progress from a worker."""
        job = services.do_create_selfcheck_job(request.user)  # type: ignore[arg-type]
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)
