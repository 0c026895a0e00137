"""Settings for orgwork, read from the environment.

With nothing set, the project runs on an embedded SQLite file under ``var/`` with
``DEBUG`` off and a development key; production sets ``DATABASE_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and keeps ``DEBUG`` off, and then
``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.templatetags.static import static

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORGWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key is refused by ``check --deploy`` (its prefix is "django-insecure-").
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-orgwork-development-key-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin skin (django-unfold) goes before the admin, whose templates it replaces.
    # Its basic config: the default one would install a plain UnfoldAdminSite over ours.
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.inlines",
    "unfold.contrib.import_export",
    "orgwork.skin",  # Chinese for unfold and axes (orgwork/skin/locale)
    "orgwork.apps.OrgworkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "orgwork.apps.AxesConfig",
    # The kernel.
    "orgwork.accounts",
    "orgwork.units",
    "orgwork.codes",
    "orgwork.audit",
    "orgwork.rectification",
    "orgwork.imports",
    "orgwork.worklists",
    "orgwork.notifications",
    "orgwork.exports",
    # The domain.
    "cadres",
    "cadres.supervision",
    "cadres.selection",
    "cadres.reserve",
    "cadres.training",
    "cadres.secondment",
    "branches",
    "branches.members",
    "talent",
    "seeds",
]

MIDDLEWARE = [
    # First: the whole request in one frame chunk of the interpreter (orgwork.frame_room).
    "orgwork.frame_room.FrameRoomMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "orgwork.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "orgwork.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "orgwork.query_hygiene.DropNulParametersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orgwork.audit.middleware.AuditContextMiddleware",
    "orgwork.accounts.middleware.PasswordExpiryMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orgwork.urls"
WSGI_APPLICATION = "orgwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "orgwork" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # orgwork is installed as an AdminConfig (whose app is django.contrib.admin), so
            # Django does not look in orgwork/templatetags: the kernel's tags are named here.
            "libraries": {"orgwork_admin_list": "orgwork.templatetags.orgwork_admin_list",
                          "orgwork_navigation": "orgwork.templatetags.orgwork_navigation",
                          "orgwork_readonly": "orgwork.templatetags.orgwork_readonly"},
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The embedded default lives under var/, which git ignores: a fresh clone has none.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'orgwork.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    ),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database has the web server's threads and the import worker writing at
    # once. Each transaction takes the write lock as it begins, waiting up to 20 seconds
    # for it, instead of failing with "database is locked" when two transactions that
    # have read both try to write; WAL lets pages read while a write is under way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica: changelists, exports and dashboards read from it.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["orgwork.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite, the demo default, builds them without.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
# Django's rules with Chinese messages, three character classes, none of the last five.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "orgwork.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "orgwork.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "orgwork.accounts.validators.CommonPasswordValidator"},
    {"NAME": "orgwork.accounts.validators.NumericPasswordValidator"},
    {"NAME": "orgwork.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "orgwork.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # unfold's login form carries no "next" of its own
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "orgwork.accounts.backends.AccountBackend",
]

# Login lockout (django-axes): 5 failures lock that username from that address for 30
# minutes. Keyed on both, so one office behind NAT is not locked out together.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/orgwork/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "orgwork.audit.ip.client_ip"
# How many trusted reverse proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Chinese for the strings Django's zh-hans catalogue and django-axes lack.
LOCALE_PATHS = [BASE_DIR / "orgwork" / "locale"]
# One way to write dates on every page (2026-03-01); see orgwork/formats/zh_Hans.
FORMAT_MODULE_PATH = ["orgwork.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "orgwork" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG and "DATABASE_URL" in os.environ and "SECRET_KEY" in os.environ)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Sessions: 30 minutes idle (renewed at most once a minute by the accounts middleware),
# 8 hours absolute (see the audit middleware), closed with the browser.
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True

# HTTPS is the default whenever DEBUG is off; ORGWORK_HTTPS=0 serves plain HTTP
# (the local demo, the test client).
HTTPS = env_bool("ORGWORK_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
# Sent on every response, static files included (orgwork.security_headers). Nothing is
# loaded from outside the origin and no inline script runs. The admin skin (django-unfold)
# drives its menus, dialogs and filters with Alpine.js, whose standard build evaluates the
# x-… attribute expressions as code ('unsafe-eval') and whose templates carry style
# attributes ('unsafe-inline' for styles only); without them the login page's dialog
# overlay never hides and no button can be clicked.
SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:"],  # data: for the photo on the printed 任免审批表
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": [SELF],
    "frame-ancestors": ["'none'"],
    "frame-src": ["'none'"],
    "worker-src": ["'none'"],
    "manifest-src": [SELF],
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
                    "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
                    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
                    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The admin's look (django-unfold): a sober neutral base with a restrained dark red, the
# navigation grouped by the department's work (orgwork.navigation), light theme only.
UNFOLD = {
    "SITE_TITLE": "组织工作管理系统",
    "SITE_HEADER": "组织工作管理系统",
    "SITE_SUBHEADER": "组织部",
    "SITE_SYMBOL": "account_balance",
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml",
                       "href": lambda request: static("orgwork/favicon.svg")}],
    "SITE_URL": None,  # no public site to go back to
    "THEME": "light",
    "BORDER_RADIUS": "4px",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": False,
    "COLORS": {
        "base": {
            "50": "oklch(98.5% .001 106)",
            "100": "oklch(97% .001 106)",
            "200": "oklch(92.3% .003 49)",
            "300": "oklch(86.9% .005 56)",
            "400": "oklch(70.9% .01 56)",
            "500": "oklch(55.3% .013 58)",
            "600": "oklch(44.4% .011 74)",
            "700": "oklch(37.4% .01 68)",
            "800": "oklch(26.8% .007 34)",
            "900": "oklch(21.6% .006 56)",
            "950": "oklch(14.7% .004 49)",
        },
        "primary": {
            "50": "oklch(97.5% .01 20)",
            "100": "oklch(94% .025 20)",
            "200": "oklch(88% .05 20)",
            "300": "oklch(79% .09 22)",
            "400": "oklch(66% .14 24)",
            "500": "oklch(55% .17 25)",
            "600": "oklch(47% .16 25)",
            "700": "oklch(41% .14 25)",
            "800": "oklch(35% .115 25)",
            "900": "oklch(30% .09 25)",
            "950": "oklch(21% .06 25)",
        },
    },
    "STYLES": [lambda request: static("orgwork/admin.css"), lambda request: static("orgwork/orgwork.css")],
    "SCRIPTS": [lambda request: static("orgwork/admin.js")],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "orgwork.navigation.sidebar",
    },
}
# Mail (提醒邮件): Django's mail backend, configured from the environment. With DEBUG on
# and no backend or host named, mails are printed to the console (bin/demo's log).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "orgwork@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG and "EMAIL_HOST" not in os.environ
    else "django.core.mail.backends.smtp.EmailBackend")
# A failed mail is tried again after this pause, doubled after each failure (at most 6 hours).
ORGWORK_MAIL_RETRY_SECONDS = int(os.environ.get("ORGWORK_MAIL_RETRY_SECONDS", "300"))
# The address mails link to (the lists behind each reminder).
ORGWORK_BASE_URL = os.environ.get("ORGWORK_BASE_URL", "http://127.0.0.1:8000")
# 短信: a class with send(phone, text); the default only logs (orgwork.notifications.sms).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "orgwork.notifications.sms.LoggingBackend")

# django-import-export: nobody imports or exports without the explicit permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# The import engine's limits (orgwork.imports.reader): upload size, and what an xlsx may
# hold before it is parsed (zip bombs).
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "20"))
IMPORT_MAX_UNCOMPRESSED_MB = 400
IMPORT_MAX_ZIP_ENTRIES = 2000
# A sheet's size: columns with content, data rows, and rows × columns of its used area.
IMPORT_MAX_COLUMNS = 200
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_CELLS = 5_000_000
# The largest 佐证材料 file accepted on a rectification item (orgwork.rectification.evidence).
RECTIFICATION_EVIDENCE_MAX_MB = int(os.environ.get("RECTIFICATION_EVIDENCE_MAX_MB", "20"))

# Every line leaves without what a search typed and with ID numbers masked
# (orgwork.log_scrub); the development server's request lines too, which Django's
# default configuration writes through a handler of their own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "orgwork.log_scrub.ScrubFilter"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["scrub"]},
    },
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
