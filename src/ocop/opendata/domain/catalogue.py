"""The machine-readable catalogue of the data sets, in the shape of the W3C
Data Catalog Vocabulary (DCAT 2) as JSON-LD: a ``dcat:Catalog`` of
``dcat:Dataset``s, each with its ``dcat:Distribution``s (CSV and JSON: the
download address, media type, size and SHA-256 of today's snapshot when it is
built), its licence and the data dictionary page that describes its fields."""

from datetime import date

from django.conf import settings
from django.urls import reverse

from ..models import Snapshot
from .datasets import DATASETS
from .snapshots import FORMATS

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def catalogue(*, today: date) -> dict:
    snapshots = {
        (s.dataset, s.fmt): s
        for s in Snapshot.objects.filter(day=today).only("dataset", "fmt", "size", "sha256")
    }
    licence = settings.OCOP_OPEN_DATA_LICENCE_URL
    datasets = []
    for slug, dataset in DATASETS.items():
        distributions = []
        for fmt in FORMATS:
            url = _absolute(reverse("opendata:download", args=[slug, fmt]))
            entry = {
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title} ({fmt.upper()})",
                "dcat:downloadURL": url,
                "dcat:accessURL": url,
                "dcat:mediaType": MEDIA_TYPES[fmt],
                "dct:format": fmt.upper(),
                "dct:license": licence,
                "dct:conformsTo": _absolute(reverse("opendata:dictionary", args=[slug])),
            }
            snapshot = snapshots.get((slug, fmt))
            if snapshot is not None:
                entry["dcat:byteSize"] = snapshot.size
                entry["spdx:checksum"] = {
                    "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                    "spdx:checksumValue": snapshot.sha256,
                }
                entry["dct:issued"] = today.isoformat()
            distributions.append(entry)
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": _absolute(reverse("opendata:dictionary", args=[slug])),
                "dct:identifier": slug,
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:license": licence,
                "dct:publisher": {
                    "@type": "foaf:Agent",
                    "foaf:name": settings.OCOP_OPEN_DATA_PUBLISHER,
                },
                "dct:accrualPeriodicity": "http://purl.org/cld/freq/daily",
                "dct:modified": today.isoformat(),
                "dcat:landingPage": _absolute(reverse("opendata:dictionary", args=[slug])),
                "dcat:keyword": ["OCOP", "Vietnam", slug],
                "dct:language": "vi",
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
        },
        "@type": "dcat:Catalog",
        "@id": _absolute(reverse("opendata:catalogue")),
        "dct:title": "OCOP open data",
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": settings.OCOP_OPEN_DATA_PUBLISHER},
        "dct:license": licence,
        "foaf:homepage": _absolute(reverse("opendata:index")),
        "dcat:dataset": datasets,
    }
