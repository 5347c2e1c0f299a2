"""Django settings, read from the environment with safe defaults for the embedded demo."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("AUTOCRM_HOME", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or a key generated once for this data dir."""
    if key := os.environ.get("AUTOCRM_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("AUTOCRM_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("AUTOCRM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "autocrm.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "csp",
    "autocrm.core",
    "autocrm.accounts",
    "autocrm.dealers",
    "autocrm.sources",
    "autocrm.quality",
    "autocrm.identity",
    "autocrm.customers",
    "autocrm.vehicles",
    "autocrm.interactions",
    "autocrm.leads",
    "autocrm.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "autocrm.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "autocrm.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "autocrm.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "autocrm.core.middleware.AppErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "autocrm.urls"
WSGI_APPLICATION = "autocrm.wsgi.application"
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
                "autocrm.accounts.context.actor",
            ],
        },
    },
]


def _sqlite(name: str) -> dict[str, object]:
    """Settings of every SQLite store, the default file or one named by DATABASE_URL: WAL (readers
    never wait on the writer), IMMEDIATE transactions (a writer takes the lock at its start, so
    two writers queue instead of failing) and a busy timeout."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
        "TEST": {"NAME": str(Path(name).with_name("test.sqlite3"))},
        # Keep each worker's connection: opening one runs the PRAGMAs and starts a cold cache.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


def _database() -> dict[str, object]:
    """Return the default database: DATABASE_URL, or a SQLite file in WAL mode."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return _sqlite(str(DATA_DIR / "autocrm.sqlite3"))
    config = dict(dj_database_url.parse(url, conn_max_age=60))
    if "sqlite" in str(config["ENGINE"]):
        return _sqlite(str(Path(str(config["NAME"])).resolve()))
    if "postgresql" not in str(config["ENGINE"]):
        return config
    # Bind parameters on the server so that a statement run 5 times on a connection is
    # prepared once: the 360° view's queries then skip parsing and planning.
    # AUTOCRM_PG_PREPARE=off turns that off (for a transaction-mode connection pooler).
    prepare = os.environ.get("AUTOCRM_PG_PREPARE", "5")
    options: dict[str, object] = {
        "server_side_binding": True,
        "prepare_threshold": None if prepare == "off" else int(prepare),
    }
    options.update(config.get("OPTIONS") or {})  # type: ignore[call-overload]
    config["OPTIONS"] = options
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# API tokens expire after this many days (and can be revoked at any time).
AUTOCRM_TOKEN_DAYS = int(os.environ.get("AUTOCRM_TOKEN_DAYS", "90"))

# Lock a username from an address out for 15 minutes after 5 failed logins (page or API), and
# an address for every username after 20 (one guess each across many usernames): axes counts
# both, `accounts.lockout.failure_limit` picks the limit. A token is refused while locked out.
AUTOCRM_LOGIN_FAILURES_PER_USER = 5
AUTOCRM_LOGIN_FAILURES_PER_ADDRESS = 20
AXES_FAILURE_LIMIT = "autocrm.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # this order: see lockout
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "autocrm.accounts.lockout.locked_out"
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "autocrm.core.error_pages.csrf_failure"
# Behind TLS in production: AUTOCRM_SECURE=1 sets secure cookies and HSTS.
SECURE = os.environ.get("AUTOCRM_SECURE", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
# Every script and style is served by us (vendored); style attributes are the one allowance.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AUTOCRM_LOG_LEVEL", "WARNING")},
    "loggers": {"splink": {"level": "ERROR"}},
}
