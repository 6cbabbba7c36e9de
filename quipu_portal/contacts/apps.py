from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class ContactsConfig(registry.ResourceAppConfig):
    name = "quipu_portal.contacts"
    label = "contacts"
    verbose_name = _("Contacts")
    admin_class = "quipu_portal.contacts.resource.ContactAdmin"
