"""The names of a connection's contacts, cached a few minutes: list filters, forms and pickers
show them on each page, and a background warm-up fills them for a cold connection."""

from django.core.cache import cache

CONTACTS_CACHE_SECONDS = 300


def _cache_key(connection) -> str:
    return f"resource_admin:contacts:{connection.pk}:{connection.app_id}"


def contact_names(*, client, connection) -> list[tuple[str, str]]:
    """(id, name) of every contact of the connection's account, sorted by name."""
    key = _cache_key(connection)
    contacts = cache.get(key)
    if contacts is None:
        contacts = [
            (contact.id, contact.name or contact.id) for contact in client.iterate("contacts", page_size=100)
        ]
        contacts.sort(key=lambda pair: str(pair[1]).lower())
        cache.set(key, contacts, CONTACTS_CACHE_SECONDS)
    return contacts


def contact_names_forget(*, connection) -> None:
    """After a write to contacts: the next page reads the names again."""
    cache.delete(_cache_key(connection))
