"""Every box of 303, 130, 111, 115 and 347 for Q3 2026 of the sandbox's "quarter" seed, against figures
worked out by hand here from the documents the seed creates (see sandbox/seed.py, quarter_close):

Q1 2026  F-1  4,000.00 at 21 %, 15 % withheld, to Distribuciones Moncayo (B50987619)
         rent February 500.00 at 21 %, 19 % withheld (account 621)
Q3 2026  income: F-2 1,500.00 at 21 % (15 % withheld) to Moncayo; F-3 800.00 at 21 % + 200.00 at 10 %
         (15 % withheld) to Editorial Pirineo; F-4 never issued (gap); F-5 600.00 at 0 % to Atelier
         Lumière (France, no tax id); F-6 400.00 at 21 % (15 %) to Pirineo, refunded in full by R-1;
         R-2 refunds -300.00 at 21 % (15 %) of F-2; simplified invoice 50.00 at 21 %; additional
         income 150.00 at 21 %.
         expenses: stationer 120.00 (account 602) and 80.00 + 60.00 (account 629) at 21 %, a partial
         credit note of -24.00 (20 % of 120) and a full one of -60.00; rent 3 × 500.00 at 21 %, 19 %
         withheld; tax adviser 200.00 at 21 %, 15 % withheld; a ticket of 25.00 at 21 %;
         3 paysheets: net 700.00 + employee SS 45.00 + withholding 30.00 = gross 775.00, company SS 230.00.
"""

from decimal import Decimal as D

import pytest

from quipu_portal.tax_previews.services import tax_preview_forms, tax_preview_latest

pytestmark = pytest.mark.django_db


def boxes(form) -> dict:
    return {box.code: box.amount.quantize(D("0.01")) for box in form.boxes if box.amount is not None}


def test_303_every_box_matches_the_hand_worked_quarter(q3_preview):
    form = tax_preview_forms(preview=q3_preview)["303"]
    at_21 = D("1500") + D("800") + D("400") + D("50") + D("150")
    credit_bases = D("-400") - D("300")
    deductible_bases = D("120") + D("80") + D("60") + 3 * D("500") + D("200")
    received_credit_bases = D("-24") - D("60")
    accrued = at_21 * D("0.21") + D("200") * D("0.10") + credit_bases * D("0.21")
    deductible = deductible_bases * D("0.21") + received_credit_bases * D("0.21")
    expected = {
        "04": D("200.00"),
        "05": D("10.00"),
        "06": D("20.00"),
        "07": at_21,
        "08": D("21.00"),
        "09": at_21 * D("0.21"),
        "14": credit_bases,
        "15": credit_bases * D("0.21"),
        "27": accrued,
        "28": deductible_bases,
        "29": deductible_bases * D("0.21"),
        "40": received_credit_bases,
        "41": received_credit_bases * D("0.21"),
        "45": deductible,
        "46": accrued - deductible,
        "0%": D("600.00"),  # the French customer: for the accountant (59, 60 or 120)
        "F2": D("5.25"),  # the ticket's VAT: not deductible
    }
    assert boxes(form) == {code: amount.quantize(D("0.01")) for code, amount in expected.items()}
    assert form.amount("46") == D("88.04")
    assert form.box("0%").needs_accountant
    assert form.box("110 / 78 / 87").needs_accountant and form.box("110 / 78 / 87").amount is None
    # Paysheets never reach the VAT figures.
    assert not any(key.startswith("paysheets:") for box in form.boxes for key in box.documents)


def test_130_year_to_date_matches_the_hand_worked_figures(q3_preview):
    form = tax_preview_forms(preview=q3_preview)["130"]
    income = (
        D("4000") + D("1500") + D("1000") + D("600") + D("400") - D("400") - D("300") + D("50") + D("150")
    )
    expense_invoices = D("500") + D("120") + D("80") + D("60") - D("24") - D("60") + 3 * D("500") + D("200")
    ticket = D("25") + D("5.25")
    payroll = 3 * (D("775") + D("230"))
    expenses = expense_invoices + ticket + payroll
    withheld = D("600") + D("225") + D("150") + D("60") - D("60") - D("45")
    net = income - expenses
    twenty = max(net, D(0)) * D("0.20")
    assert boxes(form) == {
        "01": income,
        "02": expenses,
        "03": net,
        "04": twenty.quantize(D("0.01")),
        "06": withheld,
        "07": (twenty - withheld).quantize(D("0.01")),
    }
    assert (income, expenses, withheld) == (D("7000"), D("5421.25"), D("930"))
    assert form.box("05").needs_accountant


def test_111_and_115_split_withholdings_by_kind(q3_preview):
    forms = tax_preview_forms(preview=q3_preview)
    assert boxes(forms["111"]) == {
        "01": D("1.00"),  # one employee
        "02": 3 * D("775.00"),
        "03": 3 * D("30.00"),
        "07": D("1.00"),  # the tax adviser
        "08": D("200.00"),
        "09": D("30.00"),
        "28": D("120.00"),
        "30": D("120.00"),
    }
    # Rent with 19 % withheld is modelo 115, never 111.
    assert boxes(forms["115"]) == {"01": D("1.00"), "02": D("1500.00"), "03": D("285.00"), "05": D("285.00")}


def test_347_lists_the_customer_over_the_threshold_by_quarter(q3_preview):
    counterparts = tax_preview_forms(preview=q3_preview)["347"]
    # Moncayo: F-1 4,000 + 840 VAT in Q1; F-2 1,500 + 315 and R-2 -300 - 63 in Q3. Nobody else reaches
    # 3,005.06: Pirineo has 1,188 + 484 - 484; the landlord's 2,420 is rent withheld (tenant side: 180).
    assert [(c.key, c.name, c.tax_id, c.total) for c in counterparts] == [
        ("B", "Distribuciones Moncayo S.L.", "B50987619", D("6292.00"))
    ]
    assert counterparts[0].quarters == {1: D("4840.00"), 2: D("0"), 3: D("1452.00")}


def test_latest_preview_gives_the_303_result_and_its_date(q3_preview, quarter_connection):
    latest = tax_preview_latest(connection=quarter_connection, year=2026, quarter=3)
    assert latest.pk == q3_preview.pk
    assert latest.result_303 == D("88.04")
    assert latest.computed_at is not None
    assert tax_preview_latest(connection=quarter_connection, year=2026, quarter=2) is None
