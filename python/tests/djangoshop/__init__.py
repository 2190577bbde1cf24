"""A Django shop on PostgreSQL with Celery on Redis, for the contrib tests (test_django_shop.py).

Everything comes from the environment the test sets: DOKU_TEST_POSTGRES_URL (the cluster
tools/postgres/run.sh started) with DOKU_SHOP_DB, DOKU_TEST_REDIS_URL with DOKU_SHOP_QUEUE, and
the emulator's URL and credentials."""
from .celery import app as celery_app

__all__ = ["celery_app"]
