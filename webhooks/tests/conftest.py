from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import schema_context

# Real Dramatiq workers: in this process (work_queued_jobs), or as processes (workers).
from media_jobs.tests.conftest import work_queued_jobs, workers
from webhooks.tests.receiver import Receiver

__all__ = ["work_queued_jobs", "workers"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that answers 200 at once (change `status` and `delay` as the test needs)."""
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def staff(world):
    """Alice as an administrator of acme, and Charlie of globex (rolled back with the test)."""
    for persona in (world.alice, world.charlie):  # in the database only: the personas outlive the test
        with schema_context(persona.tenant.schema_name):
            User.objects.filter(pk=persona.user.pk).update(is_staff=True)
    return world
