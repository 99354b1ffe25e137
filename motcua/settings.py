"""Django settings for motcua: one module, environment-driven, SQLite by default."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua.env import env_bool, env_int, env_json_object, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR.parent / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("MOTCUA_DEBUG", False)
DEVELOPMENT = env_bool("MOTCUA_DEVELOPMENT", True)
_PLACEHOLDER_SECRET = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = env_str("MOTCUA_SECRET_KEY", _PLACEHOLDER_SECRET)
if SECRET_KEY == _PLACEHOLDER_SECRET and not DEVELOPMENT:
    raise ImproperlyConfigured("MOTCUA_SECRET_KEY must be set outside development (MOTCUA_DEVELOPMENT=0).")
ALLOWED_HOSTS = [h for h in env_str("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    # Django's admin behind the back office's login (lockout, second factor for administrators).
    "motcua.office.apps.SecureAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The administrators' second factor: authenticator-app (TOTP) devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "motcua.core",
    "motcua.changes",
    "motcua.outbox",
    "motcua.units",
    "motcua.citizens",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.feedback",
    "motcua.ratings",
    "motcua.payments",
    "motcua.interchange",
    "motcua.sync",
    "motcua.datastore",
    "motcua.notify",
    "motcua.applications",
    "motcua.usage",
    "motcua.surveys",
    "motcua.office",
    "motcua.plans",
    "motcua.indicators",
    "motcua.national",
    "motcua.targets",
    "motcua.fixfirst",
    "motcua.forecasting",
    "motcua.reports",
    "motcua.pages",
    "motcua.portal",
    "motcua.controlroom",
    "motcua.demo",
]

MIDDLEWARE = [
    "motcua.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files (STATIC_ROOT), compressed, with Cache-Control (`motcua serve`).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # `request.user.is_verified()`: whether this session passed the second factor (motcua/office/security.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.office.middleware.SecurityHeadersMiddleware",
    # Counts the citizen portal's page views after they are answered (docs/usage.md).
    "motcua.usage.middleware.UsageMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "motcua.office.context_processors.office",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL is selected by DATABASE_URL alone.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import or the demo generator writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking and busy timeout.
    # One file per test process, so that two test runs on one machine never share (and corrupt) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-motcua-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: with English listed, LocaleMiddleware followed an English browser's Accept-Language and
# showed Django's own texts (the admin, form errors) in English.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["motcua.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start until collectstatic has filled it
# `motcua serve` runs collectstatic first; WhiteNoise then serves STATIC_ROOT (compressed copies alongside).
# Names are not hashed (a manifest would make every {% static %} fail until collectstatic has run, e.g. tests).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:queue"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 15 * 60  # expire after 15 idle minutes
SESSION_SAVE_EVERY_REQUEST = True
# The label authenticator apps show next to the account.
OTP_TOTP_ISSUER = "motcua Thái Nguyên"
# django-otp's own per-device throttle (waits of 1, 2, 4… s) is off: wrong codes count in the login lockout
# (per username and address, office/security.py), which a device-wide wait would let anyone trigger.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Upload limit for dossier components, in bytes (configurable).
MOTCUA_MAX_UPLOAD_BYTES = env_int("MOTCUA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# The whole request body (several components sent with one form): larger is refused (413) before it is read.
MOTCUA_MAX_REQUEST_BYTES = env_int("MOTCUA_MAX_REQUEST_BYTES", 4 * MOTCUA_MAX_UPLOAD_BYTES + 1024 * 1024)

# Units' real signing certificates, as a JSON object {"unit code": {"pkcs12": path, "passphrase_env": VAR}}
# (see motcua/results/certificates.py). A unit without one signs with the demo PKI under VAR_DIR/pki,
# which is allowed in development only: a production result must never carry a demo signature.
MOTCUA_SIGNING = env_json_object("MOTCUA_SIGNING", {})
# Leaders who sign with their own key on a PKCS#11 token (USB token, HSM) instead of their unit's
# certificate: username -> {"module": "/usr/lib/.../pkcs11.so", "token_label": ..., "key_label": ...,
# "cert_label": (default key_label)}. The PIN is typed in the sign form for each signature, never stored
# (motcua/results/tokens.py, docs/signing.md).
MOTCUA_SIGNING_TOKENS = env_json_object("MOTCUA_SIGNING_TOKENS", {})
# Leaders who sign through a remote-signing service (ký số từ xa: VNPT SmartCA, Viettel MySign, FPT CA): the
# service's URL and this client's Bearer token; username -> his user id at the service (JSON). He confirms each
# signature on his phone within MOTCUA_REMOTE_SIGNING_WAIT seconds, polled every MOTCUA_REMOTE_SIGNING_POLL_MS
# (motcua/results/remote.py, docs/signing.md §3). A leader listed in MOTCUA_SIGNING_TOKENS too signs with his token.
MOTCUA_REMOTE_SIGNING_URL = env_str("MOTCUA_REMOTE_SIGNING_URL", "").rstrip("/")
MOTCUA_REMOTE_SIGNING_TOKEN = env_str("MOTCUA_REMOTE_SIGNING_TOKEN", "")
MOTCUA_REMOTE_SIGNERS = env_json_object("MOTCUA_REMOTE_SIGNERS", {})
MOTCUA_REMOTE_SIGNING_WAIT = env_int("MOTCUA_REMOTE_SIGNING_WAIT", 120)
MOTCUA_REMOTE_SIGNING_POLL_MS = env_int("MOTCUA_REMOTE_SIGNING_POLL_MS", 2000)
MOTCUA_REMOTE_SIGNING_TIMEOUT = env_int("MOTCUA_REMOTE_SIGNING_TIMEOUT", 10)
# Demo mode for signatures: units without a certificate sign with the demo PKI, and the demo root is
# trusted by the result check page. Off (MOTCUA_DEVELOPMENT=0), demo-signed results show as not trusted.
MOTCUA_ALLOW_DEMO_SIGNING = env_bool("MOTCUA_ALLOW_DEMO_SIGNING", DEVELOPMENT)
# Root certificates (paths, comma-separated) trusted when the back office re-checks a signed result.
MOTCUA_TRUST_ROOTS = [p for p in env_str("MOTCUA_TRUST_ROOTS", "").split(",") if p]
# Certificate revocation lists (paths to PEM/DER CRL files, comma-separated), kept current by the operator
# (nothing is fetched): a unit certificate listed there cannot sign, and results it signed show as revoked.
MOTCUA_CRLS = [p for p in env_str("MOTCUA_CRLS", "").split(",") if p]

# -- connections to systems we do not own (interop.md) ---------------------------------------------------
# The outbox's delivery handler of each kind of message (import paths, so the outbox imports no app above it).
MOTCUA_OUTBOX_HANDLERS = {
    "portal.dossier": "motcua.sync.portal.HANDLER",
    "notify.email": "motcua.notify.email.HANDLER",
    "notify.sms": "motcua.notify.sms.HANDLER",
    "datastore.result": "motcua.datastore.store.HANDLER",
}
# How long a worker holds an item it is sending; a worker killed mid-request lets it run out.
MOTCUA_OUTBOX_LEASE_SECONDS = env_int("MOTCUA_OUTBOX_LEASE_SECONDS", 120)
# The national public-service portal (Cổng DVCQG): unset URL, nothing is sent and items wait.
MOTCUA_NATIONAL_PORTAL_URL = env_str("MOTCUA_NATIONAL_PORTAL_URL", "").rstrip("/")
MOTCUA_NATIONAL_PORTAL_TOKEN = env_str("MOTCUA_NATIONAL_PORTAL_TOKEN", "")
MOTCUA_NATIONAL_PORTAL_TIMEOUT = env_int("MOTCUA_NATIONAL_PORTAL_TIMEOUT", 10)
# Notifications to applicants (motcua/notify, `motcua notify run`). E-mail over SMTP: unset host, e-mails wait
# in the outbox. A 5xx answer lists the e-mail as failed, a 4xx or a lost connection is retried.
MOTCUA_SMTP_HOST = env_str("MOTCUA_SMTP_HOST", "")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = MOTCUA_SMTP_HOST
EMAIL_PORT = env_int("MOTCUA_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("MOTCUA_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("MOTCUA_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOTCUA_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("MOTCUA_SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("MOTCUA_SMTP_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("MOTCUA_SMTP_FROM", "Bộ phận Một cửa <motcua@localhost>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("MOTCUA_SMTP_STARTTLS and MOTCUA_SMTP_SSL exclude each other.")
# SMS through the provider: the full URL of its send endpoint (the stand-in's is {base}/sms) and its token.
MOTCUA_SMS_URL = env_str("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = env_str("MOTCUA_SMS_TOKEN", "")
MOTCUA_SMS_TIMEOUT = env_int("MOTCUA_SMS_TIMEOUT", 10)
# The personal data store (docs/interop-datastore.md): unset URL, copies of signed results wait in the outbox.
MOTCUA_DATA_STORE_URL = env_str("MOTCUA_DATA_STORE_URL", "").rstrip("/")
MOTCUA_DATA_STORE_TOKEN = env_str("MOTCUA_DATA_STORE_TOKEN", "")
MOTCUA_DATA_STORE_TIMEOUT = env_int("MOTCUA_DATA_STORE_TIMEOUT", 30)
# Online payment (docs/interop-payment.md): the platform's payment page URL base, this merchant's code and
# HMAC secret, the Bearer token of its daily transaction list. Unset URL or secret: nobody can pay online.
MOTCUA_PAYMENT_URL = env_str("MOTCUA_PAYMENT_URL", "").rstrip("/")
MOTCUA_PAYMENT_MERCHANT = env_str("MOTCUA_PAYMENT_MERCHANT", "MOTCUA-TN")
MOTCUA_PAYMENT_SECRET = env_str("MOTCUA_PAYMENT_SECRET", "")
MOTCUA_PAYMENT_TOKEN = env_str("MOTCUA_PAYMENT_TOKEN", "")
MOTCUA_PAYMENT_TIMEOUT = env_int("MOTCUA_PAYMENT_TIMEOUT", 10)
# How long the citizen has to pay an order on the platform.
MOTCUA_PAYMENT_ORDER_SECONDS = env_int("MOTCUA_PAYMENT_ORDER_SECONDS", 15 * 60)
# The address the platform reaches motcua at, for the return and callback URLs (e.g. https://motcua.example.vn);
# unset: the address the citizen's request came to.
MOTCUA_PAYMENT_SITE_URL = env_str("MOTCUA_PAYMENT_SITE_URL", "").rstrip("/")
# Citizens' sign-in (docs/interop-identity.md): the identity provider's base URL (its issuer; discovery at
# {issuer}/.well-known/openid-configuration) and this client's registration. Unset issuer: nobody can sign in.
MOTCUA_OIDC_ISSUER = env_str("MOTCUA_OIDC_ISSUER", "").rstrip("/")
MOTCUA_OIDC_CLIENT_ID = env_str("MOTCUA_OIDC_CLIENT_ID", "motcua")
MOTCUA_OIDC_CLIENT_SECRET = env_str("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPE = env_str("MOTCUA_OIDC_SCOPE", "openid profile citizen")
MOTCUA_OIDC_TIMEOUT = env_int("MOTCUA_OIDC_TIMEOUT", 10)
# The callback URL registered at the provider; unset: built from the request (…/dich-vu-cong/dang-nhap/ve/).
MOTCUA_OIDC_REDIRECT_URI = env_str("MOTCUA_OIDC_REDIRECT_URI", "")
# Sign-in attempts per client address (django-ratelimit rate, e.g. "20/m"), counted in the default cache.
MOTCUA_SIGNIN_RATE = env_str("MOTCUA_SIGNIN_RATE", "20/m")
# Feedback filed on the portal without signing in, per client address (django-ratelimit rate).
MOTCUA_FEEDBACK_ANONYMOUS_RATE = env_str("MOTCUA_FEEDBACK_ANONYMOUS_RATE", "5/h")
# The public index API (/api/v1/index and /index/extras) per client address (django-ratelimit rate; empty: no
# limit); beyond it a 429 with Retry-After.
MOTCUA_API_RATE = env_str("MOTCUA_API_RATE", "120/m")
# The national result (`motcua national … --out`) that the index pages compare the province with
# (/chi-so/toan-quoc/, docs/national.md).
MOTCUA_NATIONAL_DIR = Path(env_str("MOTCUA_NATIONAL_DIR", str(VAR_DIR / "national")))
# The cache (rate limits): this process's memory, or Redis shared by every web process (redis://host:6379/0,
# needs the `redis` package).
_CACHE_URL = env_str("MOTCUA_CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
          if _CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua"}}

# Usage of the online services (docs/usage.md): a visit ends after this many minutes without a page view; a
# draft not submitted this many days after it was started is counted abandoned; the request header holding
# the client's address when a reverse proxy stands in front (e.g. HTTP_X_FORWARDED_FOR; unset: REMOTE_ADDR).
MOTCUA_USAGE_VISIT_GAP_MINUTES = env_int("MOTCUA_USAGE_VISIT_GAP_MINUTES", 30)
MOTCUA_USAGE_ABANDON_DAYS = env_int("MOTCUA_USAGE_ABANDON_DAYS", 7)
# The header holding the client's address behind a reverse proxy (motcua/lib/clientaddress.py), for the
# lockout, the rate limits and the usage counts; the older MOTCUA_USAGE_ADDRESS_HEADER is read as well.
MOTCUA_CLIENT_ADDRESS_HEADER = env_str("MOTCUA_CLIENT_ADDRESS_HEADER", env_str("MOTCUA_USAGE_ADDRESS_HEADER", ""))
RATELIMIT_IP_META_KEY = "motcua.lib.clientaddress.client_address"

# Ratings of dossiers (docs/ratings.md): a rating may be changed this many days after it was given; the link
# sent when a result is returned expires after this many days. The public address used in links sent by
# e-mail/SMS (unset: the payment platform's site URL, else the development server).
MOTCUA_RATING_CHANGE_DAYS = env_int("MOTCUA_RATING_CHANGE_DAYS", 7)
MOTCUA_RATING_LINK_DAYS = env_int("MOTCUA_RATING_LINK_DAYS", 14)

# Supplements that never end (docs/decisions.md, motcua/office/supplements.py): an unanswered supplement
# request ends the dossier this many calendar days after it was made (a procedure may set its own); the list
# of dossiers approaching it marks those within the warning days.
MOTCUA_SUPPLEMENT_DAYS = env_int("MOTCUA_SUPPLEMENT_DAYS", 30)
MOTCUA_SUPPLEMENT_WARN_DAYS = env_int("MOTCUA_SUPPLEMENT_WARN_DAYS", 7)
MOTCUA_SITE_URL = env_str("MOTCUA_SITE_URL", MOTCUA_PAYMENT_SITE_URL or "http://127.0.0.1:8000").rstrip("/")

# Official reports (docs/reports.md): defaults of the issuing form (issuing body "parent\nbody", place, the
# number until the letter is registered, signer). Each issued report keeps its own values for ever.
MOTCUA_REPORT_ISSUER = env_str("MOTCUA_REPORT_ISSUER", "UBND tỉnh Thái Nguyên\nVăn phòng")
MOTCUA_REPORT_PLACE = env_str("MOTCUA_REPORT_PLACE", "Thái Nguyên")
MOTCUA_REPORT_NUMBER = env_str("MOTCUA_REPORT_NUMBER", "…/BC-VPUB")
MOTCUA_REPORT_SIGNER_NAME = env_str("MOTCUA_REPORT_SIGNER_NAME", "")
MOTCUA_REPORT_SIGNER_TITLE = env_str("MOTCUA_REPORT_SIGNER_TITLE", "KT. Chánh Văn phòng\nPhó Chánh Văn phòng")

# Logs are kept at least three months (issue 12): a file under VAR_DIR/logs rotated at midnight, the last 100
# days kept (motcua.log.YYYY-MM-DD); warnings also on the console. docs/operations.md.
LOG_DIR = Path(env_str("MOTCUA_LOG_DIR", str(VAR_DIR / "logs")))
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": "WARNING"},
        "file": {"class": "logging.handlers.TimedRotatingFileHandler", "filename": str(LOG_DIR / "motcua.log"),
                 "when": "midnight", "backupCount": 100, "encoding": "utf-8", "delay": True, "formatter": "line",
                 "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    },
    "root": {"handlers": ["console", "file"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
}
