"""WSGI entry point of the verification benchmark's server."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
