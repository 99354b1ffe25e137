"""Django settings of the identity-provider stand-in: its own process, its own SQLite database.

`python -m motcua.standins.identity` sets the MOTCUA_IDENTITY_* variables read here before Django starts;
nothing of motcua's own settings or apps is used.
"""

import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("MOTCUA_IDENTITY_SECRET", "identity-standin-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]  # a stand-in on the loopback interface

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oauth2_provider",
    "motcua.standins.identity.people",
]
MIDDLEWARE = [
    "motcua.standins.identity.faults.FaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "motcua.standins.identity.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
}]

DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": os.environ.get("MOTCUA_IDENTITY_DB", str(Path(tempfile.gettempdir()) / "motcua-identity.sqlite3")),
    "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = ["motcua.standins.identity.people.hashers.QuickPBKDF2PasswordHasher"]

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "/dang-nhap/"
# Cookies are not separated by port: the provider and motcua both run on 127.0.0.1 in the demo, so the
# provider's cookies carry their own names and never replace motcua's session.
SESSION_COOKIE_NAME = "vneid_session"
CSRF_COOKIE_NAME = "vneid_csrftoken"
SESSION_COOKIE_AGE = 15 * 60

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("MOTCUA_IDENTITY_ISSUER", ""),
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("MOTCUA_IDENTITY_RSA_KEY", ""),
    "PKCE_REQUIRED": True,
    "ALLOW_LOCALHOST_LOOPBACK": True,  # a registered http://127.0.0.1 or localhost URI matches any port
    "OAUTH2_VALIDATOR_CLASS": "motcua.standins.identity.validators.CitizenValidator",
    "SCOPES": {
        "openid": "Đăng nhập bằng tài khoản định danh",
        "profile": "Họ tên, ngày sinh, giới tính, điện thoại, địa chỉ",
        "citizen": "Số định danh, nơi thường trú, hộ gia đình; mã số thuế của tổ chức",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Refused requests (4xx) are what tests provoke: not worth a line each on the test output.
    "loggers": {"django.request": {"level": "ERROR"}},
}
