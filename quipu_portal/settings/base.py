"""Settings shared by every stack, read from the environment.

With no variables set this is the embedded stack: SQLite in ``data/``,
django-q2 on its ORM broker, the database cache. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("QUIPU_DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_q",
    "axes",
    "quipu_portal.core",
    "quipu_portal.quipu",
    "quipu_portal.sandbox",
    "quipu_portal.connections",
    "quipu_portal.resource_admin",
    "quipu_portal.book_entries",
    "quipu_portal.invoices",
    "quipu_portal.simplified_invoices",
    "quipu_portal.additional_income",
    "quipu_portal.tickets",
    "quipu_portal.paysheets",
    "quipu_portal.contacts",
    "quipu_portal.numbering_series",
    "quipu_portal.accounting_categories",
    "quipu_portal.accounting_subcategories",
    "quipu_portal.analytic_categories",
    "quipu_portal.pdfs",
    "quipu_portal.exports",
    "quipu_portal.files",
    "quipu_portal.audit",
    "quipu_portal.jobs",
    "quipu_portal.bulk_categories",
    "quipu_portal.bulk_delete",
    "quipu_portal.tax_previews",
    "quipu_portal.quarter_review",
    "quipu_portal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quipu_portal.core.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "quipu_portal.quipu.deadline.PageDeadlineMiddleware",
]

ROOT_URLCONF = "quipu_portal.urls"
WSGI_APPLICATION = "quipu_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quipu_portal.core.context_processors.layout",
                "quipu_portal.connections.context_processors.connections",
                "quipu_portal.jobs.context_processors.job_indicator",
            ],
        },
    },
]

# Databases ------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
}

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "quipu_portal.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, shared state -------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "quipu_portal"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "quipu_portal_cache",
        }
    }

# django-q2 ------------------------------------------------------------------
# retry must stay well above timeout: a task whose worker died is delivered
# again ``retry`` seconds after it was taken (see the jobs app).
Q_BROKER = os.environ.get("Q_BROKER", "orm")
Q_CLUSTER = {
    "name": "quipu_portal",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 0,
    "queue_limit": int(os.environ.get("Q_WORKERS", "2")),
    "ack_failures": False,
    "catch_up": False,
    "save_limit": 500,
    "poll": float(os.environ.get("Q_POLL_SECONDS", "0.05")),
    "label": _("Background tasks"),
}
if Q_BROKER == "redis" and REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Auth -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
# Locked per (user name, address): someone else failing for a user name does not lock its owner out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many proxies in front of the portal append to X-Forwarded-For (0: it is not read at all).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "quipu_portal.core.client_address.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["quipu_portal.formats"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LANGUAGE_COOKIE_NAME = "quipu_language"

# Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security ---------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Quipu ------------------------------------------------------------------------
QUIPU_DEFAULT_BASE_URL = os.environ.get("QUIPU_DEFAULT_BASE_URL", "https://getquipu.com")
# The only API addresses a connection may point at (the server calls them: no host a user types in).
QUIPU_ALLOWED_BASE_URLS = env_list("QUIPU_ALLOWED_BASE_URLS") or [QUIPU_DEFAULT_BASE_URL]
# The local sandbox, on any port: added by the local and test settings only.
SANDBOX_BASE_URLS = [
    f"{scheme}://{host}" for scheme in ("http", "https") for host in ("127.0.0.1", "localhost", "[::1]")
]
QUIPU_RATE_LIMIT = os.environ.get("QUIPU_RATE_LIMIT", "5/5s")
QUIPU_TIMEOUT_SECONDS = float(os.environ.get("QUIPU_TIMEOUT_SECONDS", "20"))
QUIPU_PAGE_WAIT_LIMIT_SECONDS = float(os.environ.get("QUIPU_PAGE_WAIT_LIMIT_SECONDS", "4"))
# All the Quipu calls of one page view, retries included, end within this (background jobs have none).
QUIPU_PAGE_DEADLINE_SECONDS = float(os.environ.get("QUIPU_PAGE_DEADLINE_SECONDS", "25"))
QUIPU_ENCRYPTION_KEYS = env_list("QUIPU_ENCRYPTION_KEYS")
QUIPU_ALLOW_INSECURE_LOOPBACK = False
QUIPU_FILE_RETENTION_DAYS = int(os.environ.get("QUIPU_FILE_RETENTION_DAYS", "7"))
# How long the totals of a filtered list are shown before they are read from Quipu again.
QUIPU_TOTALS_CACHE_SECONDS = int(os.environ.get("QUIPU_TOTALS_CACHE_SECONDS", "600"))
# How long work may wait with no task finishing before `manage.py jobs_health` fails (three job leases).
QUIPU_JOB_STALL_SECONDS = float(os.environ.get("QUIPU_JOB_STALL_SECONDS", "270"))
# At a raised rate limit (sends under 0.05 s apart) a job's chunk writes with this many threads at once.
QUIPU_JOB_LANES = int(os.environ.get("QUIPU_JOB_LANES", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # requests-oauthlib and oauthlib log tokens at DEBUG.
        "requests_oauthlib": {"level": "WARNING"},
        "oauthlib": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
