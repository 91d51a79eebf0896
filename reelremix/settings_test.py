"""Test settings: the same services as development, kept apart by key prefix and database name."""

import os

from reelremix.env import env_bool
from reelremix.settings import *  # noqa: F403
from reelremix.settings import redis_consumers

# REELREMIX_TEST_SUFFIX lets several test runs share the servers at once (each its own database
# and Redis keys), e.g. two developers' runs on one machine.
_SUFFIX = os.environ.get("REELREMIX_TEST_SUFFIX", "")
DATABASES["default"]["TEST"] = {"NAME": f"test_reelremix{_SUFFIX}"}  # noqa: F405
REDIS_NAMESPACE = f"reelremix-test{_SUFFIX}"
CHANNEL_LAYERS, CACHES = redis_consumers(REDIS_NAMESPACE)
MEDIA_ROOT = VAR_DIR / f"test-media{_SUFFIX}"  # noqa: F405
# The test run's samples apart from a development server's (worker processes started by tests inherit it).
METRICS_DIR = VAR_DIR / f"test-metrics{_SUFFIX}"  # noqa: F405
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite hears with tiny.en, 1.5 times as fast as base (the default): CI's time is near its budget, and
# gpu_worker/tests/test_whisper_models.py hears with base.
WHISPER_MODEL = "fast"
PROGRESS_MIN_INTERVAL = 0.0
SELFCHECK_STEP_SECONDS = 0.0
STATIC_ROOT = None  # no collectstatic in tests: WhiteNoise serves from the app finders
WHITENOISE_USE_FINDERS = True
DRAMATIQ_HEARTBEAT_TIMEOUT_MS = 3_000  # the crash-recovery test kills a worker and waits this long
DRAMATIQ_MAINTENANCE_CHANCE = 1_000_000  # look for dead workers on every fetch
# In-process test workers sweep nothing; tests run recovery themselves or start worker processes with it on.
RUN_PERIODIC_TASKS = env_bool("RUN_PERIODIC_TASKS", False)
# Tests roll tenants and plans back between them: what a process remembers could outlive the rows (the
# tests of those caches turn them on).
TENANT_CACHE_SECONDS = 0
BILLING_PLAN_CACHE_SECONDS = 0
PRELOAD_SEARCH_MODEL = env_bool("PRELOAD_SEARCH_MODEL", False)  # tests that import the ASGI app need no model
PRELOAD_WORKER_MODELS = env_bool("PRELOAD_WORKER_MODELS", False)  # a test's worker loads what its stages use
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", True)  # receivers on 127.0.0.1
# A job kind of an app the engine does not know, added by one registration (tests/noop_jobs).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.noop_jobs"]  # noqa: F405
# Rate limits count in Redis across tests, and every test client calls from 127.0.0.1: no limit in the way
# (the throttling tests set low rates of their own).
API_RATE_USER = API_RATE_ANON = "1000000/minute"
