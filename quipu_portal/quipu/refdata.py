"""Reference data that rarely changes, cached per connection in the Django cache.

Accounting categories and subcategories, analytic categories and numbering series fill every
document form; fetching them on each page view would spend the rate budget. The cache key comes
from the base URL and app id (never the secret); it expires after a TTL and is dropped as soon as the
portal itself writes one of these resources (``QuipuClient._after_write``).
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from .config import QuipuCredentials
from .errors import QuipuForbiddenError, QuipuNotFoundError
from .records import (
    AccountingCategory,
    AccountingSubcategory,
    AnalyticCategory,
    NumberingSeries,
    account_code,
)

DEFAULT_TTL_SECONDS = 600


@dataclass(frozen=True)
class ReferenceData:
    accounting_categories: tuple[AccountingCategory, ...]
    accounting_subcategories: tuple[AccountingSubcategory, ...]
    analytic_categories: tuple[AnalyticCategory, ...]
    numbering_series: tuple[NumberingSeries, ...]
    # False when this account has no analytic categories endpoint (404/403): hide the feature.
    analytic_categories_available: bool = True
    fetched_at: float = field(default_factory=time.time)
    # False when some resources are not cached yet (``reference_data_cached``): names may be missing.
    complete: bool = True

    def accounting_category(self, id: str | None) -> AccountingCategory | None:
        return self._by_id(self.accounting_categories, id)

    def accounting_subcategory(self, id: str | None) -> AccountingSubcategory | None:
        return self._by_id(self.accounting_subcategories, id)

    def analytic_category(self, id: str | None) -> AnalyticCategory | None:
        return self._by_id(self.analytic_categories, id)

    def numbering_series_by_id(self, id: str | None) -> NumberingSeries | None:
        return self._by_id(self.numbering_series, id)

    def subcategories_of(self, category_id: str) -> tuple[AccountingSubcategory, ...]:
        return tuple(
            sub
            for sub in self.accounting_subcategories
            if sub.accounting_category is not None and sub.accounting_category.id == str(category_id)
        )

    def account_code(self, category_id: str, subcategory_id: str | None = None) -> str | None:
        category = self.accounting_category(category_id)
        if category is None:
            return None
        return account_code(category, self.accounting_subcategory(subcategory_id))

    @staticmethod
    def _by_id(records, id):
        if id is None:
            return None
        return next((record for record in records if record.id == str(id)), None)


# Each resource is cached on its own: a page that runs out of rate budget half-way keeps what it
# fetched, and the next try (or the background warm-up) only fetches what is still missing.
RESOURCES = ("accounting_categories", "accounting_subcategories", "analytic_categories", "numbering_series")
PAGE_SIZE = 100


@dataclass(frozen=True)
class _Cached:
    records: tuple
    available: bool = True
    fetched_at: float = field(default_factory=time.time)


def _cache_key(credentials: QuipuCredentials, resource: str) -> str:
    return f"quipu_portal:refdata:{credentials.key}:{resource}"


def _ttl() -> int:
    return int(getattr(settings, "QUIPU_REFERENCE_DATA_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def _all_cached(credentials: QuipuCredentials) -> dict[str, _Cached | None]:
    """Each resource's cache entry younger than the TTL, or None; one round trip to the cache."""
    keys = {resource: _cache_key(credentials, resource) for resource in RESOURCES}
    found = cache.get_many(keys.values())
    fresh = {}
    for resource, key in keys.items():
        entry = found.get(key)
        young = isinstance(entry, _Cached) and time.time() - entry.fetched_at < _ttl()
        fresh[resource] = entry if young else None
    return fresh


def _fetch(client, resource: str) -> _Cached:
    try:
        found = _Cached(tuple(client.iterate(resource, page_size=PAGE_SIZE)))
    except (QuipuNotFoundError, QuipuForbiddenError):
        # An account without analytic categories (404/403): hide the feature.
        if resource != "analytic_categories":
            raise
        found = _Cached((), available=False)
    cache.set(_cache_key(client.credentials, resource), found, timeout=_ttl())
    return found


def _assemble(entries: dict[str, _Cached | None]) -> ReferenceData:
    present = [entry for entry in entries.values() if entry is not None]

    def records(resource):
        entry = entries[resource]
        return entry.records if entry is not None else ()

    analytic = entries["analytic_categories"]
    return ReferenceData(
        accounting_categories=records("accounting_categories"),
        accounting_subcategories=records("accounting_subcategories"),
        analytic_categories=records("analytic_categories"),
        numbering_series=records("numbering_series"),
        analytic_categories_available=analytic.available if analytic is not None else True,
        fetched_at=min((entry.fetched_at for entry in present), default=time.time()),
        complete=len(present) == len(entries),
    )


def reference_data(client, *, refresh: bool = False) -> ReferenceData:
    """The connection's reference data; each resource from the cache when it is younger than the TTL."""
    cached = {} if refresh else _all_cached(client.credentials)
    return _assemble({resource: cached.get(resource) or _fetch(client, resource) for resource in RESOURCES})


def reference_data_cached(client_or_credentials) -> ReferenceData:
    """What the cache holds now, without asking Quipu; ``complete`` is False when something is missing."""
    credentials = getattr(client_or_credentials, "credentials", client_or_credentials)
    return _assemble(_all_cached(credentials))


def invalidate_reference_data(client_or_credentials) -> None:
    credentials = getattr(client_or_credentials, "credentials", client_or_credentials)
    cache.delete_many([_cache_key(credentials, resource) for resource in RESOURCES])
