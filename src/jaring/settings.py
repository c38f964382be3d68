"""Django settings for Jaring, read from environment variables with safe defaults.

Secrets never live here: the Django secret key and the data-encryption keys come
from the key file that ``jaring init`` writes (see ``jaring.crypto.keyring``).
"""

from __future__ import annotations

import secrets

import dj_database_url

from jaring.conf import data_dir, env, env_bool, env_int, env_list
from jaring.crypto.keyring import load_secret_key

DATA_DIR = data_dir()
DEBUG = env_bool("JARING_DEBUG", False)
KEY_FILE = env("JARING_KEY_FILE", str(DATA_DIR / "jaring-keys.json"))

# Without a key file the process still starts (so that `jaring init` and `--help`
# work), but with a throw-away secret; anything that needs real keys refuses to run.
SECRET_KEY = load_secret_key(KEY_FILE) or secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("JARING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("JARING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Serves Swagger UI from local static files; without it the docs page loads a CDN.
    "ninja",
    "jaring.core",
    "jaring.reference",
    "jaring.identity",
    "jaring.audit",
    "jaring.crypto",
    "jaring.intel",
    "jaring.care",
    "jaring.overview",
    "jaring.merl",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jaring.core.middleware.SecurityHeadersMiddleware",
    "jaring.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jaring.identity.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jaring.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "jaring.urls"
WSGI_APPLICATION = "jaring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jaring.core.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'jaring.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing mid-transaction.
        # The page cache is SQLite's default 2 MB unless raised: a big import then reads
        # its own indexes back from the operating system page by page.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; "
            f"PRAGMA cache_size=-{env_int('JARING_SQLITE_CACHE_MB', 64) * 1024};"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("JARING_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "identity:login"

LOGIN_MAX_FAILURES = env_int("JARING_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("JARING_LOGIN_LOCKOUT_SECONDS", 900)
API_TOKEN_DEFAULT_DAYS = env_int("JARING_API_TOKEN_DAYS", 90)

# An indicator in more reports than this stops linking them until an analyst reviews it,
# so one common value (a bank's hotline, a platform's domain) cannot merge the region.
INTEL_FANOUT_CAP = env_int("JARING_INTEL_FANOUT_CAP", 50)
CARE_ASSESSMENT_DAYS = env_int("JARING_CARE_ASSESSMENT_DAYS", 7)
CARE_RETENTION_DAYS = env_int("JARING_CARE_RETENTION_DAYS", 3650)

# MERL open data: counts of people under the threshold are suppressed (with secondary
# suppression), and published counts may be rounded to a base; 0 turns rounding off.
# A period's values are on time when entered within this many days after it ends.
MERL_REPORTING_GRACE_DAYS = env_int("JARING_MERL_REPORTING_GRACE_DAYS", 45)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("JARING_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("JARING_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("JARING_HSTS_SECONDS", 0)
if env_bool("JARING_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = env("JARING_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("JARING_STATIC_ROOT", str(DATA_DIR / "jaring-static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "JARING_STATIC_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

LOG_LEVEL = env("JARING_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "jaring.core.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
