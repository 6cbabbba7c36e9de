from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class BookEntriesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.book_entries"
    label = "book_entries"
    verbose_name = _("Book entries")
    admin_class = "quipu_portal.book_entries.resource.BookEntryAdmin"
