"""WSGI entry point for gunicorn: ``gunicorn aimak_web.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimak_web.settings")
application = get_wsgi_application()
