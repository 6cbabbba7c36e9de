from django.conf import settings

from quipu_portal.connections.services import active_connection_get
from quipu_portal.core.navigation import navigation_sections


def layout(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "navigation": navigation_sections(
            request.path, connection=getattr(request, "connection", None) or active_connection_get(request)
        ),
        "available_languages": settings.LANGUAGES,
    }
