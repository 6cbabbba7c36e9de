"""This app's job kinds, as stored in ``Job.kind`` (never change one): its handlers register them."""

BULK_CATEGORIES = "bulk_categories"
# Puts back the categories a ``bulk_categories`` job changed.
UNDO = "undo"
