"""This app's job kind, as stored in ``Job.kind`` (never change it): its handler registers it."""

QUARTER_SCAN = "quarter_scan"
