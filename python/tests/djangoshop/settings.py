"""The test shop's settings (see the package docs)."""
import os
from urllib.parse import urlparse

_pg = urlparse(os.environ["DOKU_TEST_POSTGRES_URL"])

SECRET_KEY = "django-test-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "djangoshop.urls"
INSTALLED_APPS = ["doku_checkout.contrib.django", "djangoshop"]
MIDDLEWARE = []
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["DOKU_SHOP_DB"],
        "USER": _pg.username,
        "HOST": _pg.hostname,
        "PORT": _pg.port,
        # The test cluster offers TLS with a CA that PGSSLROOTCERT names: verify it, as in production.
        "OPTIONS": {"sslmode": "verify-full"},
    }
}

DOKU_CHECKOUT = {
    "CLIENT_ID": os.environ["DOKU_SHOP_CLIENT_ID"],
    "SECRET_KEY": os.environ["DOKU_SHOP_SECRET_KEY"],
    "BASE_URL": os.environ["DOKU_SHOP_BASE_URL"],
    "TIMEOUT_MS": 1500,
    "MAX_RETRIES": 1,
}

CELERY_BROKER_URL = os.environ.get("DOKU_TEST_REDIS_URL", "memory://")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("DOKU_SHOP_QUEUE", "celery")
CELERY_IMPORTS = ["doku_checkout.contrib.celery"]
# A task whose worker died is handed to another worker after this long (the test kills one).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
