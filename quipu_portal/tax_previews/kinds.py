"""This app's job kind, as stored in ``Job.kind`` (never change it): its handler registers it."""

TAX_PREVIEW = "tax_preview"
