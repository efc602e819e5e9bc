"""Copy front-end assets installed by npm into the git-ignored static/vendor/."""

import shutil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# node_modules path -> static/vendor path. Source maps are copied too, because
# the manifest storage refuses files that point at a missing map.
VENDOR_FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/css/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/js/bootstrap.bundle.min.js.map",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "chart.js/dist/chart.umd.min.js.map": "chartjs/chart.umd.min.js.map",
    # Accessibility checks in the browser tests (tests/e2e/helpers.py: axe_violations).
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    # The API documentation page (api/docs.html).
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui-bundle.js.map": "swagger-ui/swagger-ui-bundle.js.map",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/swagger-ui.css.map": "swagger-ui/swagger-ui.css.map",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    # leaflet.css points at these (the manifest storage needs every file a CSS names).
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
}


class Command(BaseCommand):
    help = "Copy npm front-end assets into static/vendor/ (run after `npm ci`)."

    def handle(self, *args, **options):
        node_modules = settings.BASE_DIR / "node_modules"
        target = settings.BASE_DIR / "static" / "vendor"
        missing = [src for src in VENDOR_FILES if not (node_modules / src).exists()]
        if missing:
            raise CommandError(
                "Missing front-end files (run `npm ci` first): " + ", ".join(sorted(missing))
            )
        for src, dest in VENDOR_FILES.items():
            destination = target / dest
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(node_modules / src, destination)
        self.stdout.write(f"Copied {len(VENDOR_FILES)} files into {target}")
