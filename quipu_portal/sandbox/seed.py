"""A deterministic generator of accounts and their documents.

The same seed name always yields the same records with the same ids. Dates are anchored on
fixed fiscal years (2024-2026, up to ANCHOR), not on today, so every run serves identical data.
"""

import io
import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from . import documents
from .money import compute_item, compute_totals, spanish_iban
from .store import ID_SPACE, Account, Store, slugify

ANCHOR = date(2026, 11, 15)
YEARS = (2024, 2025, 2026)
FIRST_DAY = date(YEARS[0], 1, 1)

DEMO_ACCOUNTS = (
    {
        "name": "Talleres Ebro S.L.",
        "app_id": "demo-sl-app-id",
        "app_secret": "demo-sl-app-secret",
        "slug": "talleres-ebro",
        "kind": "demo-sl",
    },
    {
        "name": "Lucía Navarro (autónoma)",
        "app_id": "demo-freelancer-app-id",
        "app_secret": "demo-freelancer-app-secret",
        "slug": "lucia-navarro",
        "kind": "demo-freelancer",
    },
)

TOWNS = (
    ("Zaragoza", "50001", "es"),
    ("Zaragoza", "50013", "es"),
    ("Huesca", "22001", "es"),
    ("Teruel", "44001", "es"),
    ("Madrid", "28046", "es"),
    ("Barcelona", "08029", "es"),
    ("Valencia", "46001", "es"),
    ("Logroño", "26001", "es"),
    ("Pamplona", "31002", "es"),
    ("Bilbao", "48001", "es"),
    ("Sevilla", "41001", "es"),
    ("Calatayud", "50300", "es"),
    ("Toulouse", "31000", "fr"),
    ("Lisboa", "1100-148", "pt"),
    ("Milano", "20121", "it"),
    ("München", "80331", "de"),
)
STREETS = (
    "Calle Mayor",
    "Avenida de Madrid",
    "Paseo Independencia",
    "Calle Alfonso I",
    "Camino de las Torres",
)
STREETS += ("Polígono Malpica, calle E", "Calle San Vicente de Paúl", "Avenida Cataluña", "Calle Delicias")
SURNAMES = (
    "García",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Lacasa",
    "Navarro",
    "Gil",
    "Lasheras",
)
SURNAMES += ("Royo", "Sancho", "Bernad", "Aznar", "Labarta", "Serrano", "Morales", "Ortiz", "Blasco", "Marco")
FIRST_NAMES = (
    "Ana",
    "Javier",
    "Lucía",
    "Pablo",
    "Marta",
    "Jorge",
    "Elena",
    "Sergio",
    "Pilar",
    "Carlos",
    "Nuria",
)
FIRST_NAMES += ("Alberto", "Carmen", "Raúl", "Isabel", "Diego", "Laura", "Fernando", "Rosa", "Miguel")
BUSINESSES = (
    "Transportes",
    "Autocares",
    "Construcciones",
    "Distribuciones",
    "Frutas",
    "Reformas",
    "Limpiezas",
)
BUSINESSES += ("Mensajería", "Grúas", "Excavaciones", "Panadería", "Instalaciones", "Jardinería", "Taxis")
SUPPLIERS = (
    (
        "Recambios Aragón S.L.",
        600,
        ("Recambios frenos", "Filtros de aceite", "Kit de distribución", "Amortiguadores"),
    ),
    (
        "Neumáticos del Ebro S.A.",
        600,
        ("Neumático 205/55 R16", "Neumático 195/65 R15", "Válvulas y equilibrado"),
    ),
    (
        "Lubricantes Moncayo S.L.",
        602,
        ("Aceite 5W30 bidón 208 l", "Líquido de frenos DOT4", "Anticongelante"),
    ),
    ("Inmobiliaria Delicias S.L.", 621, ("Alquiler nave industrial",)),
    ("Endesa Energía S.A.U.", 628, ("Suministro eléctrico",)),
    ("Aguas de Zaragoza", 628, ("Suministro de agua",)),
    ("Asesoría Lasheras", 623, ("Honorarios gestoría laboral y fiscal",)),
    ("Mapfre España S.A.", 625, ("Prima seguro responsabilidad civil",)),
    ("Ibercaja Banco S.A.", 626, ("Comisiones de mantenimiento", "Comisión TPV")),
    ("Heraldo de Aragón S.A.", 627, ("Anuncio en prensa local",)),
    ("Telefónica de España S.A.U.", 629, ("Fibra y móvil",)),
    ("Herramientas Pirineo S.L.", 213, ("Elevador hidráulico 4 t", "Equipo de diagnosis OBD")),
    ("Informática Ebro S.L.", 217, ("Ordenador de recepción", "Impresora láser")),
    ("Talleres Auxiliares Utebo S.L.", 622, ("Mantenimiento compresor", "Reparación elevador")),
)
WORKSHOP_SERVICES = (
    ("Revisión oficial 30.000 km", "145.00"),
    ("Cambio de aceite y filtros", "89.90"),
    ("Pastillas de freno delanteras", "72.50"),
    ("Mano de obra (hora)", "48.00"),
    ("Diagnosis electrónica", "45.00"),
    ("Alineación de dirección", "39.00"),
    ("Batería 70 Ah", "118.00"),
    ("Sustitución de embrague", "520.00"),
    ("Neumático 205/55 R16", "86.00"),
    ("Carga de aire acondicionado", "65.00"),
    ("Correa de distribución", "310.00"),
    ("Chapa y pintura aleta", "260.00"),
)
DESIGN_SERVICES = (
    ("Diseño de identidad corporativa", "1200.00"),
    ("Maquetación de catálogo (página)", "35.00"),
    ("Traducción técnica (palabra)", "0.09"),
    ("Ilustración editorial", "280.00"),
    ("Diseño web (hora)", "45.00"),
    ("Revisión de textos (hora)", "30.00"),
    ("Cartelería para evento", "350.00"),
)
# The freelancer's suppliers: name, PGC prefix of what they sell, and town and tax id when abroad.
FREELANCER_SUPPLIERS = (
    ("Coworking Coso S.L.", 621, None, None),
    ("Adobe Systems Software Ireland Ltd", 629, ("Dublin", "D24", "ie"), "IE6364992H"),
    ("Vodafone España S.A.U.", 629, None, None),
    ("Apple Distribution International", 217, ("Cork", "T23", "ie"), "IE9700053D"),
    ("Papelería Oscense", 602, None, None),
)
PAYMENT_METHODS = ("bank_transfer", "bank_transfer", "bank_transfer", "cash", "bank_card", "direct_debit")

TINY_PNG_SIZE = (640, 480)


def paydays(first: date, last: date = ANCHOR):
    """The 28th of every month from ``first`` to ``last``."""
    payday = first
    while payday <= last:
        yield payday
        payday = (payday.replace(day=1) + timedelta(days=32)).replace(day=28)


# ── tax ids ──────────────────────────────────────────────────────────────
def dni(number: int) -> str:
    return f"{number:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def cif(letter: str, number: int) -> str:
    digits = f"{number:07d}"
    even = sum(int(d) for d in digits[1::2])
    odd = sum(sum(divmod(int(d) * 2, 10)) for d in digits[0::2])
    control = (10 - (even + odd) % 10) % 10
    return f"{letter}{digits}{control}"


# ── public entry points ──────────────────────────────────────────────────
def build_store(kind: str, *, scale: int = 1) -> Store:
    """A store with the two demo accounts, seeded with demo data or with reference data only."""
    store = Store()
    for spec in DEMO_ACCOUNTS:
        account = store.add_account(
            spec["name"],
            spec["kind"] if kind == "demo" else "empty",
            app_id=spec["app_id"],
            app_secret=spec["app_secret"],
            slug=spec["slug"],
            scale=scale if spec["kind"] == "demo-sl" else 1,
        )
        populate(store, account)
    store.dirty = False
    return store


def reset(store: Store) -> None:
    for account in store.accounts.values():
        populate(store, account)


def populate(store: Store, account: Account) -> None:
    """(Re)build the account's records from its seed and company name: accounts of the same seed and
    name hold the same records (under their own ids), however many other accounts the sandbox has."""
    account.clear()
    rng = random.Random(f"quipu-sandbox:{account.seed}:{slugify(account.name)}")
    generator = Generator(store, account, rng)
    if account.seed == "demo-sl":
        generator.demo_company()
    elif account.seed == "demo-freelancer":
        generator.demo_freelancer()
    elif account.seed == "small":
        generator.small()
    elif account.seed == "quarter":
        generator.quarter_account()
    else:
        generator.reference()
    account.touch()


class Generator:
    def __init__(self, store: Store, account: Account, rng: random.Random):
        self.store = store
        self.account = account
        self.rng = rng
        self.counters: dict[tuple, int] = {}
        self.category_ids = {c["prefix"]: c["id"] for c in store.categories.values()}
        self.series_by_type: dict[tuple[str, bool], int] = {}
        self._image = None
        self.supplies: dict[int, tuple[int, tuple[str, ...]]] = {}

    # ── owners and reference data ────────────────────────────────────────
    def owner(self, name, tax_id, address, town, zip_code, phone, user_name, surnames, email):
        self.account.owner = {
            "name": name,
            "tax_id": tax_id,
            "address": address,
            "town": town,
            "zip_code": zip_code,
            "country_code": "es",
            "phone": phone,
        }
        self.account.user = {
            "id": self.account.index * ID_SPACE,
            "name": user_name,
            "surnames": surnames,
            "email": email,
        }

    def default_owner(self):
        number = self.rng.randrange(1_000_000, 9_999_999)
        self.owner(
            self.account.name,
            cif("B", number),
            f"{self.rng.choice(STREETS)} {self.rng.randrange(1, 200)}",
            "Zaragoza",
            "50001",
            "976 000 000",
            "Usuario",
            "Sandbox",
            f"admin@{self.account.slug}.example",
        )

    def series(self, prefix: str, applicable_to: str, *, amending=False, default=True) -> int:
        series_id = self.account.new_id()
        self.account.series[series_id] = {
            "id": series_id,
            "prefix": prefix,
            "applicable_to": applicable_to,
            "amending": amending,
            "default": default,
            "applies_to": "new_documents",
        }
        self.series_by_type[(applicable_to, amending)] = series_id
        return series_id

    def company_series(self):
        """A company's series: invoices F (credit notes R), simplified invoices T (amending TR), AI, N."""
        self.series("F", "invoices")
        self.series("R", "invoices", amending=True)
        self.series("T", "simplified_invoices")
        self.series("TR", "simplified_invoices", amending=True)
        self.series("AI", "additional_incomes")
        self.series("N", "paysheets")

    def subcategory(self, prefix: int, suffix: str, name: str) -> int:
        sub_id = self.account.new_id()
        self.account.subcategories[sub_id] = {
            "id": sub_id,
            "name": name,
            "suffix": suffix,
            "accounting_category_id": self.category_ids[prefix],
        }
        return sub_id

    def analytic(self, name: str, parent_id: int | None = None) -> int:
        analytic_id = self.account.new_id()
        self.account.analytic_categories[analytic_id] = {
            "id": analytic_id,
            "name": name,
            "parent_id": parent_id,
        }
        return analytic_id

    def reference(self):
        if not self.account.owner:
            self.default_owner()
        self.series("F", "invoices")

    # ── contacts ─────────────────────────────────────────────────────────
    def contact(self, name, *, role, tax_id=None, town=None, number=None, email=True, expense=None) -> dict:
        """A contact; ``expense`` = (PGC prefix, concepts) of what a supplier sells, kept by the generator."""
        rng = self.rng
        town_name, zip_code, country = town or rng.choice(TOWNS[:12])
        contact_id = self.account.new_id()
        # Mailboxes are ASCII: "Taxis García S.L." writes from taxisgarciasl@.
        plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        slug = "".join(ch for ch in plain if ch.isalnum())[:18] or "contacto"
        contact = {
            "id": contact_id,
            "name": name,
            "tax_id": tax_id
            or (cif("B", rng.randrange(1_000_000, 9_999_999)) if role != "employee" else dni(1)),
            "phone": f"{rng.choice(('976', '974', '978', '91', '93', '6'))}{rng.randrange(100000, 999999)}",
            "email": f"{slug}@example.com" if email else "",
            "address": f"{rng.choice(STREETS)} {rng.randrange(1, 200)}",
            "town": town_name,
            "zip_code": zip_code,
            "country_code": country,
            "client_number": str(number) if role == "client" else None,
            "supplier_number": str(number) if role == "supplier" else None,
            "employee_number": str(number) if role == "employee" else None,
            "is_supplier_of_direct_goods": False,
            "bank_account_number": spanish_iban(f"{rng.randrange(10**19, 10**20)}")
            if rng.random() < 0.7
            else "",
            "bank_account_swift_bic": "",
            "document_type": "NIF" if country == "es" else "other",
            f"is_{role}": True,
        }
        if expense:
            self.supplies[contact_id] = expense
        self.account.contacts[contact_id] = contact
        return contact

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)} {self.rng.choice(SURNAMES)}"

    def clients(
        self, count: int, *, start: int = 1, companies: float = 0.7, foreign: float = 0.06
    ) -> list[dict]:
        made = []
        for n in range(count):
            rng = self.rng
            town = rng.choice(TOWNS[12:]) if rng.random() < foreign else rng.choice(TOWNS[:12])
            if rng.random() < companies:
                name = f"{rng.choice(BUSINESSES)} {rng.choice(SURNAMES)} {rng.choice(('S.L.', 'S.L.', 'S.A.', 'S.Coop.'))}"
                tax_id = cif("B" if "S.L." in name else "A", rng.randrange(1_000_000, 9_999_999))
            else:
                name = self.person_name()
                tax_id = dni(rng.randrange(10_000_000, 79_999_999))
            if town[2] != "es":
                tax_id = f"{town[2].upper()}{rng.randrange(10**8, 10**9)}"
            made.append(self.contact(name, role="client", tax_id=tax_id, town=town, number=start + n))
        return made

    def employees(self, count: int, start: int = 1) -> list[dict]:
        return [
            self.contact(
                self.person_name(),
                role="employee",
                tax_id=dni(self.rng.randrange(10_000_000, 79_999_999)),
                number=start + n,
                town=self.rng.choice(TOWNS[:4]),
            )
            for n in range(count)
        ]

    # ── documents ────────────────────────────────────────────────────────
    def random_date(self, first: date = FIRST_DAY, last: date = ANCHOR) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def dates(self, count: int, first: date = FIRST_DAY, last: date = ANCHOR) -> list[date]:
        """``count`` random dates from ``first`` to ``last``, in order."""
        return sorted(self.random_date(first, last) for _ in range(count))

    def item(self, concept, unitary, quantity, vat, retention=0, *, kind="current", category=None, sub=None):
        item = documents.new_item(self.account)
        item.update(
            concept=concept,
            unitary_amount=Decimal(unitary),
            quantity=Decimal(quantity),
            vat_percent=Decimal(vat),
            retention_percent=Decimal(retention),
            kind=kind,
            accounting_category_id=category,
            accounting_subcategory_id=sub,
        )
        return item

    def entry(
        self, doc_type, kind, issued: date, items, *, contact=None, name=None, paid=None, **fields
    ) -> dict:
        entry = documents.new_entry(self.account, doc_type)
        entry["kind"] = kind
        entry["issue_date"] = issued.isoformat()
        entry["contact_id"] = contact["id"] if contact else None
        if name and not contact:
            entry["recipient_name" if kind == "income" else "issuing_name"] = name
        if paid is None:
            paid = self.paid_on(issued)
        entry["paid_at"] = paid.isoformat() if paid else None
        entry["payment_method"] = self.rng.choice(PAYMENT_METHODS)
        entry["validation_status"] = (
            "verified" if issued.year < ANCHOR.year else self.rng.choice(("pending", "verified"))
        )
        entry.update(fields)
        if doc_type != "paysheets":
            entry["items"] = items
            for item in items:
                compute_item(item, expenses=kind == "expenses")
        compute_totals(entry)
        documents.snapshot_counterparts(self.account, entry)
        if entry.get("number") is None and documents.numbered(entry):
            self.number(entry)
        self.account.entries[entry["id"]] = entry
        return entry

    def number(self, entry: dict) -> None:
        amending = entry.get("amended_id") is not None
        series_id = self.series_by_type.get((entry["type"], amending)) or self.series_by_type.get(
            (entry["type"], False)
        )
        entry["numeration_id"] = series_id
        key = (series_id, entry["type"], entry["kind"], entry["issue_date"][:4])
        self.counters[key] = self.counters.get(key, 0) + 1
        entry["filing_number"] = self.counters[key]
        prefix = self.account.series[series_id]["prefix"] if series_id else None
        entry["number"] = documents.format_number(prefix, self.counters[key])

    def paid_on(self, issued: date) -> date | None:
        age = (ANCHOR - issued).days
        chance = 0.97 if age > 120 else 0.8 if age > 45 else 0.35
        if self.rng.random() >= chance:
            return None
        paid = issued + timedelta(days=self.rng.randrange(0, 45))
        return min(paid, ANCHOR)

    def due_dates(self, issued: date) -> list[str]:
        choice = self.rng.random()
        if choice < 0.2:
            return []
        if choice < 0.85:
            return [(issued + timedelta(days=30)).isoformat()]
        return [(issued + timedelta(days=30)).isoformat(), (issued + timedelta(days=60)).isoformat()]

    def paysheet(self, employee, issued, net, employee_ss, retention, company_ss, *, paid=None) -> dict:
        """A month's pay: net pay, the employee's social security and tax retention, the company's share."""
        cents = Decimal("0.01")
        return self.entry(
            "paysheets",
            "expenses",
            issued,
            [],
            contact=employee,
            paid=paid,
            net_pay=Decimal(net),
            employee_ss_amount=Decimal(employee_ss).quantize(cents),
            employee_retention=Decimal(retention).quantize(cents),
            company_ss_amount=Decimal(company_ss).quantize(cents),
            accounting_category_id=self.category_ids[640],
        )

    def amend(
        self, original: dict, *, partial: bool, reason: str | None = None, on: date | None = None
    ) -> dict:
        issued = on or min(
            date.fromisoformat(original["issue_date"]) + timedelta(days=self.rng.randrange(5, 40)), ANCHOR
        )
        if partial:
            source = original["items"][0]
            items = [
                self.item(
                    f"Abono parcial: {source['concept']}",
                    -(source["unitary_amount"] * Decimal("0.2")).quantize(Decimal("0.01")),
                    source["quantity"],
                    source["vat_percent"],
                    source["retention_percent"],
                )
            ]
        else:
            items = documents.full_refund_items(self.account, original)
        amending = self.entry(
            original["type"],
            original["kind"],
            issued,
            items,
            contact=self.account.contacts.get(original.get("contact_id")),
            name=original.get("recipient_name")
            if original["kind"] == "income"
            else original.get("issuing_name"),
            paid=issued if original.get("paid_at") else None,
            amended_id=original["id"],
            credit_note_reason=reason or self.rng.choice(("R1", "R4", "R5")),
            accounting_category_id=original.get("accounting_category_id"),
        )
        original.setdefault("amending_ids", []).append(amending["id"])
        return amending

    def attach(self, entry: dict, filename: str, content_type: str, content: bytes) -> None:
        from .uploads import make_attachment

        key = f"{self.rng.getrandbits(128):032x}"
        attachment = make_attachment(self.account.new_id(), key, filename, content_type, content)
        attachment["book_entry_id"] = entry["id"]
        self.account.attachments[attachment["id"]] = attachment
        entry["attachment_ids"].append(attachment["id"])

    def scan_image(self) -> bytes:
        if self._image is None:
            from PIL import Image, ImageDraw

            image = Image.new("RGB", TINY_PNG_SIZE, "white")
            draw = ImageDraw.Draw(image)
            draw.rectangle((20, 20, 620, 80), outline="black")
            draw.text((40, 40), "FACTURA - copia escaneada (sandbox)", fill="black")
            for row in range(6):
                draw.line((40, 130 + row * 40, 600, 130 + row * 40), fill="gray")
            out = io.BytesIO()
            image.save(out, format="PNG")
            self._image = out.getvalue()
        return self._image

    # ── the demo company: a mechanical workshop in Zaragoza ─────────────
    def demo_company(self):
        rng, scale = self.rng, max(1, self.account.scale)
        self.owner(
            "Talleres Ebro S.L.",
            cif("B", 5012345),
            "Polígono Malpica, calle E, nave 14",
            "Zaragoza",
            "50016",
            "976 465 210",
            "Javier",
            "Lacasa Royo",
            "javier@talleresebro.example",
        )
        self.company_series()
        self.series("TK", "tickets")
        self.series("PRE", "budgets", default=False)
        subs = {
            "mecanica": self.subcategory(705, "1", "Mecánica"),
            "electricidad": self.subcategory(705, "2", "Electricidad"),
            "neumaticos": self.subcategory(700, "1", "Neumáticos"),
            "recambios": self.subcategory(600, "1", "Recambios"),
            "oficina": self.subcategory(629, "1", "Oficina"),
            "vestuario": self.subcategory(629, "2", "Vestuario"),
            "luz": self.subcategory(628, "1", "Electricidad"),
            "agua": self.subcategory(628, "2", "Agua"),
        }
        centres = self.analytic("Centros")
        lines = self.analytic("Líneas de negocio")
        leaves = [
            self.analytic("Taller Zaragoza", centres),
            self.analytic("Taller Huesca", centres),
            self.analytic("Mecánica", lines),
            self.analytic("Chapa y pintura", lines),
            self.analytic("Neumáticos", lines),
        ]
        clients = self.clients(80, start=1)
        suppliers = [
            self.contact(name, role="supplier", number=400 + n, expense=(prefix, concepts))
            for n, (name, prefix, concepts) in enumerate(SUPPLIERS)
        ]
        suppliers += [
            self.contact(
                f"{rng.choice(BUSINESSES)} {rng.choice(SURNAMES)} S.L.", role="supplier", number=450 + n
            )
            for n in range(6)
        ]
        staff = self.employees(6, start=1)
        self.contact("Particular sin datos", role="client", tax_id="", email=False, number=999)

        # Income invoices: workshop services, 21 % VAT; some fleet clients abroad at 0 %.
        income = []
        for issued in self.dates(480 * scale):
            client = rng.choice(clients)
            vat = 0 if client["country_code"] != "es" else 21
            items = []
            for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
                concept, price = rng.choice(WORKSHOP_SERVICES)
                sub = (
                    subs["neumaticos"]
                    if "Neumático" in concept
                    else rng.choice((subs["mecanica"], subs["electricidad"]))
                )
                category = self.category_ids[700 if "Neumático" in concept else 705]
                quantity = (
                    rng.choice(("1", "1", "1", "2", "4"))
                    if "hora" not in concept
                    else str(rng.randrange(1, 9))
                )
                item = self.item(concept, price, quantity, vat, category=category, sub=sub)
                if rng.random() < 0.1:
                    item["discount_percent"] = Decimal(rng.choice((5, 10)))
                items.append(item)
            entry = self.entry(
                "invoices",
                "income",
                issued,
                items,
                contact=client,
                due_dates=self.due_dates(issued),
                accounting_category_id=self.category_ids[705],
                analytic_category_ids=[rng.choice(leaves)] if rng.random() < 0.4 else [],
                tags=rng.choice(("", "", "", "flota", "garantía", "vip client, important")),
                last_sent_at=None,
            )
            income.append(entry)
        for original in rng.sample(income, max(6, len(income) // 50)):
            self.amend(original, partial=rng.random() < 0.5)

        # Expense invoices from suppliers, with VAT 21/10/4 and rent with 19 % retention.
        for issued in self.dates(330 * scale):
            supplier = rng.choice(suppliers)
            prefix, concepts = self.supplies.get(supplier["id"], (629, ("Servicios varios",)))
            retention = 19 if prefix == 621 else 15 if prefix == 623 else 0
            kind = "assets" if prefix in (213, 217) else "current"
            items = [
                self.item(
                    rng.choice(concepts),
                    f"{rng.uniform(20, 1800 if kind == 'assets' else 600):.2f}",
                    rng.choice(("1", "1", "2", "5")),
                    rng.choice((21, 21, 21, 10, 4)) if prefix in (600, 602) else 21,
                    retention,
                    kind=kind,
                )
                for _ in range(rng.choice((1, 1, 2, 3)))
            ]
            entry = self.entry(
                "invoices",
                "expenses",
                issued,
                items,
                contact=supplier,
                number=f"{rng.choice(('FV', 'A', '2024/', 'FRA-'))}{rng.randrange(1000, 99999)}",
                due_dates=self.due_dates(issued),
                accounting_category_id=self.category_ids[prefix],
                accounting_subcategory_id=subs["recambios"] if prefix == 600 else None,
            )
            if len(self.account.attachments) < 4 and rng.random() < 0.1:
                self.attach(entry, f"factura-{entry['id']}.png", "image/png", self.scan_image())

        # Simplified invoices: walk-in customers (income) and small purchases (expenses).
        for issued in self.dates(110 * scale, date(2024, 7, 1)):
            concept, price = rng.choice(WORKSHOP_SERVICES[:6])
            self.entry(
                "simplified_invoices",
                "income",
                issued,
                [self.item(concept, price, "1", 21, category=self.category_ids[705])],
                name=rng.choice(("Cliente de mostrador", self.person_name())),
                paid=issued,
                accounting_category_id=self.category_ids[705],
            )
        simplified_expenses = (
            ("Gasóleo furgoneta", 629),
            ("Material de oficina", 629),
            ("Comida de trabajo", 629),
        )
        for issued in self.dates(80 * scale, date(2024, 7, 1)):
            concept, prefix = rng.choice(simplified_expenses)
            self.entry(
                "simplified_invoices",
                "expenses",
                issued,
                [self.item(concept, f"{rng.uniform(8, 90):.2f}", "1", rng.choice((21, 10)))],
                name=rng.choice(
                    ("Estación de servicio Ebro", "Papelería Delicias", "Restaurante El Cachirulo")
                ),
                paid=issued,
                accounting_category_id=self.category_ids[prefix],
            )
        # Legacy tickets (before simplified invoices existed).
        for issued in self.dates(50 * scale, last=date(2024, 6, 30)):
            kind = rng.choice(("income", "expenses"))
            self.entry(
                "tickets",
                kind,
                issued,
                [
                    self.item(
                        rng.choice(("Lavado", "Parking", "Pequeña reparación")),
                        f"{rng.uniform(5, 60):.2f}",
                        "1",
                        21,
                    )
                ],
                name="Cliente de mostrador" if kind == "income" else "Bar Paco",
                paid=issued,
                accounting_category_id=self.category_ids[705 if kind == "income" else 629],
            )
        # Additional income: renting out a parking space and selling scrap metal.
        for issued in self.dates(36 * scale):
            concept, prefix = rng.choice(
                (("Alquiler plaza de aparcamiento", 752), ("Venta de chatarra", 759))
            )
            self.entry(
                "additional_incomes",
                "income",
                issued,
                [
                    self.item(
                        concept, f"{rng.uniform(40, 250):.2f}", "1", 21, category=self.category_ids[prefix]
                    )
                ],
                name=rng.choice(("Chatarras Zaragoza S.L.", "Vecino plaza 12")),
                accounting_category_id=self.category_ids[prefix],
            )
        # Paysheets: one per employee and month.
        for payday in paydays(date(2024, 1, 28)):
            for employee in staff:
                net = Decimal(rng.randrange(1350, 2100))
                shares = (net * Decimal(rate) for rate in ("0.0635", "0.12", "0.31"))
                self.paysheet(employee, payday, net, *shares, paid=payday + timedelta(days=2))
        for _ in range(max(0, scale - 1) * 216):  # more paysheets on larger scales
            issued = self.random_date()
            net = Decimal(rng.randrange(1350, 2100))
            self.paysheet(rng.choice(staff), issued, net, "90.00", "180.00", "450.00")
        self.quarter_close(number=700)

    # ── the demo freelancer: a graphic designer and translator in Huesca ─
    def demo_freelancer(self):
        rng = self.rng
        self.owner(
            "Lucía Navarro Gil",
            "12345678Z",
            "Calle Mayor 8, 3º B",
            "Huesca",
            "22001",
            "654 321 987",
            "Lucía",
            "Navarro Gil",
            "lucia@lucianavarro.example",
        )
        self.account.accounting_digits_number = 8
        self.series("LN", "invoices")
        self.series("LNR", "invoices", amending=True, default=True)
        self.series("LNS", "simplified_invoices")
        self.series("LNA", "additional_incomes")
        self.series("LNN", "paysheets")
        design = self.subcategory(705, "1", "Diseño")
        translation = self.subcategory(705, "2", "Traducción")
        root = self.analytic("Proyectos")
        projects = [self.analytic(name, root) for name in ("Editorial", "Web", "Traducción")]
        clients = self.clients(70, start=1, companies=0.8, foreign=0.15)
        suppliers = [
            self.contact(name, role="supplier", number=n, expense=(prefix, ()), town=town, tax_id=tax_id)
            for n, (name, prefix, town, tax_id) in enumerate(FREELANCER_SUPPLIERS, start=1)
        ]
        suppliers += [self.contact(self.person_name(), role="supplier", number=10 + n) for n in range(25)]
        assistant = self.employees(1)[0]
        income = []
        for issued in self.dates(300):
            client = rng.choice(clients)
            domestic = client["country_code"] == "es"
            company = domestic and client["tax_id"][:1].isalpha()
            items = []
            for _ in range(rng.choice((1, 1, 2))):
                concept, price = rng.choice(DESIGN_SERVICES)
                quantity = (
                    "1"
                    if float(price) > 100
                    else str(rng.randrange(2, 40) * (100 if "palabra" in concept else 1))
                )
                items.append(
                    self.item(
                        concept,
                        price,
                        quantity,
                        21 if domestic else 0,
                        15 if company else 0,
                        category=self.category_ids[705],
                        sub=translation if "Tradu" in concept else design,
                    )
                )
            entry = self.entry(
                "invoices",
                "income",
                issued,
                items,
                contact=client,
                due_dates=self.due_dates(issued),
                accounting_category_id=self.category_ids[705],
                analytic_category_ids=[rng.choice(projects)],
                tags=rng.choice(("", "", "editorial", "urgente")),
            )
            income.append(entry)
        for original in rng.sample(income, 5):
            self.amend(original, partial=rng.random() < 0.5)
        for issued in self.dates(140):
            supplier = rng.choice(suppliers)
            prefix = self.supplies.get(supplier["id"], (629, ()))[0]
            rent = prefix == 621
            self.entry(
                "invoices",
                "expenses",
                issued,
                [
                    self.item(
                        {621: "Puesto fijo coworking", 217: "Portátil", 602: "Material de dibujo"}.get(
                            prefix, "Suscripción"
                        ),
                        "180.00" if rent else f"{rng.uniform(10, 1500 if prefix == 217 else 90):.2f}",
                        "1",
                        21 if supplier["country_code"] == "es" else 0,
                        19 if rent else 0,
                        kind="assets" if prefix == 217 else "current",
                    )
                ],
                contact=supplier,
                number=f"{rng.randrange(100, 9999)}/{issued.year}",
                accounting_category_id=self.category_ids[prefix],
            )
        for issued in self.dates(30, date(2024, 7, 1)):
            self.entry(
                "simplified_invoices",
                rng.choice(("income", "expenses")),
                issued,
                [self.item("Lámina ilustrada", f"{rng.uniform(15, 60):.2f}", "1", 21)],
                name=rng.choice(("Feria del libro de Huesca", "Cliente particular")),
                paid=issued,
            )
        for issued in self.dates(12):
            self.entry(
                "additional_incomes",
                "income",
                issued,
                [self.item("Charla en escuela de arte", "150.00", "1", 21, category=self.category_ids[759])],
                name="Escuela de Arte de Huesca",
            )
        for issued in self.dates(10, last=date(2024, 6, 30)):
            self.entry(
                "tickets",
                "expenses",
                issued,
                [self.item("Taxi", f"{rng.uniform(8, 25):.2f}", "1", 10)],
                name="Taxi Huesca",
            )
        for payday in paydays(date(2026, 3, 28)):
            self.paysheet(assistant, payday, "780.00", "49.53", "23.40", "258.00")
        if income:
            self.attach(income[0], "presupuesto.png", "image/png", self.scan_image())
        self.quarter_close(number=700)

    # ── a small account for isolated tests ───────────────────────────────
    def small(self):
        rng = self.rng
        self.default_owner()
        self.company_series()
        sub = self.subcategory(705, "1", "Servicios")
        root = self.analytic("Departamentos")
        leaf = self.analytic("Comercial", root)
        clients = self.clients(8, start=1, foreign=0.1)
        suppliers = [
            self.contact(name, role="supplier", number=400 + n)
            for n, (name, _, _) in enumerate(SUPPLIERS[:5])
        ]
        staff = self.employees(2)
        first = date(2025, 1, 1)
        income = []
        for issued in self.dates(20, first):
            concept, price = rng.choice(WORKSHOP_SERVICES)
            income.append(
                self.entry(
                    "invoices",
                    "income",
                    issued,
                    [
                        self.item(
                            concept,
                            price,
                            "1",
                            21,
                            15 if rng.random() < 0.3 else 0,
                            category=self.category_ids[705],
                            sub=sub,
                        ),
                        self.item(
                            "Mano de obra (hora)",
                            "48.00",
                            str(rng.randrange(1, 5)),
                            21,
                            category=self.category_ids[705],
                        ),
                    ],
                    contact=rng.choice(clients),
                    due_dates=self.due_dates(issued),
                    accounting_category_id=self.category_ids[705],
                    accounting_subcategory_id=sub,
                    analytic_category_ids=[leaf] if rng.random() < 0.5 else [],
                    tags=rng.choice(("", "flota", "vip client, important")),
                )
            )
        self.amend(income[0], partial=False)
        self.amend(income[1], partial=True)
        for issued in self.dates(12, first):
            supplier = rng.choice(suppliers)
            self.entry(
                "invoices",
                "expenses",
                issued,
                [self.item("Recambios", f"{rng.uniform(20, 400):.2f}", "2", rng.choice((21, 10, 4)))],
                contact=supplier,
                number=f"FV{rng.randrange(1000, 9999)}",
                due_dates=self.due_dates(issued),
                accounting_category_id=self.category_ids[600],
            )
        for n, issued in enumerate(self.dates(8, first)):
            kind = "income" if n % 2 == 0 else "expenses"
            self.entry(
                "simplified_invoices",
                kind,
                issued,
                [
                    self.item(
                        "Venta de mostrador" if kind == "income" else "Gasóleo",
                        f"{rng.uniform(10, 80):.2f}",
                        "1",
                        21,
                    )
                ],
                name="Cliente de mostrador" if kind == "income" else "Estación de servicio",
                paid=issued,
                accounting_category_id=self.category_ids[705 if kind == "income" else 629],
            )
        for issued in self.dates(5, first):
            self.entry(
                "tickets",
                "expenses",
                issued,
                [self.item("Parking", "4.50", "1", 21)],
                name="Parking Centro",
                paid=issued,
                accounting_category_id=self.category_ids[629],
            )
        for issued in self.dates(5, first):
            self.entry(
                "additional_incomes",
                "income",
                issued,
                [self.item("Venta de chatarra", f"{rng.uniform(40, 200):.2f}", "1", 21)],
                name="Chatarras Zaragoza S.L.",
                accounting_category_id=self.category_ids[759],
            )
        for payday in paydays(date(2025, 1, 28), date(2025, 4, 28)):
            for employee in staff:
                self.paysheet(employee, payday, "1500.00", "95.25", "180.00", "465.00", paid=payday)

    # ── a quarter worth closing (Q3 2026, with Q1 for the year to date) ──
    def quarter_account(self):
        """Only the quarter-close documents, so tests can work out every tax box by hand."""
        self.owner(
            "Marta Gil Serrano",
            dni(17453210),
            "Calle Alfonso I 12, 2º",
            "Zaragoza",
            "50003",
            "976 123 456",
            "Marta",
            "Gil Serrano",
            "marta@martagil.example",
        )
        self.company_series()
        self.quarter_close(number=1)

    def skip_number(self, doc_type: str, kind: str, year: int) -> None:
        """Leave a hole in the series (an invoice number never issued)."""
        key = (self.series_by_type.get((doc_type, False)), doc_type, kind, str(year))
        self.counters[key] = self.counters.get(key, 0) + 1

    def quarter_close(self, *, number: int):
        """The cases a quarter close must handle, in Q3 2026 (and Q1 2026 for the year to date):
        one supplier under two categories, an expense ticket with VAT, paysheets, rent with 19 %
        withholding, a professional with 15 %, a foreign customer without a tax id, a gap in the
        income series, full and partial credit notes on both sides, and a customer above the 347
        threshold (3,005.06 EUR a year, VAT included)."""
        ids = self.category_ids
        customer = self.contact(
            "Distribuciones Moncayo S.L.", role="client", tax_id=cif("B", 5098761), number=number
        )
        publisher = self.contact(
            "Editorial Pirineo S.A.", role="client", tax_id=cif("A", 2203344), number=number + 1
        )
        foreign = self.contact(
            "Atelier Lumière SARL", role="client", town=("Toulouse", "31000", "fr"), number=number + 2
        )
        foreign["tax_id"] = ""  # a foreign customer who gave no tax id
        stationer = self.contact(
            "Papelería Independencia S.L.", role="supplier", tax_id=cif("B", 5033112), number=number + 3
        )
        landlord = self.contact(
            "Inmobiliaria Coso S.L.", role="supplier", tax_id=cif("B", 5077001), number=number + 4
        )
        adviser = self.contact(
            "Asesoría Fiscal Aznar", role="supplier", tax_id=dni(25178342), number=number + 5
        )
        assistant = self.contact(
            "Pilar Labarta Ortiz", role="employee", tax_id=dni(73012345), number=number + 6
        )

        def sale(issued, contact, lines):
            items = [
                self.item(concept, price, "1", vat, ret, category=ids[705])
                for concept, price, vat, ret in lines
            ]
            return self.entry(
                "invoices",
                "income",
                issued,
                items,
                contact=contact,
                paid=issued,
                accounting_category_id=ids[705],
            )

        def purchase(issued, contact, concept, price, vat, ret, prefix, reference):
            return self.entry(
                "invoices",
                "expenses",
                issued,
                [self.item(concept, price, "1", vat, ret)],
                contact=contact,
                paid=issued,
                number=reference,
                accounting_category_id=ids[prefix],
            )

        sale(date(2026, 2, 10), customer, [("Proyecto de catálogo anual", "4000.00", 21, 15)])
        purchase(date(2026, 2, 1), landlord, "Alquiler local febrero", "500.00", 21, 19, 621, "AL-2026-02")
        july = sale(date(2026, 7, 6), customer, [("Campaña de verano", "1500.00", 21, 15)])
        sale(
            date(2026, 7, 20),
            publisher,
            [("Maquetación de colección", "800.00", 21, 15), ("Libros de muestra", "200.00", 10, 15)],
        )
        self.skip_number("invoices", "income", 2026)
        sale(date(2026, 8, 3), foreign, [("Ilustraciones para catálogo", "600.00", 0, 0)])
        refunded = sale(date(2026, 9, 10), publisher, [("Corrección de pruebas", "400.00", 21, 15)])
        self.amend(refunded, partial=False, reason="R1", on=date(2026, 9, 15))
        self.amend(july, partial=True, reason="R4", on=date(2026, 9, 20))
        self.entry(
            "simplified_invoices",
            "income",
            date(2026, 8, 12),
            [self.item("Lámina ilustrada", "50.00", "1", 21, category=ids[705])],
            name="Cliente de mostrador",
            paid=date(2026, 8, 12),
            accounting_category_id=ids[705],
        )
        self.entry(
            "additional_incomes",
            "income",
            date(2026, 9, 1),
            [self.item("Charla en escuela de arte", "150.00", "1", 21, category=ids[759])],
            name="Escuela de Arte de Zaragoza",
            accounting_category_id=ids[759],
        )

        paper = purchase(date(2026, 7, 8), stationer, "Papel y tintas", "120.00", 21, 0, 602, "PI-3301")
        purchase(date(2026, 8, 18), stationer, "Material de oficina", "80.00", 21, 0, 629, "PI-3390")
        returned = purchase(date(2026, 8, 25), stationer, "Archivadores", "60.00", 21, 0, 629, "PI-3402")
        self.amend(paper, partial=True, reason="R1", on=date(2026, 7, 25))["number"] = "AB-3301"
        self.amend(returned, partial=False, reason="R1", on=date(2026, 8, 30))["number"] = "AB-3402"
        for month in (7, 8, 9):
            purchase(
                date(2026, month, 1),
                landlord,
                f"Alquiler local {month:02d}/2026",
                "500.00",
                21,
                19,
                621,
                f"AL-2026-{month:02d}",
            )
        purchase(date(2026, 9, 5), adviser, "Honorarios asesoría fiscal", "200.00", 21, 15, 623, "AZ-118")
        self.entry(
            "tickets",
            "expenses",
            date(2026, 7, 15),
            [self.item("Comida de trabajo", "25.00", "1", 21)],
            name="Restaurante El Cachirulo",
            paid=date(2026, 7, 15),
            accounting_category_id=ids[629],
        )
        for month in (7, 8, 9):
            payday = date(2026, month, 28)
            self.paysheet(assistant, payday, "700.00", "45.00", "30.00", "230.00", paid=payday)
