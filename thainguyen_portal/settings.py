"""The one settings module.

Every deploy-time value comes from the environment (see .env.example); the defaults run on a
fresh machine: SQLite under var/, Celery tasks in-process, e-mail printed to the console.
Production differs only by environment values.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-dev-only-key-set-SECRET_KEY-in-production"
)
# Key of the hash that lets citizen ID numbers be matched without being stored. Set it once in
# production and never change it (changing SECRET_KEY must not break matching); without it, a
# key is derived from SECRET_KEY.
CITIZEN_ID_KEY = env.str("CITIZEN_ID_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies stand in front of the portal, each appending to X-Forwarded-For.
# The client's address is the one the outermost of them saw; with 0 (the default: gunicorn
# reached directly) the header is ignored, whatever a client sends in it. Rate limits, the
# sign-in lockout (allauth), the API throttles (DRF) and the audit log (core.http.client_ip)
# all read it with this one rule.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# The workplace's copies of the official unit lists: only a cross-check of the lists the
# project ships in areas/data (areas/tests/test_reference_data.py).
SHARED_DATA_DIR = Path(env.str("SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "simple_history",
    # Ours, bottom of the dependency graph first (apps depend downwards only).
    "core",
    "areas",
    "accounts",
    "audit",
    "teams",
    "apps_catalog",
    "citizens",
    "field",
    "training",
    "imports",
    "dashboards",
    "quality",
    "reorganizations",
    "notifications",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ServedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed (static files come precompressed from WhiteNoise,
    # which answers before this). CSRF tokens are masked per response, which is Django's
    # answer to BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Oversized bodies refused on their Content-Length, before CSRF or search read them.
    "core.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Who made a change, for the versions simple_history keeps.
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.security.RequireMfaMiddleware",
    "accounts.security.RequirePasswordChangeMiddleware",
    "core.search.PrivateSearchMiddleware",
    "csp.middleware.CSPMiddleware",
    "audit.middleware.AuditMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "thainguyen_portal.urls"
WSGI_APPLICATION = "thainguyen_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.menu",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL points elsewhere (PostgreSQL in CI/prod).
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and a management command share the file; IMMEDIATE avoids
    # "database is locked" on concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the cache, the Celery broker and result store. Without it, everything in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down must not take pages down: cache misses instead of errors.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": "tnportal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Facts changed this many seconds after the figures were computed make a dashboard bring them
# up to date when it opens (dashboards.services.figures_keep_fresh).
FIGURES_STALE_AFTER = env.int("FIGURES_STALE_AFTER", default=60)
# The largest request body accepted: an import's 5 MB file and its form around it.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=5 * 1024 * 1024 + 64 * 1024)
# How long whoever recorded a visit may still correct or withdraw it (officers: always).
VISIT_CORRECTION_DAYS = env.int("VISIT_CORRECTION_DAYS", default=7)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task (killed, out of memory) gives the task back to the queue; the
# tasks are idempotent (a roll-up recomputes, a report rebuilds), so a rerun is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2  # a request waits this long at most for a dead broker
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task is declared here, in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Uploaded spreadsheets carry personal data: erase their files after a week.
    "purge-old-uploads": {"task": "imports.purge_old_uploads", "schedule": 6 * 60 * 60},
    # The dashboards' figures, brought up to date from what changed (incremental: a run
    # costs what changed since the last one, so it can run often).
    "rollup": {"task": "dashboards.rollup", "schedule": 5 * 60},
    # Tasks kept in the database while the broker was down.
    "flush-outbox": {"task": "core.flush_outbox", "schedule": 60},
    # Accounts of members who left their team are locked (accounts.tasks), once a day.
    "lock-former-members": {"task": "accounts.lock_former_members", "schedule": 24 * 60 * 60},
    # What officers should hear of (notifications.rules), each morning after the night's
    # figures; the weekly digest by e-mail on Monday morning (Vietnam time).
    "notifications-evaluate": {
        "task": "notifications.evaluate",
        "schedule": crontab(hour=6, minute=15),
    },
    "notifications-digest": {
        "task": "notifications.weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
}

# --- Notifications: the channels a message leaves by (notifications.channels), the address
# links in e-mails point to, and the rules' thresholds.
NOTIFICATION_CHANNELS = env.list(
    "NOTIFICATION_CHANNELS", default=["notifications.channels.EmailChannel"]
)
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
NOTIFY_INACTIVE_DAYS = env.int("NOTIFY_INACTIVE_DAYS", default=21)
FILING_DUE_DAY = env.int("FILING_DUE_DAY", default=5)  # the month's report, by this day after

# --- Accounts (custom user, allauth: username or e-mail login, no open sign-up).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # user.has_perm("portal.<question>") asks accounts.policies (areas and audit use it).
    "accounts.backends.PolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins slow down per address and per account; the same message for a wrong
# password and an unknown account (allauth). The admin signs in through this form too.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Province officers and administrators must use an authenticator app (TOTP); any other user
# may turn one on (/accounts/2fa/); MFA_REQUIRED_ROLES can require it of area officers too.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])  # besides those two
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tổ CNSCĐ Thái Nguyên"
MFA_ADAPTER = "accounts.security.MfaAdapter"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # a working day

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cổng Tổ CNSCĐ <noreply@localhost>")

# --- Language and formats: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["core.formats"]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

# --- Static files: system fonts only, nothing from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production runs collectstatic and sets STATIC_MANIFEST=true (hashed, compressed files,
# cached forever); elsewhere WhiteNoise serves straight from the source folders.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# The passphrase backups are encrypted with (make backup / restore): keep it apart from them.
BACKUP_KEY = env.str("BACKUP_KEY", default="")

# --- API (built out in the field-visits issue).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than any of our bodies is a 400, never a RecursionError (a 500).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A service's ValidationError answers 400, like a serializer's (api/exceptions.py).
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Throttles see the client address the way the sign-in does (TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.AccountRateThrottle",
        "api.throttles.TokenRateThrottle",
    ],
}
# Requests per account and per API token (reads and writes together); a field app sending a
# day's visits at once stays far below. Exceeding answers 429 with Retry-After.
API_RATE_LIMITS = {
    "account": env.str("API_RATE_ACCOUNT", default="240/minute"),
    "token": env.str("API_RATE_TOKEN", default="240/minute"),
}

SPECTACULAR_SETTINGS = {
    # ASCII: generated clients name their package after it.
    "TITLE": "Thai Nguyen digital-technology teams API",
    "DESCRIPTION": (
        "Teams, members, households, citizens, visits and training of the community "
        "digital-technology teams of Thái Nguyên province. Every list is limited to the "
        "caller's area. Sign in with the portal session (browser) or send "
        "`Authorization: Token <token>` (scripts; obtain it at /api/v1/auth/token/)."
    ),
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess",
    ],
}

# --- Security. Production sets these through the environment (see .env.example).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=5000)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
