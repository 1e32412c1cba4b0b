"""PDF documents in the Vietnamese administrative format, rendered by WeasyPrint from templates.

Every document extends templates/pdf/base.html, which sets A4 with the margins of Decree 30/2020/NĐ-CP
(top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm), Times New Roman 13–14 pt (Liberation Serif,
metric-compatible, where Times is not installed) and page numbers from the second page. Fonts are
embedded by WeasyPrint, so Vietnamese renders the same on every reader's machine.
"""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=FontConfiguration())
