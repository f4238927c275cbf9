"""The one settings module. Everything comes from the environment (see env.py);
unset, Commonroom runs on embedded defaults: SQLite, an in-memory channel layer
and immediate tasks. ``COMMONROOM_ENV=production`` turns every safety default on
and refuses to start without a real secret.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from commonroom.env import ConfigurationError, envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("COMMONROOM_DATA_DIR") or Path.cwd() / "var").resolve()

ENVIRONMENT = envstr("COMMONROOM_ENV", "development") or "development"
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ConfigurationError(
        f"COMMONROOM_ENV must be development, production or test, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"
DEBUG = envbool("COMMONROOM_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigurationError("COMMONROOM_DEBUG must be off when COMMONROOM_ENV=production")


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or len(set(key)) < 5):
            raise ConfigurationError("SECRET_KEY must be at least 50 varied characters")
        return key
    if PRODUCTION:
        raise ConfigurationError(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when COMMONROOM_ENV=production"
        )
    # Outside production a random key is made once and kept beside the data,
    # so sessions survive a restart but no key is ever shared between installs.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The key of the audit log's chain. It must live outside the database:
    whoever can write the audit tables but not read this key cannot make a
    changed log verify again."""
    key = envstr("COMMONROOM_AUDIT_KEY")
    if key:
        if len(key) < 32:
            raise ConfigurationError("COMMONROOM_AUDIT_KEY must be at least 32 characters")
        return key.encode()
    if PRODUCTION:
        raise ConfigurationError(
            "COMMONROOM_AUDIT_KEY (or COMMONROOM_AUDIT_KEY_FILE) must be set when "
            "COMMONROOM_ENV=production"
        )
    key_file = DATA_DIR / "audit_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip().encode()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key.encode()


AUDIT_KEY = _audit_key()

ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS must name this site's host when in production")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "commonroom.core",
    "commonroom.accounts",
    "commonroom.care",
    "commonroom.meetings",
    "commonroom.spaces",
    "commonroom.peers.affinity",
    "commonroom.gatherings",
    "commonroom.peers.alumni",
    "commonroom.peers.buddies",
    "commonroom.safety",
    "commonroom.peers.mentors",
    "commonroom.realtime",
    "commonroom.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "commonroom.core.middleware.no_store_middleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "commonroom.accounts.middleware.idle_logout_middleware",
    "commonroom.accounts.middleware.preferences_middleware",
    # After the person's language is active, so the refusal is in it; still
    # before any view, form or CSRF check (process_view) reads the body.
    "commonroom.core.limits.request_limits_middleware",
    "commonroom.accounts.middleware.staff_mfa_required_middleware",
    "commonroom.care.middleware.AgreementGateMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commonroom.urls"
ASGI_APPLICATION = "commonroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commonroom.core.context_processors.commonroom",
            ],
        },
    },
]

# --- data -----------------------------------------------------------------

DATABASE_URL = envstr("DATABASE_URL")
# Connection reuse. Under ASGI, Django runs each request's sync code on a
# thread of its own, so a persistent connection (CONN_MAX_AGE > 0) is left open
# on a thread that is gone: Django's advice is to keep CONN_MAX_AGE at 0 there
# and use the backend's pool instead. COMMONROOM_DB_POOL_SIZE=N (PostgreSQL
# only) keeps up to N connections in a psycopg pool per process, which is what
# the ASGI server (uvicorn) should use; COMMONROOM_DB_CONN_MAX_AGE=seconds is
# for WSGI and one-thread processes (task workers). Both default to off: a new
# connection per request, always correct, slower.
DB_POOL_SIZE = envint("COMMONROOM_DB_POOL_SIZE", 0, minimum=0)
DB_CONN_MAX_AGE = envint("COMMONROOM_DB_CONN_MAX_AGE", 0, minimum=0)
if DB_POOL_SIZE and DB_CONN_MAX_AGE:
    raise ConfigurationError(
        "COMMONROOM_DB_POOL_SIZE and COMMONROOM_DB_CONN_MAX_AGE cannot both be set: "
        "a pooled connection goes back to the pool, it is not kept"
    )
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=DB_CONN_MAX_AGE > 0
        )
    }
    if DB_POOL_SIZE:
        if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ConfigurationError("COMMONROOM_DB_POOL_SIZE needs PostgreSQL")
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": 10,  # seconds a request waits for a free connection
        }
elif DB_POOL_SIZE:
    raise ConfigurationError("COMMONROOM_DB_POOL_SIZE needs PostgreSQL (DATABASE_URL)")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "commonroom.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue
                # instead of one failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file too, not the in-memory shared cache: the browser
            # journeys and the concurrency tests write from several threads,
            # which the shared cache does not isolate the way the real file does.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer publishes a group message once, whatever the
            # number of subscribers: a constant cost per message in Redis.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "commonroom",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND_NAME = envstr("COMMONROOM_TASKS", "immediate") or "immediate"
if TASK_BACKEND_NAME not in _TASK_BACKENDS:
    raise ConfigurationError(
        f"COMMONROOM_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {TASK_BACKEND_NAME!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND_NAME]}}

# --- accounts -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out (email, address) pair before any
    # password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "commonroom.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "commonroom.accounts.forms.InvitedSignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# The invitation link proves the address, so invited sign-ups arrive verified.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Commonroom] "
ACCOUNT_RATE_LIMITS = {
    # allauth's own per-account limits lock an account for everyone, which
    # would let a stranger lock a participant out. Per-account throttling is
    # left to axes, which locks the (email, address) pair; here only the
    # caller's own address is limited.
    "login_failed": "10/m/ip",
    "reset_password": "20/m/ip",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Commonroom"
# Accept the code of the neighbouring 30-second step too: phone clocks drift.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {"authenticate": "commonroom.accounts.forms.ThrottledAuthenticateForm"}

AXES_FAILURE_LIMIT = envint("COMMONROOM_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("COMMONROOM_LOCKOUT_MINUTES", 15, minimum=1))
# Lock the (email, address) pair: a stranger elsewhere cannot lock a
# participant out by guessing at their email a few times.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "commonroom.accounts.throttle.axes_username"
AXES_LOCKOUT_CALLABLE = "commonroom.accounts.throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code", "otp"]
# How many reverse proxies of ours stand in front of the server; each appends
# to X-Forwarded-For. 0: the direct peer is the client (core.http.client_ip).
PROXY_COUNT = envint("COMMONROOM_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "commonroom.core.http.client_ip"
# Besides the (email, address) pair, an email is locked for every address
# after this many failures within the cool-off: a guesser spreading tries
# over many addresses is stopped too. Higher than the pair limit, so one
# stranger's address cannot lock a participant out.
LOCKOUT_ACCOUNT_FAILURES = envint("COMMONROOM_LOCKOUT_ACCOUNT_FAILURES", 20, minimum=1)
AXES_HANDLER = "commonroom.accounts.throttle.AccountCapHandler"
AXES_VERBOSE = False
# Axes logs each failure at WARNING; its client string names the account by a
# keyed digest, never by the email (logs carry no personal data).
AXES_CLIENT_STR_CALLABLE = "commonroom.accounts.throttle.client_str"

IDLE_MINUTES_STAFF = envint("COMMONROOM_IDLE_MINUTES_STAFF", 15, minimum=1)
IDLE_MINUTES_PARTICIPANT = envint("COMMONROOM_IDLE_MINUTES_PARTICIPANT", 60, minimum=1)
INVITATION_DAYS = envint("COMMONROOM_INVITATION_DAYS", 7, minimum=1)
API_TOKEN_HOURS = envint("COMMONROOM_API_TOKEN_HOURS", 12, minimum=1)

# The event log (realtime/events.py): events older than this many days are
# pruned (`commonroom prune_events`), and a client that missed more events
# than REALTIME_MAX_BACKLOG is told to reload instead of replaying them all.
REALTIME_RETENTION_DAYS = envint("COMMONROOM_REALTIME_RETENTION_DAYS", 30, minimum=1)
REALTIME_MAX_BACKLOG = envint("COMMONROOM_REALTIME_MAX_BACKLOG", 2000, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
CSRF_COOKIE_SAMESITE = "Lax"

# --- email ----------------------------------------------------------------

_email_host = envstr("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": envint("EMAIL_PORT", 587, minimum=1),
                "username": envstr("EMAIL_HOST_USER", "") or "",
                "password": envstr("EMAIL_HOST_PASSWORD", "") or "",
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "use_ssl": envbool("EMAIL_USE_SSL", False),
                "timeout": envint("EMAIL_TIMEOUT", 20, minimum=1),
            },
        }
    }
elif PRODUCTION:
    raise ConfigurationError("EMAIL_HOST must be set in production: invitations need it")
else:
    # Outside production, mail goes to files under the data folder, never out.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Commonroom <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- internationalisation -------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded resources live here and are never served as static files: a view
# checks membership and sends them with Content-Disposition and nosniff.
MEDIA_ROOT = envstr("COMMONROOM_UPLOADS_DIR") or str(DATA_DIR / "uploads")
RESOURCE_MAX_BYTES = envint("COMMONROOM_RESOURCE_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production static files are served straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- web hardening ----------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if envbool("COMMONROOM_BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host, over HTTPS, at path /.
    SESSION_COOKIE_NAME = "__Host-commonroom_session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = envbool("COMMONROOM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("COMMONROOM_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("COMMONROOM_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("COMMONROOM_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- video rooms (meetings/rooms.py) ------------------------------------------


def _derived_secret(purpose: str) -> str:
    import hashlib
    import hmac

    return hmac.new(SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()


VIDEO_DEFAULT_PROVIDER = envstr("COMMONROOM_VIDEO_PROVIDER", "jitsi") or "jitsi"
JITSI_DOMAIN = envstr("COMMONROOM_JITSI_DOMAIN", "meet.example.org") or "meet.example.org"
JITSI_APP_ID = envstr("COMMONROOM_JITSI_APP_ID", "commonroom") or "commonroom"
# Outside production the Jitsi secret is derived from SECRET_KEY so the demo
# works; a real deployment shares the secret with its Prosody server.
JITSI_APP_SECRET = envstr("COMMONROOM_JITSI_APP_SECRET") or _derived_secret("jitsi")
if PRODUCTION and VIDEO_DEFAULT_PROVIDER == "jitsi" and not envstr("COMMONROOM_JITSI_APP_SECRET"):
    raise ConfigurationError("COMMONROOM_JITSI_APP_SECRET must be set for Jitsi in production")
BBB_API_URL = envstr("COMMONROOM_BBB_URL", "") or ""
BBB_SECRET = envstr("COMMONROOM_BBB_SECRET", "") or ""
BBB_CHECKSUM = envstr("COMMONROOM_BBB_CHECKSUM", "sha256") or "sha256"
ROOM_NAME_SECRET = envstr("COMMONROOM_ROOM_SECRET") or _derived_secret("rooms")

# --- logging: never message text or health data ---------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Django's request warnings name the path ("Not Found: /invite/<token>/").
    "filters": {"redact_secrets": {"()": "commonroom.core.accesslog.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("COMMONROOM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs and status codes only.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Commonroom -------------------------------------------------------------

DEMO_PASSWORD = envstr("COMMONROOM_DEMO_PASSWORD", "recovery-together") or "recovery-together"
DEMO_TOTP_SECRET = envstr("COMMONROOM_DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXP") or "JBSWY3DPEHPK3PXP"
