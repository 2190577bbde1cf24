"""A tiny Django project for the notification test."""
SECRET_KEY = "django-test-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
ROOT_URLCONF = "djangoapp.urls"
INSTALLED_APPS = ["doku_checkout.contrib.django"]
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
DATABASES = {}
USE_TZ = True
DOKU_SECRET_KEY = "SK-TEST-0123456789"
