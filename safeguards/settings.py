"""Settings for Safeguards: one file, driven by the environment (see docs/deploy.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap

from safeguards.notifications.emailurl import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Everything the app writes (database file, evidence, generated keys) lives here; git ignores var/.
DATA_DIR = Path(os.environ.get("SAFEGUARDS_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def load_or_create_secret_key(data_dir: Path) -> str:
    """Return the key kept in the data folder, creating it (owner-only) on first start."""
    path = data_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


SECRET_KEY = os.environ.get("SAFEGUARDS_SECRET_KEY") or load_or_create_secret_key(DATA_DIR)
DEBUG = env_flag("SAFEGUARDS_DEBUG")
ALLOWED_HOSTS = env_list("SAFEGUARDS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("SAFEGUARDS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "safeguards.accounts",
    "safeguards.audit",
    "safeguards.catalog",
    "safeguards.reviews",
    "safeguards.reports",
    "safeguards.backups",
    "safeguards.signing",
    "safeguards.notifications",
    "safeguards.team",
    "safeguards.restricted",
    "safeguards.followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safeguards.accounts.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "safeguards.accounts.middleware.PrivatePagesMiddleware",
    "safeguards.accounts.middleware.RespondentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguards.urls"
WSGI_APPLICATION = "safeguards.wsgi.application"

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
                "safeguards.accounts.context_processors.offices",
                "safeguards.accounts.context_processors.nav_urls",
                "safeguards.notifications.context_processors.unread",
            ],
        },
    },
]


def database_from_url(url: str, prepare: bool = True) -> dict:
    """Django's settings for DATABASE_URL (dj-database-url), each connection kept for 60 s.

    On PostgreSQL the values go apart from the SQL and each connection prepares a statement
    on its third use: planning afresh the statements every page makes (rows with subqueries)
    took the server longer than running them (docs/benchmarks.md). SAFEGUARDS_PG_PREPARE=0
    turns this off, e.g. behind a pooler in transaction mode that cannot keep prepared
    statements (PgBouncer before 1.21).
    """
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.postgresql" and prepare:
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
    return config


# SQLite by default: WAL lets readers work while one writer writes, the busy timeout waits
# instead of failing, and IMMEDIATE transactions take the write lock at BEGIN so two saves
# queue up rather than deadlock into "database is locked". Each app thread keeps its connection
# for ten minutes: opening one (Django's SQL functions, the PRAGMAs, reading the schema) cost
# about 3.5 ms of CPU, on every request, before any page work.
SQLITE_PATH = DATA_DIR / "safeguards.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": database_from_url(
            os.environ["DATABASE_URL"], prepare=env_flag("SAFEGUARDS_PG_PREPARE", True)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, also reading the header's unread notification count with the user.
    "safeguards.accounts.backends.UserWithCountsBackend",
]
# Argon2id first, as Django recommends (memory-hard: ~100 MiB for about a third of a second per
# sign-in; a third less CPU than PBKDF2's 1,000,000 rounds). PBKDF2 hashes made before still
# verify and are rehashed with Argon2 at the person's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username coming from one address after five failures, for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEGUARDS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SAFEGUARDS_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_ENGINE = "safeguards.accounts.sessions"  # the database, read in written-out SQL
# Sessions end after a working day without activity.
SESSION_COOKIE_AGE = int(float(os.environ.get("SAFEGUARDS_SESSION_HOURS", "8")) * 3600)
SESSION_REFRESH_SECONDS = 300  # see accounts.middleware.SlidingSessionMiddleware
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_flag("SAFEGUARDS_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("SAFEGUARDS_TIME_ZONE", "UTC")
# No translations: the app is in English only, and Django's translation machinery costs
# every request (the active language is looked up for each formatted value and message).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
# Serve from the finders too, so a checkout works without collectstatic (tests, make run).
WHITENOISE_USE_FINDERS = True

# Uploaded evidence: outside every static folder, never served directly (see reviews.views).
MEDIA_ROOT = DATA_DIR / "evidence"
# Office signing keys (private, owner-only files; docs/signing.md).
SIGNING_KEYS_DIR = DATA_DIR / "signing-keys"
# An RFC 3161 time-stamping server: approved PDFs are then PAdES B-T, else B-B.
SAFEGUARDS_TSA_URL = os.environ.get("SAFEGUARDS_TSA_URL", "").strip()
# A PEM file of the time-stamping authorities whose timestamps verification reports as trusted.
SAFEGUARDS_TSA_CERTS = os.environ.get("SAFEGUARDS_TSA_CERTS", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def evidence_s3_storage(environ) -> dict | None:
    """The S3-compatible storage named by SAFEGUARDS_EVIDENCE_S3_* (docs/deploy.md), or None.

    The bucket stays private: no ACL is set and the app never hands out object URLs; every
    download streams through the view that checked the reader's office and role. Names are
    never overwritten (a second file under a taken name gets another name).
    """
    endpoint = environ.get("SAFEGUARDS_EVIDENCE_S3_ENDPOINT", "").strip()
    if not endpoint:
        return None
    options = {
        "endpoint_url": endpoint,
        "bucket_name": environ.get("SAFEGUARDS_EVIDENCE_S3_BUCKET", "safeguards-evidence"),
        "region_name": environ.get("SAFEGUARDS_EVIDENCE_S3_REGION", "us-east-1"),
        "location": environ.get("SAFEGUARDS_EVIDENCE_S3_PREFIX", ""),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    # Without keys boto3 finds credentials itself (instance role, AWS_* variables, ~/.aws).
    if environ.get("SAFEGUARDS_EVIDENCE_S3_ACCESS_KEY"):
        options["access_key"] = environ["SAFEGUARDS_EVIDENCE_S3_ACCESS_KEY"]
        options["secret_key"] = environ.get("SAFEGUARDS_EVIDENCE_S3_SECRET_KEY", "")
    return {"BACKEND": "safeguards.storage.SharedModelS3Storage", "OPTIONS": options}


if (s3_storage := evidence_s3_storage(os.environ)) is not None:
    STORAGES["default"] = s3_storage
EVIDENCE_MAX_BYTES = int(os.environ.get("SAFEGUARDS_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Reports: a PDF that takes longer than this many seconds to render fails cleanly
# (safeguards/reports/pdf.py); the paper size is each office's setting.
SAFEGUARDS_PDF_TIMEOUT = int(os.environ.get("SAFEGUARDS_PDF_TIMEOUT", "30"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages after an action travel in a signed cookie (Django's default; a long one overflows
# into the session), so showing "Saved …" costs no session write: with SQLite every write
# waits for the one write lock. The messages left unread at sign-in and sign-out are dropped
# (accounts/apps.py): they were the previous person's.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def cache_from_url(url: str) -> dict:
    """Django's cache settings for SAFEGUARDS_CACHE_URL: unset or `locmem://` keeps a cache in
    each process; `db://TABLE` (made by `manage.py createcachetable`) and `redis://HOST:PORT/N`
    (needs the `redis` package) are shared by every app process (docs/deploy.md)."""
    url = url.strip()
    if not url or url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme, separator, rest = url.partition("://")
    if separator and scheme == "db" and rest.strip("/"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest.strip("/"),
        }
    if separator and scheme in {"redis", "rediss"} and rest:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(
        f"SAFEGUARDS_CACHE_URL={url!r}: expected locmem://, db://TABLE or redis://HOST:PORT/N"
    )


# "fragments": rendered parts of pages (criterion guides, category-page rows, overview parts),
# each keyed by everything it shows, so a process's own copy can never be stale. They stay in
# each process even when SAFEGUARDS_CACHE_URL names a shared cache: a read is then a lookup in
# memory, not a round trip to Redis with a new client object (docs/deploy.md).
CACHES = {
    "default": cache_from_url(os.environ.get("SAFEGUARDS_CACHE_URL", "")),
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        # A category page's rows are one entry each: 300 (Django's default) held a few pages.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEGUARDS_LOG_LEVEL", "WARNING")},
}

# The address at which readers of a printed report reach the verify pages (QR code and short link).
SITE_URL = os.environ.get("SAFEGUARDS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: one URL (`smtp://user:pass@host:587`, `smtps://…`, `console:`); see docs/deploy.md.
globals().update(email_settings(os.environ.get("SAFEGUARDS_EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = os.environ.get("SAFEGUARDS_EMAIL_FROM", "safeguards@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Public verify pages (signed out too): lookups per client address per window, then 429.
SAFEGUARDS_VERIFY_RATE = int(os.environ.get("SAFEGUARDS_VERIFY_RATE", "30"))
SAFEGUARDS_VERIFY_WINDOW_SECONDS = int(os.environ.get("SAFEGUARDS_VERIFY_WINDOW_SECONDS", "60"))
