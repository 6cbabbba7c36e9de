from django import template

from quipu_portal.connections.scope import connection_reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def connection_url(context, viewname, *args, connection=None):
    """``{% url %}`` for a per-client page: ``{% connection_url 'invoices:detail' record.id %}``.

    The client is the page's own (``request.connection``) unless ``connection=`` names another one
    (an object or an id), e.g. a job of another client in a list of every job.
    """
    if connection is None:
        request = context.get("request")
        connection = getattr(request, "connection", None) or context.get("active_connection")
    return connection_reverse(viewname, args=args, connection=connection)
