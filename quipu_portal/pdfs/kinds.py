"""This app's job kind, as stored in ``Job.kind`` (never change it): its handler registers it."""

PDF_BUNDLE = "pdf_bundle"
