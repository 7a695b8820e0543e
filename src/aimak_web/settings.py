"""Settings of the aimak platform, read from the environment.

Embedded default: SQLite in ``$AIMAK_DATA_DIR`` (``out/web`` under the working folder), no server
to install. Production: ``DATABASE_URL=postgres://...`` (psycopg 3), ``AIMAK_SECRET_KEY``,
``AIMAK_ALLOWED_HOSTS`` and ``AIMAK_HTTPS=1`` behind TLS; see ``docs/deploy.md``.

| variable | meaning | default |
|---|---|---|
| ``AIMAK_DEBUG`` | Django's DEBUG (development only) | off |
| ``AIMAK_DATA_DIR`` | SQLite file, uploads, static files, generated secret | ``out/web`` |
| ``DATABASE_URL`` | database; SQLite in the data folder when unset | |
| ``AIMAK_SECRET_KEY`` | secret key; without it one is generated once into the data folder | |
| ``AIMAK_ALLOWED_HOSTS`` | comma-separated host names | ``127.0.0.1,localhost`` |
| ``AIMAK_HTTPS`` | the site is served over HTTPS: secure cookies, HSTS, redirect | off |
| ``AIMAK_EMAIL_BACKEND`` | Django e-mail backend | console |
| ``AIMAK_EMAIL_HOST``, ``_PORT`` | SMTP server (also ``_USER``, ``_PASSWORD``, ``_TLS``) | :25 |
| ``AIMAK_SITE_URL`` | public address of the site, for links in e-mails | localhost:8000 |
| ``AIMAK_SUBSCRIPTION_PRICE_SOM`` | journal's yearly price, non-members (members: 0) | 2400 |
| ``AIMAK_SMS_BACKEND`` | ``console``, ``file`` or ``locmem`` (no real SMS provider) | console |
| ``AIMAK_TRUSTED_PROXIES`` | proxies believed in ``X-Forwarded-For`` (addresses, networks) | none |
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from aimak.paths import data_home


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("AIMAK_DATA_DIR", "out/web")).resolve()

DEBUG = _flag("AIMAK_DEBUG")
HTTPS = _flag("AIMAK_HTTPS")


def _secret_key() -> str:
    """The secret from the environment; else one generated once and kept in the data folder."""
    key = os.environ.get("AIMAK_SECRET_KEY", "")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "AIMAK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "aimak_web.core",
    "aimak_web.accounts",
    "aimak_web.places",
    "aimak_web.hearings",
    "aimak_web.contests",
    "aimak_web.practices",
    "aimak_web.journal",
    "aimak_web.portraits",
    "aimak_web.territory",
    "aimak_web.forecasts",
    "aimak_web.demo",
]

MIDDLEWARE = [
    "aimak_web.core.client.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "aimak_web.urls"
WSGI_APPLICATION = "aimak_web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aimak_web.core.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "db.sqlite3"),
          "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                      "transaction_mode": "IMMEDIATE", "timeout": 20}},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (the territory explorer's optimiser, ensembles, analyses): django-tasks with
# its database backend, so that PostgreSQL and SQLite both work; ``aimak-web db_worker`` runs
# them (``aimak-web demo`` starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Shared between processes (gunicorn workers): rate limits and lock-outs count in the database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "aimak_cache"},
    # public pages for anonymous readers (aimak_web.core.cache.public_page), per process
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "LOCATION": "aimak-pages", "OPTIONS": {"MAX_ENTRIES": 2000}},
}
AIMAK_PAGE_CACHE_SECONDS = int(os.environ.get("AIMAK_PAGE_CACHE_SECONDS", 60))
#: pages that change while people read them (an open hearing), for anonymous readers
AIMAK_LIVE_PAGE_CACHE_SECONDS = int(os.environ.get("AIMAK_LIVE_PAGE_CACHE_SECONDS", 5))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "aimak_web.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Lock-out after repeated failures (django-axes): 5 failures per account or per address,
# 15 minutes. Failures count against the account however it is typed (lockout_username: an
# e-mail in any case, a phone in any spelling); a success clears only that account's own
# failures (accounts.apps), never an address's failures against other accounts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_CALLABLE = "aimak_web.accounts.backends.lockout_username"
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# The client's address (aimak_web.core.client): X-Forwarded-For is believed only from these
# proxies (e.g. "127.0.0.1" behind the documented nginx); lock-outs, limits, the audit trail and
# votes all use it.
AIMAK_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("AIMAK_TRUSTED_PROXIES", "").split(",")
                         if p.strip()]
AXES_CLIENT_IP_CALLABLE = "aimak_web.core.client.client_ip"
RATELIMIT_IP_META_KEY = "aimak_web.core.client.client_ip"

# Rate limits (django-ratelimit), per the documented budget of each action.
RATELIMIT_VIEW = "aimak_web.core.views.rate_limited"
AIMAK_RATE_SIGNIN = os.environ.get("AIMAK_RATE_SIGNIN", "20/10m")
AIMAK_RATE_CODE = os.environ.get("AIMAK_RATE_CODE", "10/10m")
AIMAK_RATE_POST = os.environ.get("AIMAK_RATE_POST", "30/10m")
#: generated documents (PDF notices, minutes, certificates) for anonymous visitors, per address
AIMAK_RATE_DOCUMENT = os.environ.get("AIMAK_RATE_DOCUMENT", "30/10m")
#: how long a generated document is kept, keyed by its content (a change makes a new one)
AIMAK_DOCUMENT_CACHE_SECONDS = int(os.environ.get("AIMAK_DOCUMENT_CACHE_SECONDS", 24 * 3600))
#: password reset e-mails: per client address (then 429) and per account (then nothing sent)
AIMAK_RATE_RESET_ADDRESS = os.environ.get("AIMAK_RATE_RESET_ADDRESS", "10/h")
AIMAK_RATE_RESET_ACCOUNT = os.environ.get("AIMAK_RATE_RESET_ACCOUNT", "3/h")
#: a phone number never confirmed is released for someone else's sign-up after this time
AIMAK_UNCONFIRMED_PHONE_TTL = timedelta(hours=int(os.environ.get(
    "AIMAK_UNCONFIRMED_PHONE_HOURS", 24)))
#: edits in the territory explorer, per account (aimak_web.core.limits)
AIMAK_RATE_EDIT = os.environ.get("AIMAK_RATE_EDIT", "600/h")

# One-time codes for phone confirmation.
AIMAK_CODE_TTL = timedelta(minutes=10)
AIMAK_CODE_MAX_ATTEMPTS = 5
AIMAK_SMS_BACKEND = os.environ.get("AIMAK_SMS_BACKEND", "console")
AIMAK_SMS_FILE = os.environ.get("AIMAK_SMS_FILE", str(DATA_DIR / "sms.log"))

EMAIL_BACKEND = os.environ.get("AIMAK_EMAIL_BACKEND",
                               "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("AIMAK_FROM_EMAIL", "aimak <noreply@localhost>")
# SMTP delivery (with AIMAK_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend)
EMAIL_HOST = os.environ.get("AIMAK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("AIMAK_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("AIMAK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("AIMAK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("AIMAK_EMAIL_TLS")
EMAIL_TIMEOUT = 30
#: the site's public address: links in e-mails and PDFs are built from it (never a host name
#: taken from a request, never a hard-coded domain)
AIMAK_SITE_URL = os.environ.get("AIMAK_SITE_URL", "http://localhost:8000").rstrip("/")
#: the journal's subscription prices, som a year (a settings change, not a code change)
AIMAK_SUBSCRIPTION_PRICE_SOM = int(os.environ.get("AIMAK_SUBSCRIPTION_PRICE_SOM", 2400))
AIMAK_SUBSCRIPTION_MEMBER_PRICE_SOM = int(os.environ.get("AIMAK_SUBSCRIPTION_MEMBER_PRICE_SOM",
                                                         0))
#: reminders go this many days before a subscription expires
AIMAK_SUBSCRIPTION_REMIND_DAYS = int(os.environ.get("AIMAK_SUBSCRIPTION_REMIND_DAYS", 30))

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("ky", _("Kyrgyz")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Kyrgyz numbers as Russian ones (decimal comma), thin-space thousands (aimak_web.core.text)
FORMAT_MODULE_PATH = ["aimak_web.core.formats"]
USE_I18N = True
# messages translated when shown, in the language of the page that shows them
MESSAGE_STORAGE = "aimak_web.core.flash.Storage"
USE_TZ = True
TIME_ZONE = "Asia/Bishkek"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# uploads are sent by the application after its permission check (aimak_web.core.files); set
# to nginx's internal location (e.g. /protected-media/) to let nginx send the bytes
AIMAK_MEDIA_ACCEL = os.environ.get("AIMAK_MEDIA_ACCEL", "")
# Front-end libraries come from npm (package.json at the repository root); nothing from a CDN.
AIMAK_NODE_MODULES = Path(os.environ.get("AIMAK_NODE_MODULES", REPO_DIR / "node_modules"))
STATICFILES_DIRS = [("vendor/leaflet", AIMAK_NODE_MODULES / "leaflet" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# files browsers ask for at the site's root (/favicon.ico), served by whitenoise
WHITENOISE_ROOT = PACKAGE_DIR / "core" / "root"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded tables and images are measured before they are parsed (aimak_web.core.uploads).
AIMAK_UPLOAD_MAX_ROWS = int(os.environ.get("AIMAK_UPLOAD_MAX_ROWS", 100_000))
AIMAK_UPLOAD_MAX_CELLS = int(os.environ.get("AIMAK_UPLOAD_MAX_CELLS", 1_000_000))
AIMAK_UPLOAD_MAX_UNPACKED = int(os.environ.get("AIMAK_UPLOAD_MAX_UNPACKED", 50 * 1024 * 1024))
AIMAK_IMAGE_MAX_PIXELS = int(os.environ.get("AIMAK_IMAGE_MAX_PIXELS", 40_000_000))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: every form has CSRF (middleware); cookies are HTTP-only and same-site.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("AIMAK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("AIMAK_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("AIMAK_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o]

# Content-Security-Policy: scripts and styles only from this site, no inline code.
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
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "aimak_web.core.api.CappedPagination",
    "PAGE_SIZE": 100,
    # anonymous clients per address, signed-in per account (the default cache is shared
    # between the server's processes)
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle",
                                 "rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("AIMAK_RATE_API_ANON", "120/min"),
                               "user": os.environ.get("AIMAK_RATE_API_USER", "600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aimak open data API",
    "DESCRIPTION": "Read-only open data of the aimak platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AIMAK_LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "aimak_web.core.views.csrf_failure"
# The real open data the pages read at run time (never copied into the repository): the one
# data folder of the core (``aimak.paths.data_home``: $AIMAK_SOURCE, else the shared copy).
AIMAK_SHARED_DATA = str(data_home() or "")
