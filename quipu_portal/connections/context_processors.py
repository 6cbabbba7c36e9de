from quipu_portal.connections.services import active_connection_get, connection_list


def connections(request):
    """The sidebar switcher: which account the pages work on, and the others to switch to."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        # The page's own client (from its URL); on pages of no client, the last one used.
        "active_connection": getattr(request, "connection", None) or active_connection_get(request),
        "user_connections": connection_list(owner=request.user),
        "connection_switcher_template": "connections/switcher.html",
    }
