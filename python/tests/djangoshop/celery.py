"""The shop's Celery app, as a Django project sets it up."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoshop.settings")

app = Celery("djangoshop")
app.config_from_object("django.conf:settings", namespace="CELERY")
