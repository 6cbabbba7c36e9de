"""This app's job kinds, as stored in ``Job.kind`` (never change one): its handlers register them."""

LIST_TOTALS = "list_totals"
LIST_EXPORT = "list_export"
