from django.conf import settings

from quipu_portal.core.navigation import navigation_sections


def layout(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "navigation": navigation_sections(request.path),
        "available_languages": settings.LANGUAGES,
    }
