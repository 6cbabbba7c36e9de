import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from quipu_portal.core import display

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("es", Decimal("1234.56"), "1.234,56\u00a0€"),
        ("en", Decimal("1234.56"), "€1,234.56"),
        ("es", "-49.709", "-49,71\u00a0€"),
        ("en", "-49.709", "-€49.71"),
        ("es", "2333.0", "2.333,00\u00a0€"),
    ],
)
def test_amounts_read_the_way_each_language_writes_them(language, amount, expected):
    with translation.override(language):
        assert display.money(amount) == expected


def test_dates_and_quarters_follow_the_language():
    from django.utils import formats

    day = datetime.date(2025, 3, 31)
    with translation.override("es"):
        assert formats.date_format(day) == "31/03/2025"
        assert display.quarter_label(day) == "1T 2025"
    with translation.override("en"):
        assert formats.date_format(day) == "Mar 31, 2025"
        assert display.quarter_label(day) == "Q1 2025"


def test_a_spanish_user_can_type_a_decimal_comma():
    class PriceForm(forms.Form):
        unit_price = forms.DecimalField(localize=True)

    with translation.override("es"):
        form = PriceForm({"unit_price": "1.234,50"})
        assert form.is_valid()
        assert form.cleaned_data["unit_price"] == Decimal("1234.50")


def test_login_page_follows_the_browser_language(client):
    english = client.get(reverse("login"), headers={"accept-language": "en"})
    assert "Sign in" in english.content.decode()
    spanish = client.get(reverse("login"), headers={"accept-language": "es-ES,es;q=0.9"})
    assert "Iniciar sesión" in spanish.content.decode()


def test_spanish_is_the_default_language(client):
    response = client.get(reverse("login"), headers={"accept-language": "de"})
    assert 'lang="es"' in response.content.decode()


def test_the_chosen_language_is_kept_on_the_user(client, user):
    client.force_login(user)
    response = client.post(reverse("core:language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/", headers={"accept-language": "es"}).content.decode()
    assert 'lang="en"' in page
    assert "Dashboard" in page


def test_language_switch_never_redirects_to_another_host(client, user):
    client.force_login(user)
    response = client.post(reverse("core:language"), {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_language_switch_with_a_next_that_is_no_path_goes_home(client, user):
    client.force_login(user)
    response = client.post(reverse("core:language"), {"language": "es", "next": "2100"})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_waiting_times_read_the_way_people_say_them():
    with translation.override("en"):
        assert display.duration(0) == "a few seconds"
        assert display.duration(30) == "a few seconds"
        assert display.duration(500) == "about 8 minutes"
        assert display.duration(60) == "about 1 minute"
        assert display.duration(4 * 3600 + 100) == "about 4 hours"
    with translation.override("es"):
        assert display.duration(500) == "alrededor de 8 minutos"
        assert display.duration(20) == "unos segundos"
