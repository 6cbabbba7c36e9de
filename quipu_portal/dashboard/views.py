from django.shortcuts import render

from quipu_portal.connections.services import active_connection_get
from quipu_portal.dashboard.services import dashboard_get


def home(request):
    """The last client used (its quarters); every link on the page names its client."""
    connection = active_connection_get(request)
    return render(
        request, "dashboard/home.html", {"dashboard": dashboard_get(user=request.user, connection=connection)}
    )
