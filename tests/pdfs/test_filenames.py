import datetime

from quipu_portal.files.filenames import content_disposition, pdf_filename, pdf_filename_original, unique_name


def test_filename_reads_number_counterparty_and_date():
    name = pdf_filename(
        number="F-2025-0012", counterparty="Talleres Ebro", issue_date=datetime.date(2025, 3, 31)
    )
    assert name == "F-2025-0012_Talleres-Ebro_2025-03-31.pdf"


def test_filename_folds_accents_and_drops_what_windows_forbids():
    name = pdf_filename(
        number="F/2025:7",
        counterparty='Panadería "Sancho" <Zaragoza>?*|',
        issue_date=datetime.date(2025, 8, 31),
    )
    assert name == "F-2025-7_Panaderia-Sancho-Zaragoza_2025-08-31.pdf"
    assert name.isascii()
    assert not set('<>:"/\\|?*') & set(name)


def test_original_filename_keeps_accents_but_not_forbidden_characters():
    name = pdf_filename_original(number="F/7", counterparty="Panadería Sancho S.L.", issue_date=None)
    assert name == "F-7_Panadería Sancho S.L.pdf"
    assert (
        pdf_filename_original(number="F-8", counterparty="Talleres S.A.", issue_date=None)
        == "F-8_Talleres S.A.pdf"
    )


def test_filename_of_a_document_without_number_or_name_uses_the_fallback():
    assert pdf_filename(fallback="invoices-77") == "invoices-77.pdf"
    assert pdf_filename(number="——", fallback="invoices-77") == "invoices-77.pdf"


def test_reserved_windows_device_names_are_avoided():
    assert pdf_filename(number="CON") == "_CON.pdf"


def test_long_names_are_cut():
    assert len(pdf_filename(number="F-1", counterparty="x" * 500)) <= 124


def test_content_disposition_carries_the_original_spelling_for_modern_browsers():
    header = content_disposition(ascii_name="F-1_Panaderia.pdf", original_name="F-1_Panadería.pdf")
    assert header == "attachment; filename=\"F-1_Panaderia.pdf\"; filename*=UTF-8''F-1_Panader%C3%ADa.pdf"
    assert content_disposition(ascii_name="a.pdf", original_name="a.pdf") == 'attachment; filename="a.pdf"'


def test_names_in_one_archive_are_unique_ignoring_case():
    taken = set()
    assert [unique_name(n, taken) for n in ("A.pdf", "a.pdf", "A.pdf")] == ["A.pdf", "a-2.pdf", "A-3.pdf"]
