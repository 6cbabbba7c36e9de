"""A generated PDF for income documents: number, dates, both parties, items, taxes and totals."""

import io
import random
from collections import defaultdict

from fpdf import FPDF

from .money import ZERO, cents

TITLES = {
    "invoices": "FACTURA",
    "simplified_invoices": "FACTURA SIMPLIFICADA",
    "tickets": "TICKET",
    "additional_incomes": "INGRESO",
}


def _text(value) -> str:
    """The core PDF fonts speak Windows-1252: keep Spanish letters and €, replace the rest."""
    return str(value if value is not None else "").encode("cp1252", "replace").decode("cp1252")


def _money(value) -> str:
    amount = cents(value)
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{frac} €"


def _percent(value) -> str:
    text = f"{value.normalize():f}" if value else "0"
    return text.replace(".", ",") + " %"


def scan_jpeg(size: int) -> bytes:
    """A JPEG of about ``size`` bytes that looks like paper noise and does not compress: the weight of
    a scanned page. Made once per sandbox (a fixed seed), then embedded as it is in every PDF."""
    from PIL import Image

    side = max(16, int((size / 1.6) ** 0.5))
    for _attempt in range(4):
        noise = random.Random(side).randbytes(side * side)
        buffer = io.BytesIO()
        Image.frombytes("L", (side, side), noise).save(buffer, format="JPEG", quality=85)
        data = buffer.getvalue()
        if abs(len(data) - size) <= size * 0.05:
            break
        side = max(16, int(side * (size / len(data)) ** 0.5))
    return data


def render_pdf(store, account, entry: dict, *, scan: bytes | None = None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(_text(f"{TITLES.get(entry['type'], 'DOCUMENTO')} {entry.get('number') or ''}"))
    pdf.set_author(_text(entry.get("issuing_name")))
    pdf.set_creator("Quipu sandbox")
    pdf.add_page()
    pdf.set_auto_page_break(True, margin=20)

    title = TITLES.get(entry["type"], "DOCUMENTO")
    if entry.get("amended_id"):
        title += " RECTIFICATIVA"
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 10, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.cell(0, 6, _text(f"Número: {entry.get('number') or '-'}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _text(f"Fecha de emisión: {entry['issue_date']}"), new_x="LMARGIN", new_y="NEXT")
    if entry.get("due_dates"):
        pdf.cell(0, 6, _text(f"Vencimientos: {', '.join(entry['due_dates'])}"), new_x="LMARGIN", new_y="NEXT")
    if entry.get("paid_at"):
        pdf.cell(0, 6, _text(f"Pagada el: {entry['paid_at']}"), new_x="LMARGIN", new_y="NEXT")
    original = account.entries.get(entry.get("amended_id"))
    if original:
        pdf.cell(
            0,
            6,
            _text(f"Rectifica a: {original.get('number') or original['id']}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)

    top = pdf.get_y()
    for column, side, heading in ((10, "issuing", "Emisor"), (110, "recipient", "Destinatario")):
        pdf.set_xy(column, top)
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(90, 6, _text(heading), new_x="LEFT", new_y="NEXT")
        pdf.set_font("helvetica", "", 10)
        lines = [
            entry.get(f"{side}_name"),
            f"NIF: {entry.get(f'{side}_tax_id')}" if entry.get(f"{side}_tax_id") else "",
            entry.get(f"{side}_address"),
            " ".join(v for v in (entry.get(f"{side}_zip_code"), entry.get(f"{side}_town")) if v),
            (entry.get(f"{side}_country_code") or "").upper(),
        ]
        for line in lines:
            if line:
                pdf.cell(90, 5, _text(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(10, max(pdf.get_y(), top + 36))
    pdf.ln(4)

    widths = (70, 20, 28, 18, 18, 36)
    headers = ("Concepto", "Cantidad", "Precio", "IVA", "IRPF", "Total")
    pdf.set_font("helvetica", "B", 10)
    for width, header in zip(widths, headers, strict=True):
        pdf.cell(width, 7, _text(header), border=1, align="C")
    pdf.ln()
    pdf.set_font("helvetica", "", 9)
    vat_groups = defaultdict(lambda: [ZERO, ZERO])
    retention_groups = defaultdict(lambda: [ZERO, ZERO])
    for item in entry.get("items", ()):
        cells = (
            item["concept"][:45],
            f"{item['quantity'].normalize():f}".replace(".", ","),
            _money(item["unitary_amount"]),
            _percent(item["vat_percent"]),
            _percent(item["retention_percent"]),
            _money(item["total_amount"]),
        )
        for width, value, align in zip(widths, cells, "LRRRRR", strict=True):
            pdf.cell(width, 6, _text(value), border=1, align=align)
        pdf.ln()
        vat_groups[item["vat_percent"]][0] += item["base_amount"]
        vat_groups[item["vat_percent"]][1] += item["vat_amount"]
        if item["retention_percent"]:
            retention_groups[item["retention_percent"]][0] += item["base_amount"]
            retention_groups[item["retention_percent"]][1] += item["retention_amount"]
    pdf.ln(4)

    pdf.set_font("helvetica", "B", 10)
    pdf.cell(0, 6, _text("Impuestos"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    for rate, (base, vat) in sorted(vat_groups.items()):
        pdf.cell(
            0,
            5,
            _text(f"IVA {_percent(rate)} sobre {_money(base)}: {_money(vat)}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for rate, (base, retention) in sorted(retention_groups.items()):
        line = f"Retención IRPF {_percent(rate)} sobre {_money(base)}: -{_money(retention)}"
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("helvetica", "B", 11)
    for label, value in (
        ("Base imponible", entry["total_amount_without_taxes"]),
        ("IVA", entry["vat_amount"]),
        ("Retención IRPF", entry["retention_amount"]),
        ("TOTAL", entry["total_amount"]),
    ):
        pdf.cell(140, 7, _text(label), align="R")
        pdf.cell(50, 7, _text(_money(value)), align="R", new_x="LMARGIN", new_y="NEXT")
    if entry.get("notes"):
        pdf.ln(4)
        pdf.set_font("helvetica", "I", 9)
        pdf.multi_cell(0, 5, _text(entry["notes"]))
    if scan:
        # fpdf2 embeds a JPEG's bytes as they are (no re-encoding): cheap at a hundred PDFs a second.
        pdf.add_page()
        pdf.image(io.BytesIO(scan), x=10, y=10, w=190)
    return bytes(pdf.output())
