from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class TicketsConfig(registry.ResourceAppConfig):
    name = "quipu_portal.tickets"
    label = "tickets"
    verbose_name = _("Tickets")
    admin_class = "quipu_portal.tickets.resource.TicketAdmin"
