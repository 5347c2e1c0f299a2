"""ASGI entry point, for ASGI servers (autocrm serve uses WSGI with gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
application = get_asgi_application()
