"""PDF rendering with WeasyPrint: Vietnamese official-document layout.

Templates extend ``pdf/base_document.html`` (national motto header, number and
date line, signature block per Decree 30/2020/NĐ-CP) and are rendered to bytes.
Fonts: administrative documents are set in Liberation Serif (Debian
fonts-liberation2), which has the metrics of Times New Roman as Decree 30/2020
asks and covers Vietnamese; Noto (fonts-noto-core) and DejaVu are fallbacks.
WeasyPrint embeds (subsets of) every font it uses. The PDFs are tagged
(``pdf_tags``: headings, paragraphs, tables, reading order) for screen readers.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 -- slow import

    html = render_to_string(template_name, context or {}, request=request)
    base_url = str(settings.SRC_DIR / "static")
    return HTML(string=html, base_url=base_url).write_pdf(pdf_tags=True)
