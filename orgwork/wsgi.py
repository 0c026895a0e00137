"""WSGI entry point (gunicorn orgwork.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgwork.settings")
application = get_wsgi_application()
