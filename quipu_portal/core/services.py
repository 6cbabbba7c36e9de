from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from quipu_portal.core.models import UserPreference


def user_language_get(*, user: AbstractBaseUser) -> str | None:
    preference = UserPreference.objects.filter(user=user).only("language").first()
    return preference.language if preference else None


def user_language_set(*, user: AbstractBaseUser, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
