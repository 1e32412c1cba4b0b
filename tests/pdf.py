"""PDFs read as their readers read them: the text poppler's pdftotext extracts."""

import subprocess


def pdf_text(source, *args) -> str:
    """The text of a PDF (a path or its bytes), whitespace collapsed and no-break spaces made plain."""
    data = source if isinstance(source, bytes) else None
    command = ["pdftotext", *args, "-" if data is not None else str(source), "-"]
    text = subprocess.run(command, input=data, capture_output=True, check=True).stdout
    return " ".join(text.decode("utf-8").replace("\u00a0", " ").split())
