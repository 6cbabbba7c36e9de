"""In-memory storage: accounts with their own records, guarded by one lock, optionally saved as JSON.

Records are plain dicts. Money and percentages are ``Decimal`` in memory and strings on disk.
"""

import csv
import json
import os
import re
import secrets
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from quipu_portal.quipu.contract import ITEM_AMOUNT_FIELDS

DATA_DIR = Path(__file__).resolve().parent / "data"

# Record ids of each account start at a base of their own, so an id from one account is never
# found in another and re-seeding an account reproduces the same ids.
ID_SPACE = 10_000_000

# An account's records, each collection a dict by id (a list of records in the JSON file).
COLLECTIONS = ("contacts", "entries", "series", "subcategories", "analytic_categories", "attachments")

DECIMAL_FIELDS = {
    *ITEM_AMOUNT_FIELDS,
    "net_pay",
    "employee_ss_amount",
    "employee_retention",
    "company_ss_amount",
    # computed amounts of items and documents
    "base_amount",
    "discount_amount",
    "vat_amount",
    "retention_amount",
    "equalization_tax_amount",
    "deductible_vat_amount",
    "total_amount",
    "total_amount_without_taxes",
    "gross_pay",
}


@dataclass
class Account:
    name: str
    app_id: str
    app_secret: str
    slug: str
    seed: str  # empty | small | quarter | demo-sl | demo-freelancer
    index: int
    scale: int = 1
    owner: dict = field(default_factory=dict)
    user: dict = field(default_factory=dict)
    accounting_digits_number: int = 8
    verifactu: bool = False
    next_id: int = 0
    contacts: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)
    subcategories: dict = field(default_factory=dict)
    analytic_categories: dict = field(default_factory=dict)
    attachments: dict = field(default_factory=dict)
    _derived: dict | None = None

    def new_id(self) -> int:
        self.next_id += 1
        return self.index * ID_SPACE + self.next_id

    def clear(self) -> None:
        self.next_id = 0
        self.contacts, self.entries, self.series = {}, {}, {}
        self.subcategories, self.analytic_categories, self.attachments = {}, {}, {}
        self.touch()

    def touch(self) -> None:
        """Forget derived data after a write."""
        self._derived = None

    def public(self) -> dict:
        return {"name": self.name, "app_id": self.app_id, "app_secret": self.app_secret, "slug": self.slug}


def load_accounting_categories() -> dict[int, dict]:
    """The PGC 3-digit accounts shipped with the sandbox, with stable ids 101, 102, ..."""
    categories = {}
    with open(DATA_DIR / "pgc_accounts.csv", encoding="utf-8", newline="") as handle:
        for offset, row in enumerate(csv.DictReader(handle)):
            category_id = 101 + offset
            categories[category_id] = {
                "id": category_id,
                "name": row["name"],
                "prefix": int(row["prefix"]),
                "kind": row["kind"],
            }
    return categories


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "account"


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}  # by app_id
        self.categories = load_accounting_categories()
        self.categories_by_prefix = {c["prefix"]: c for c in self.categories.values()}
        self.clock_offset = 0.0
        self.dirty = False
        self.tokens: dict[str, dict] = {}  # access token -> {app_id, created_at, expires_at}
        self.secret = secrets.token_bytes(32)

    def now(self) -> float:
        """Wall-clock time as the sandbox sees it (tests can move it forward)."""
        return time.time() + self.clock_offset

    # ── accounts ─────────────────────────────────────────────────────────
    def add_account(
        self, name: str, seed: str, *, app_id=None, app_secret=None, slug=None, scale=1, verifactu=False
    ) -> Account:
        base_slug = slug or slugify(name)
        unique_slug, n = base_slug, 1
        taken = {a.slug for a in self.accounts.values()}
        while unique_slug in taken:
            n += 1
            unique_slug = f"{base_slug}-{n}"
        account = Account(
            name=name,
            app_id=app_id or secrets.token_hex(16),
            app_secret=app_secret or secrets.token_hex(32),
            slug=unique_slug,
            seed=seed,
            index=len(self.accounts) + 1,
            scale=scale,
            verifactu=verifactu,
        )
        self.accounts[account.app_id] = account
        self.dirty = True
        return account

    def expire_tokens(self, app_id: str | None = None) -> int:
        """Every issued token of the account (or of all accounts) expires now."""
        with self.lock:
            count = 0
            for token in self.tokens.values():
                if app_id is None or token["app_id"] == app_id:
                    token["expires_at"] = min(token["expires_at"], self.now() - 1)
                    count += 1
            self.dirty = True
            return count

    # ── persistence ──────────────────────────────────────────────────────
    def to_json(self) -> dict:
        """A snapshot to serialise: lists of the current record dicts.

        Writes replace record dicts (and their id lists) instead of changing them in place, so the
        snapshot can be encoded after the lock is released.
        """
        accounts = []
        for account in self.accounts.values():
            data = {k: v for k, v in account.__dict__.items() if not k.startswith("_")}
            for name in COLLECTIONS:
                data[name] = list(data[name].values())
            accounts.append(data)
        tokens = {key: dict(value) for key, value in self.tokens.items()}
        return {"version": 1, "accounts": accounts, "tokens": tokens, "secret": self.secret.hex()}

    def load_json(self, payload: dict) -> None:
        self.accounts.clear()
        for data in payload["accounts"]:
            for name in COLLECTIONS:
                data[name] = {record["id"]: _decimals(record) for record in data[name]}
            account = Account(**data)
            self.accounts[account.app_id] = account
        self.tokens = payload.get("tokens", {})
        self.secret = bytes.fromhex(payload.get("secret", secrets.token_hex(32)))

    def save(self, path: str) -> None:
        with self.lock:
            snapshot = self.to_json()
            self.dirty = False
        payload = json.dumps(snapshot, default=_encode, ensure_ascii=False)
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sandbox-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)

    def load(self, path: str) -> None:
        with open(path, encoding="utf-8") as handle:
            self.load_json(json.load(handle))


def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return {"__bytes__": value.hex()}
    raise TypeError(type(value))


def _decimals(record):
    if isinstance(record, dict):
        if "__bytes__" in record and len(record) == 1:
            return bytes.fromhex(record["__bytes__"])
        return {
            k: (Decimal(v) if k in DECIMAL_FIELDS and v is not None else _decimals(v))
            for k, v in record.items()
        }
    if isinstance(record, list):
        return [_decimals(v) for v in record]
    return record
