"""Plannerist settings, read from the environment (see README, "Configuration").

With no variable set this is the embedded default: a SQLite file under ``var/``, Celery
tasks run in-process, DEBUG off. ``DJANGO_DEBUG=1`` (set by ``make demo``) turns DEBUG on.
``PLANNERIST_PRODUCTION=1`` turns on the production hardening: a secret key and allowed
hosts are then required and cookies are secure.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from plannerist import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("PLANNERIST_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env.boolean("PLANNERIST_PRODUCTION", False)
DEBUG = env.boolean("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on with PLANNERIST_PRODUCTION.")


def _local_secret_key() -> str:
    # Outside production a key is made once per checkout and kept out of git (var/).
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = env.string("DJANGO_SECRET_KEY", required=PRODUCTION) or _local_secret_key()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env.string_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names.")
CSRF_TRUSTED_ORIGINS = env.string_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "allauth",  # sign-up, e-mail verification, login by e-mail, password reset (plannerist/accounts.py)
    "allauth.account",
    # The floors, from the ground up (tests/test_floors.py): an app's ready() runs after the
    # ready() of the apps below it, so that a signal's receivers run floor by floor (an import's
    # actuals_changed: forecasting queues its refit before kpis its recompute, which then
    # reads the new forecast).
    "plannerist",
    "sales",
    "forecasting",
    "campaigns",
    "capacity",
    "kpis",
    "reviews",
    "cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "plannerist.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # PostgreSQL restarting: a 503 "temporarily unavailable" page, not a 500.
    "plannerist.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "plannerist.urls"
WSGI_APPLICATION = "plannerist.wsgi.application"

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
                "plannerist.context_processors.shell",
                "plannerist.context_processors.email",
            ],
        },
    }
]

DATABASES = {
    "default": env.database("DATABASE_URL")
    or {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(env.string("SQLITE_PATH", str(VAR_DIR / "plannerist.sqlite3"))),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "plannerist.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How many reverse proxies in front of gunicorn append to X-Forwarded-For: login throttling
# then counts failures per client address rather than per proxy (plannerist/throttle.py).
PLANNERIST_TRUSTED_PROXIES = env.integer("PLANNERIST_TRUSTED_PROXIES", 0)
# E-mail: EMAIL_URL (smtp://…, smtps://…, console://) or EMAIL_HOST and its companions
# (plannerist/env.py). Unset, no mail is sent: the pages say how to get each link instead
# (an owner passes it on), and plannerist.mail.sending_configured() is False.
_EMAIL = env.email("EMAIL_URL")
PLANNERIST_EMAIL_SENDING = _EMAIL is not None
if _EMAIL is None:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
else:
    EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
    EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = _EMAIL.get("EMAIL_TIMEOUT")
_MAIL_DOMAIN = _EMAIL.get("EMAIL_HOST", "localhost") if _EMAIL else "localhost"
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", f"Plannerist <noreply@{_MAIL_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth): sign-up with an e-mail and a password, the e-mail verified before
# the first login, login by e-mail, password reset; its mail goes through plannerist.mail and
# sign-up is closed when no mail can be sent (plannerist/accounts.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin's login (the username is the e-mail)
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "plannerist.accounts.AccountAdapter"
ACCOUNT_FORMS = {"login": "plannerist.forms.ThrottledAllauthLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a button confirms: mail scanners that open links verify nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True  # as Django's login did: the session lasts SESSION_COOKIE_AGE
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown e-mail mails nobody
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Logins are counted by plannerist.throttle (in the database, shared by every worker);
# allauth's own counts live in the per-process cache and would answer before it, in other words.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION  # serve static/ without collectstatic outside production
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env.redis_url("CELERY_BROKER_URL", "REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 180)
CELERY_TIMEZONE = TIME_ZONE
# An unreachable Redis must never hang a web request: connect and publish fail fast.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # One more try at once, not after kombu's default 2 s pause: with Redis stopped every
    # edit would otherwise wait 2 s to learn it (tests/faults/test_redis_stopped.py).
    "max_retries": 1,
    "interval_start": 0,
    # A message a worker took and never acknowledged (the worker was killed) goes back to the
    # queue once it is this old, when a worker next looks (at its start, then about every 100 s).
    # Keep it above what a worker may hold a message: a retry's countdown (up to 10 min) and
    # a run (CELERY_TASK_TIME_LIMIT); below, held messages would run twice.
    # 20 min: a recompute killed with its worker runs again within about 20 min, not an hour.
    "visibility_timeout": env.integer("CELERY_VISIBILITY_TIMEOUT", 1200),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One queue per kind of job (benchmarks/README.md, "Growing past one machine"). A worker
# started without -Q consumes every queue listed here, taking from each in turn, so a night's
# thousand refits no longer stand between an import and its worker; `-Q refit` (…) gives a
# kind of job workers of its own. Tasks not routed go to "celery".
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "imports", "recompute", "refit", "reviews", "mail")]
CELERY_TASK_ROUTES = {
    "sales.tasks.*": {"queue": "imports"},
    "cockpit.tasks.sample_fill_task": {"queue": "imports"},  # the sample data is an import
    "kpis.tasks.*": {"queue": "recompute"},
    "forecasting.tasks.*": {"queue": "refit"},
    "reviews.tasks.*": {"queue": "reviews"},
    "plannerist.tasks.send_mail": {"queue": "mail"},
}
CELERY_BEAT_SCHEDULE = {
    # Organisations whose recompute could not be enqueued (Redis down) are caught up.
    "kpis-sweep-stale": {"task": "kpis.tasks.sweep_stale", "schedule": 300.0},
    # Import previews never confirmed are deleted after a day (they hold hashed customers).
    "sales-expire-imports": {"task": "sales.tasks.expire_imports", "schedule": 3600.0},
    # Every organisation's forecast refitted from its actuals, before the KPI recompute reads it.
    "forecasting-nightly-refit": {"task": "forecasting.tasks.nightly_refit", "schedule": crontab(hour=3, minute=0)},
    "kpis-nightly-recompute": {"task": "kpis.tasks.nightly_recompute", "schedule": crontab(hour=3, minute=15)},
    # Monday morning, after the nightly recompute: last ISO week's review drafts, one per organisation.
    "reviews-weekly-drafts": {
        "task": "reviews.tasks.prepare_review_drafts", "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    # On the hour: reviewed packs e-mailed at the weekday and hour their consultant chose.
    "reviews-scheduled-packs": {"task": "reviews.tasks.send_scheduled_packs", "schedule": crontab(minute=0)},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the body attribute, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.boolean("DJANGO_SECURE_SSL_REDIRECT", True)
    if PLANNERIST_TRUSTED_PROXIES:
        # Only a proxy in front says which scheme the client used; without one, a client
        # reaching gunicorn directly would choose it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "WARNING")},
}

# The salt for customer e-mail hashes (imports store a salted hash, never the address).
CUSTOMER_HASH_SALT = env.string("PLANNERIST_CUSTOMER_SALT") or SECRET_KEY
