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


def _cache_key(credentials: QuipuCredentials) -> str:
    return f"quipu_portal:refdata:{credentials.key}"


def _ttl() -> int:
    return int(getattr(settings, "QUIPU_REFERENCE_DATA_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def reference_data(client, *, refresh: bool = False) -> ReferenceData:
    """The connection's reference data, from the cache when it is younger than the TTL."""
    key = _cache_key(client.credentials)
    if not refresh:
        cached = cache.get(key)
        if isinstance(cached, ReferenceData) and time.time() - cached.fetched_at < _ttl():
            return cached
    try:
        analytic = tuple(client.iterate("analytic_categories"))
        analytic_available = True
    except (QuipuNotFoundError, QuipuForbiddenError):
        analytic, analytic_available = (), False
    data = ReferenceData(
        accounting_categories=tuple(client.iterate("accounting_categories")),
        accounting_subcategories=tuple(client.iterate("accounting_subcategories")),
        analytic_categories=analytic,
        numbering_series=tuple(client.iterate("numbering_series")),
        analytic_categories_available=analytic_available,
    )
    cache.set(key, data, timeout=_ttl())
    return data


def invalidate_reference_data(client_or_credentials) -> None:
    credentials = getattr(client_or_credentials, "credentials", client_or_credentials)
    cache.delete(_cache_key(credentials))
