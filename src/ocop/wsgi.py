import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.base")
application = get_wsgi_application()

# The objects of the loaded application (modules, settings, URL patterns) live
# as long as the process: moved out of the collector's reach, a full
# collection no longer walks them. Without this, one request in twenty or
# thirty paid a full collection of the whole heap (70–90 ms on the
# development machine: docs/benchmarks.md, "Tails").
gc.collect()
gc.freeze()
