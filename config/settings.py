"""The one settings module. Everything that differs between machines comes from the environment.

Modes (`SCARPETTE_ENV`):
- `production` (the default: secure unless told otherwise) needs its keys and hosts, refuses demo.
- `demo` is what `make run` uses: SQLite, local key file under var/, two-factor optional, banner.
- `test` is what the test suite uses (config/settings_test.py sets it).

Every variable is documented in docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from scarpette.core.client_ip import parse_networks
from scarpette.core.env import env_bool, env_choice, env_int, env_list, env_str
from scarpette.core.keys import (
    derive_key,
    load_demo_keys,
    parse_encryption_keys,
    parse_hmac_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SCARPETTE_VAR_DIR") or BASE_DIR / "var")

SCARPETTE_ENV = env_str("SCARPETTE_ENV", "production")
if SCARPETTE_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("SCARPETTE_ENV must be production, demo or test")
IS_PRODUCTION = SCARPETTE_ENV == "production"
IS_DEMO = SCARPETTE_ENV == "demo"
IS_TEST = SCARPETTE_ENV == "test"

DEBUG = env_bool("DJANGO_DEBUG", False)
# An audit action no app registered (scarpette.audit.actions) is an error outside production.
AUDIT_ACTIONS_STRICT = env_bool("AUDIT_ACTIONS_STRICT", DEBUG or not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on in production")

# --- Secrets -------------------------------------------------------------------------------------
if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY") or ""
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) of 50+ characters is required")
    FIELD_ENCRYPTION_KEYS = parse_encryption_keys(env_str("FIELD_ENCRYPTION_KEYS"))
    FIELD_HMAC_KEY = parse_hmac_key(env_str("FIELD_HMAC_KEY"))
else:
    _demo = load_demo_keys(VAR_DIR / ("test-keys.json" if IS_TEST else "demo-keys.json"))
    SECRET_KEY = env_str("SECRET_KEY") or _demo["secret_key"]
    FIELD_ENCRYPTION_KEYS = parse_encryption_keys(
        env_str("FIELD_ENCRYPTION_KEYS") or _demo["field_encryption_keys"]
    )
    FIELD_HMAC_KEY = parse_hmac_key(env_str("FIELD_HMAC_KEY") or _demo["field_hmac_key"])
# The audit chain's key: outside the database like the field keys, so that whoever can write the
# database cannot recompute the chain after an edit (docs/security.md, "Audit log").
AUDIT_HMAC_KEY = (
    parse_hmac_key(env_str("AUDIT_HMAC_KEY"))
    if env_str("AUDIT_HMAC_KEY")
    else derive_key(FIELD_HMAC_KEY, "audit-chain-v1")
)
# Signed checkpoints of the chain, written outside the database by `audit_checkpoint`.
AUDIT_CHECKPOINT_DIR = env_str(
    "AUDIT_CHECKPOINT_DIR", "" if IS_PRODUCTION else str(VAR_DIR / "audit-checkpoints")
)
AUDIT_CHECKPOINT_EMAIL = env_str("AUDIT_CHECKPOINT_EMAIL", "")
# An event id below the last sealed one that has not appeared this long after it was first
# missed belongs to a rolled-back transaction: the sealer stops waiting for it.
AUDIT_HOLE_GRACE_SECONDS = env_int("AUDIT_HOLE_GRACE_SECONDS", 3600)
# Who seals the events a commit appended: "background" (a thread of the process, a moment after
# the commit, so a request never waits for it) or "commit" (in the committing thread, right
# after the commit: the test suite, whose transactions other threads cannot see).
AUDIT_SEAL_MODE = env_choice(
    "AUDIT_SEAL_MODE", ("background", "commit"), "commit" if IS_TEST else "background"
)

# --- Hosts and HTTPS ---------------------------------------------------------------------------
_LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else [*_LOCAL_HOSTS, "testserver"])
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
if IS_DEMO and any(h not in _LOCAL_HOSTS + ["testserver"] for h in ALLOWED_HOSTS):
    # The demo has two-factor off and well-known passwords: it must never face a network.
    raise ImproperlyConfigured("demo mode only serves this machine (ALLOWED_HOSTS must be local)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "scarpette.core.views.csrf_failure"

HTTPS = env_bool("SCARPETTE_HTTPS", IS_PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer probes the health check on the plain-HTTP backend port, often without
# X-Forwarded-Proto; it carries no data and sets no cookie, so it answers there instead of a 301.
SECURE_REDIRECT_EXEMPT = [r"^salute/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", IS_PRODUCTION) else None
)
# The client's address behind reverse proxies (scarpette/core/client_ip.py): how many proxies in
# front of us append to X-Forwarded-For, or which addresses they have. Neither: REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
try:
    TRUSTED_PROXIES = parse_networks(env_list("TRUSTED_PROXIES", []))
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc
if TRUSTED_PROXY_COUNT < 0 or (TRUSTED_PROXY_COUNT and TRUSTED_PROXIES):
    raise ImproperlyConfigured("set either TRUSTED_PROXY_COUNT (0 or more) or TRUSTED_PROXIES")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The __Host- prefix pins cookies to this exact host over HTTPS (browsers reject it on plain HTTP).
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"

# --- Sessions: idle 15 minutes, absolute 8 hours, enforced server-side (core.middleware) ----------
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 15 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
SESSION_WARN_BEFORE_SECONDS = env_int("SESSION_WARN_BEFORE_SECONDS", 120)
# The idle deadline moves (the session row is written) only when this long has passed since it
# last moved: requests closer together than this write nothing.
SESSION_TOUCH_SECONDS = env_int("SESSION_TOUCH_SECONDS", 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Applications ----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "scarpette.core",
    "scarpette.accounts",
    "scarpette.audit",
    "scarpette.screening",
    "scarpette.cases",
    "scarpette.referrals",
    "scarpette.questionnaire",
    "scarpette.applications",
    "scarpette.notifications",
    "django_tasks",
    "django_tasks_db",
    # htmx (its pinned htmx.min.js as a static file) and request.htmx: docs/decisions/0004.
    "django_htmx",
    "scarpette.demo",
]

MIDDLEWARE = [
    "scarpette.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "scarpette.core.middleware.ErrorReferenceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "scarpette.core.middleware.ItalianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "scarpette.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "scarpette.core.middleware.RequestContextMiddleware",
    "scarpette.audit.middleware.ForbiddenAuditMiddleware",
    "scarpette.audit.reads.ReadAuditMiddleware",
    "scarpette.questionnaire.middleware.KeepTypedPageMiddleware",
    "scarpette.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "scarpette.accounts.middleware.MembershipRequiredMiddleware",
    "scarpette.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "scarpette.accounts.context_processors.platform",
                "scarpette.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------------


def _database(url: str) -> dict:
    """DATABASE_URL (dj-database-url's syntax) plus our options for each engine.

    `sqlite:///var/x.sqlite3` is relative to the project directory, `sqlite:////srv/x.sqlite3`
    (four slashes) is absolute; PostgreSQL query parameters (`?sslmode=require`) become OPTIONS.
    """
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ImproperlyConfigured("DATABASE_URL must start with sqlite:// or postgres://")
    config = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if not name or name == ":memory:":
            raise ImproperlyConfigured("DATABASE_URL for sqlite needs a file path")
        # Relative to the project, not to the directory the process happens to start in.
        config["NAME"] = str(BASE_DIR / name)  # an absolute name stays as it is
        # Writers wait for each other instead of failing with "database is locked".
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        config["TEST"] = {"NAME": None}
    else:
        config["NAME"] = config.get("NAME") or "scarpette"
        config["OPTIONS"] = config.get("OPTIONS") or {}
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'scarpette.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # In the database so that login throttling holds across worker processes without a new service.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "scarpette_cache",
    }
}

# --- Authentication ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# allauth's backend, loading her membership and organisation with the user (one query a request).
AUTHENTICATION_BACKENDS = ["scarpette.accounts.backends.AuthenticationBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "scarpette.accounts.validators.ContextPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "scarpette.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing (allauth would mail "no account here"): the
# page answers the same either way, and nobody learns from a mailbox whether an address is known.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_SECONDS", 300)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/m/ip",
    "reset_password": "5/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "scarpette.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portale servizi"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side: old PCs and phones drift
MFA_RECOVERY_CODE_COUNT = 10
MFA_RATE_LIMITS = {"authenticate": "5/5m/ip"}
# Two-factor login is mandatory for every staff account; only the demo may switch it off.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True) if IS_DEMO else True
# The load benchmark's reference page (manage.py loadbench): signed in, the whole middleware, no
# work. Off unless asked for; when off its URL does not exist (404).
BENCHMARK_BARE_VIEW = env_bool("BENCHMARK_BARE_VIEW", False)

# --- Internationalisation ----------------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap Italia (design-django-theme, pinned): only the files the pages use, under
# static/bootstrap-italia/ (scarpette/core/staticfinders.py, docs/decisions/0003).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "scarpette.core.staticfinders.BootstrapItaliaFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- Mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@servizi.invalid")  # neutral
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Platform -----------------------------------------------------------------------------------------
# Where the quick-exit control sends the woman: a neutral, common site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.google.com/search?q=meteo")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
if any(word in SITE_URL.lower() for word in ("scarpette", "violen", "antiviolenza")):
    # The address travels in every e-mail: it must not say what the service is (security.md).
    raise ImproperlyConfigured("SITE_URL must be a neutral address (it appears in e-mails)")
INFORMATION_NOTICE_VERSION = env_str("INFORMATION_NOTICE_VERSION", "2026-01")
CASES_PAGE_SIZE = 25
# Closed percorsi are anonymised this many months after closure (retention_purge, daily).
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
# How long an administrator's break-glass access to one percorso lasts.
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", 60)
if RETENTION_MONTHS < 1 or not 1 <= BREAK_GLASS_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        "RETENTION_MONTHS must be at least 1 and BREAK_GLASS_MINUTES between 1 and 1440"
    )
# The tablet goes back to its start screen after this many idle seconds (answers are kept).
TABLET_IDLE_SECONDS = env_int("TABLET_IDLE_SECONDS", 180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The default request logger prints request details on errors; we log our own reference.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- Notifications (scarpette.notifications) ----------------------------------------------------------
# Neutral e-mails ("something new", a link) go out after commit through an outbox, one recipient each.
INPS_MAILBOX = env_str("INPS_MAILBOX", "casella-inps@demo.invalid")
# Delivery is retried with a doubling back-off capped at NOTIFY_RETRY_MAX_SECONDS for a period of
# NOTIFY_RETRY_HOURS from when the message was queued; only then is it marked failed.
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)  # the first retry's delay; then doubles
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600)
NOTIFY_RETRY_HOURS = env_int("NOTIFY_RETRY_HOURS", 48)
# A message still queued this long after it was queued is "late" (shown to the administrator).
NOTIFY_LATE_MINUTES = env_int("NOTIFY_LATE_MINUTES", 15)
# Background tasks (Django's task API, django-tasks backport). TASKS_BACKEND chooses the backend:
# "database" (a `manage.py db_worker` process runs them; production and the tests by default) or
# "immediate" (the task runs in the request that commits, no worker: the demo's default).
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", ("immediate", "database"), "immediate" if IS_DEMO else "database"
)
TASK_BACKEND_PATHS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKEND_PATHS[TASKS_BACKEND]}}
# A task still RUNNING this long after it started was left by a dead worker: the sweeper
# (send_pending_mail) marks it failed; the outbox message it carried is still queued and is sent.
TASKS_STALE_MINUTES = env_int("TASKS_STALE_MINUTES", 15)
