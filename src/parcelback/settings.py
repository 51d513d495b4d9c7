"""One settings module, driven by environment variables only.

DATABASE_URL     sqlite:///path or postgres://user@host:port/name (default: SQLite in the data dir)
SECRET_KEY       falls back to a key generated once into the data dir, so a local install just works
PARCELBACK_DATA_DIR  where the SQLite file, the generated key and uploaded evidence live (default ./var)
DEBUG            "1" / "true" to enable
ALLOWED_HOSTS    comma separated (default 127.0.0.1,localhost)
TIME_ZONE        default Asia/Shanghai;  LANGUAGE_CODE default zh-hans
"""
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PARCELBACK_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "ninja",  # serves the API docs' Swagger UI from our own static files (no CDN, no inline script)
    "axes",
    "csp",
    "parcelback.core",
    "parcelback.accounts",
    "parcelback.contacts",
    "parcelback.reverse_orders",
    "parcelback.instruction_imports",
    "parcelback.webhooks",
    "parcelback.notifications",
    "parcelback.dashboard",
    "parcelback.bench",
    "parcelback.worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parcelback.accounts.middleware.ConsoleLanguageMiddleware",
    "parcelback.accounts.middleware.UserTimeZoneMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parcelback.accounts.middleware.ActorMiddleware",
    # API writes carrying an Idempotency-Key replay their first answer (see core/idempotency.py).
    "parcelback.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parcelback.urls"
WSGI_APPLICATION = "parcelback.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcelback.accounts.context_processors.actor",
                "parcelback.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "parcelback.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN: two writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # synchronous=FULL: an irreversible confirmation must survive a power cut.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;",
    }
    # Tests run against a real file, so concurrent connections behave as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache every server process shares (dashboard snapshots, the API rate limit's counters when REDIS_URL is set):
# the database by default (table created by core's migrations), Redis when REDIS_URL is set. Without Redis the
# rate limit counts in its own table, one statement a call (core.limits.count_in_window).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parcelback_cache",  # created by core's migration 0003
            "OPTIONS": {"MAX_ENTRIES": 100_000},  # entries are culled when the table grows past this
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing (tests never collect)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Covering indexes (`include`) serve PostgreSQL's index-only scans; SQLite builds the same indexes on their keys.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# npm packages (ECharts) are served from node_modules by core.vendor's finder; `make install` puts them there.
PARCELBACK_NODE_MODULES = os.environ.get("PARCELBACK_NODE_MODULES") or str(BASE_DIR.parent.parent / "node_modules")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "parcelback.core.vendor.NodeModulesFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded evidence and export files go through Django's storage API: a local folder by default, or any
# S3-compatible store when PARCELBACK_S3_BUCKET is set (credentials from the usual AWS_* variables), so several
# machines can share them. Needs `pip install -e '.[s3]'`.
if os.environ.get("PARCELBACK_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PARCELBACK_S3_BUCKET"],
            "endpoint_url": os.environ.get("PARCELBACK_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PARCELBACK_S3_REGION") or None,
            "location": os.environ.get("PARCELBACK_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_flag("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login lockout (django-axes): five wrong passwords for one username from one address lock it for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the socket's peer; behind a reverse proxy, list it (addresses or networks, comma separated, or how
# many proxies stand in front) in PARCELBACK_TRUSTED_PROXIES and the client's address is read from X-Forwarded-For.
# Without it a client's own X-Forwarded-For is ignored. See core.limits.client_address.
PARCELBACK_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("PARCELBACK_TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in PARCELBACK_TRUSTED_PROXIES:
    if not _proxy.isdigit():
        ipaddress.ip_network(_proxy, strict=False)  # a typo fails at start-up, not at every login
AXES_CLIENT_IP_CALLABLE = "parcelback.core.limits.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"

# Content-Security-Policy (django-csp 4): scripts and styles come only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Domain ---------------------------------------------------------------------------------------
# Days a merchant has to give an instruction, per reverse type, unless an admin sets a policy.
PARCELBACK_DEFAULT_DEADLINE_DAYS = 15
# Days a merchant has to confirm or dispute what the warehouse did before the system accepts it (the worker's sweep).
PARCELBACK_ACCEPTANCE_DAYS = float(os.environ.get("PARCELBACK_ACCEPTANCE_DAYS", "7"))
# The most orders one batch action or one create call may carry.
PARCELBACK_MAX_BATCH = 1000
# Above this many rows an export is written by the worker (progress page, then a download) instead of streamed.
PARCELBACK_EXPORT_STREAM_MAX = int(os.environ.get("PARCELBACK_EXPORT_STREAM_MAX", "20000"))
# Above this many rows an instruction import is checked and submitted by the worker (progress page) instead of at once.
PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS = int(os.environ.get("PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS", "1000"))
# API requests one token may make per period (counted in the shared cache, across all server processes),
# answered 429 with Retry-After beyond it.
PARCELBACK_API_RATE = os.environ.get("PARCELBACK_API_RATE", "1200/min")
# Seconds each server process remembers who a working API token acts as (accounts.tokens): a revoked token, a
# deactivated person or a changed role takes effect in every process within this time; 0 looks up every request.
PARCELBACK_TOKEN_CACHE_SECONDS = float(os.environ.get("PARCELBACK_TOKEN_CACHE_SECONDS", "5"))
# Whether webhooks may go to private, loopback, link-local and other non-public addresses: off, so no endpoint can
# make the worker call the internal network; `make run` turns it on for its local demo receiver on 127.0.0.1
# (`parcelback check --deploy` warns while it is on).
PARCELBACK_WEBHOOK_ALLOW_PRIVATE = env_flag("PARCELBACK_WEBHOOK_ALLOW_PRIVATE", False)
# Days the worker keeps webhook history (finished deliveries, their attempts, sent outbox messages) and finished
# export files; a million orders make tens of millions of webhook rows otherwise. Order timelines are kept for ever.
PARCELBACK_WEBHOOK_KEEP_DAYS = int(os.environ.get("PARCELBACK_WEBHOOK_KEEP_DAYS", "30"))
PARCELBACK_EXPORT_KEEP_DAYS = int(os.environ.get("PARCELBACK_EXPORT_KEEP_DAYS", "7"))

# --- Email (notifications) ---------------------------------------------------------------------------
# Django's SMTP backend when EMAIL_HOST is set; otherwise every email is printed on the worker's console, so a
# local install works offline. PARCELBACK_BASE_URL is where the links in emails point.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parcelback <noreply@parcelback.localhost>")
PARCELBACK_BASE_URL = os.environ.get("PARCELBACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The local hour (TIME_ZONE) after which each person's daily digest is sent; it holds what came before that hour.
PARCELBACK_DIGEST_HOUR = int(os.environ.get("PARCELBACK_DIGEST_HOUR", "8"))
# How old (seconds) the dashboard's kept figures may be before a page counts them again; the worker refreshes the
# views looked at within a day at half this age, so pages rarely wait.
PARCELBACK_DASHBOARD_FRESH_SECONDS = int(os.environ.get("PARCELBACK_DASHBOARD_FRESH_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "parcelback": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # Every unhandled 500 (and 5xx) with its traceback on stderr, with or without DEBUG: Django's default
        # sends them only to mail_admins when DEBUG is off, so in production they were never seen.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
