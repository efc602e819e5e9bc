"""Documents of a session: each member's scoring sheet (PDF), the minutes
(biên bản, PDF) and the results table (XLSX). Views and renderers."""

from django.http import Http404


def minutes_pdf(request, pk: int):
    raise Http404


def results_xlsx(request, pk: int):
    raise Http404


def scoresheet_pdf(request, pk: int):
    raise Http404
