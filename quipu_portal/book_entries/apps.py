from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookEntriesConfig(AppConfig):
    name = "quipu_portal.book_entries"
    label = "book_entries"
    verbose_name = _("Book entries")
