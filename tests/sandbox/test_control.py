"""The control surface under /_sandbox/: accounts, stats, reset, faults."""

import http.client
from urllib.parse import urlsplit

import pytest
import requests

from .api import Api


def test_demo_accounts_have_fixed_credentials(sandbox_server):
    accounts = {a["app_id"]: a for a in sandbox_server.accounts()}
    assert accounts["demo-sl-app-id"] == {
        "name": "Talleres Ebro S.L.",
        "app_id": "demo-sl-app-id",
        "app_secret": "demo-sl-app-secret",
        "slug": "talleres-ebro",
    }
    assert accounts["demo-freelancer-app-id"]["app_secret"] == "demo-freelancer-app-secret"
    assert accounts["demo-freelancer-app-id"]["slug"] == "lucia-navarro"


def test_created_accounts_are_isolated_and_seeded(sandbox_server):
    small = sandbox_server.create_account("Aislada S.L.", seed="small")
    empty = sandbox_server.create_account("Aislada S.L.", seed="empty")
    assert small["slug"] != empty["slug"]
    small_api = Api.for_account(sandbox_server.base_url, small)
    empty_api = Api.for_account(sandbox_server.base_url, empty)
    assert 10 <= small_api.get("/contacts").json()["meta"]["pagination_info"]["total_results"] <= 20
    types = {e["type"] for e in small_api.all("/book_entries")}
    assert types == {"invoices", "simplified_invoices", "tickets", "additional_incomes", "paysheets"}
    assert empty_api.get("/contacts").json()["meta"]["pagination_info"]["total_results"] == 0
    assert empty_api.get("/book_entries").json()["meta"]["pagination_info"]["total_results"] == 0
    assert len(empty_api.data("/numbering_series")) == 1
    assert empty_api.get("/accounting_categories").json()["meta"]["pagination_info"]["total_results"] == 220


def test_stats_count_requests_per_account(sandbox_server, api):
    api.get("/contacts")
    api.get("/contacts/999")
    stats = sandbox_server.stats()["accounts"][api.app_id]
    assert stats == {"requests": 3, "over_limit": 0, "by_status": {"200": 2, "404": 1}}


def test_reset_restores_the_initial_seed(private_sandbox):
    account = private_sandbox.create_account("Reinicio S.L.", seed="small")
    client = Api.for_account(private_sandbox.base_url, account)
    before = client.all("/contacts")
    victim = next(c for c in before if c["attributes"]["deletable"])
    assert client.delete(f"/contacts/{victim['id']}").status_code == 204
    created = client.post("/contacts", {"data": {"type": "contacts", "attributes": {"name": "Nueva"}}})
    assert created.status_code == 201
    private_sandbox.reset()
    assert client.all("/contacts") == before


def test_faults_are_deterministic_under_a_seed(sandbox_server, api):
    def run():
        sandbox_server.set_faults(p500=0.3, p503=0.3, seed=7, app_id=api.app_id)
        return [api.get("/contacts").status_code for _ in range(20)]

    api.authenticate()
    first, second = run(), run()
    sandbox_server.clear_faults(api.app_id)
    assert first == second
    assert {500, 503} <= set(first) and 200 in set(first)
    assert api.get("/contacts").status_code == 200


def test_fault_429_and_503_carry_retry_after(sandbox_server, api):
    api.authenticate()
    sandbox_server.set_faults(p429=1.0, app_id=api.app_id)
    limited = api.get("/contacts")
    sandbox_server.set_faults(p503=1.0, app_id=api.app_id)
    unavailable = api.get("/contacts")
    sandbox_server.clear_faults(api.app_id)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert unavailable.status_code == 503 and unavailable.headers["Retry-After"] == "1"


def test_dropped_connections_and_forced_expiry(sandbox_server, api):
    api.authenticate()
    sandbox_server.set_faults(drop=1.0, app_id=api.app_id)
    with pytest.raises(requests.ConnectionError):
        api.get("/contacts")
    sandbox_server.set_faults(expire=1.0, app_id=api.app_id)
    assert api.get("/contacts").status_code == 401
    sandbox_server.clear_faults(api.app_id)
    assert api.get("/contacts").status_code == 401  # the token stays expired
    api.forget_token()
    assert api.get("/contacts").status_code == 200


def test_added_latency(sandbox_server, api):
    import time

    api.authenticate()
    sandbox_server.set_faults(latency=0.3, app_id=api.app_id)
    started = time.monotonic()
    api.get("/contacts")
    elapsed = time.monotonic() - started
    sandbox_server.clear_faults(api.app_id)
    assert elapsed >= 0.3


def test_unknown_control_paths_and_bad_bodies_are_refused(sandbox_server):
    assert requests.post(f"{sandbox_server.base_url}/_sandbox/nothing", json={}, timeout=5).status_code == 404
    bad = requests.post(f"{sandbox_server.base_url}/_sandbox/faults", json={"p999": 1}, timeout=5)
    assert bad.status_code == 400


def _contact_names(api) -> list[str]:
    return sorted(contact["attributes"]["name"] for contact in api.all("/contacts"))


def test_a_write_whose_answer_is_dropped_is_applied_all_the_same(sandbox_server, api):
    api.authenticate()
    before = _contact_names(api)
    sandbox_server.set_faults(drop_after_write=1.0, app_id=api.app_id)
    with pytest.raises(requests.ConnectionError):
        api.post(
            "/contacts", {"data": {"type": "contacts", "attributes": {"name": "Aplicada Sin Respuesta"}}}
        )
    reads = api.get("/contacts")  # reads are answered as usual
    stats = sandbox_server.stats()["accounts"][api.app_id]
    sandbox_server.clear_faults(api.app_id)

    assert reads.status_code == 200
    assert _contact_names(api) == sorted([*before, "Aplicada Sin Respuesta"])
    assert stats["by_status"]["dropped_after_write"] == 1


def test_dropped_answers_hit_patches_and_deletes_but_not_refused_writes(sandbox_server, api):
    api.authenticate()
    created = api.post("/contacts", {"data": {"type": "contacts", "attributes": {"name": "Sin Documentos"}}})
    deletable = created.json()["data"]  # a contact without documents can be deleted
    editable = api.all("/contacts")[0]
    sandbox_server.set_faults(drop_after_write=1.0, app_id=api.app_id)
    with pytest.raises(requests.ConnectionError):
        api.patch(
            f"/contacts/{editable['id']}",
            {"data": {"type": "contacts", "id": editable["id"], "attributes": {"name": "Renombrada"}}},
        )
    with pytest.raises(requests.ConnectionError):
        api.delete(f"/contacts/{deletable['id']}")
    refused = api.post("/contacts", {"data": {"type": "contacts", "attributes": {"name": ""}}})
    sandbox_server.clear_faults(api.app_id)

    assert refused.status_code == 422  # nothing was written, so the answer comes
    assert api.get(f"/contacts/{editable['id']}").json()["data"]["attributes"]["name"] == "Renombrada"
    assert api.get(f"/contacts/{deletable['id']}").status_code == 404


def test_a_cut_pdf_announces_its_full_length_and_stops_half_way(sandbox_server, api):
    url = income_invoice_url(api)
    complete = api.fetch(url, token=...).content
    sandbox_server.set_faults(cut_pdf=1.0, app_id=api.app_id)
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", address.path, headers={"Authorization": f"Bearer {api.token}"})
    cut = connection.getresponse()
    with pytest.raises(http.client.IncompleteRead) as raised:
        cut.read()
    connection.close()
    stats = sandbox_server.stats()["accounts"][api.app_id]
    sandbox_server.clear_faults(api.app_id)

    assert cut.status == 200 and int(cut.getheader("Content-Length")) == len(complete)
    assert raised.value.partial == complete[: len(complete) // 2]
    assert b"%%EOF" not in raised.value.partial
    assert stats["by_status"]["cut_pdf"] == 1
    assert api.fetch(url, token=...).content == complete


def test_requests_reports_a_cut_pdf_as_an_error_not_as_a_short_file(sandbox_server, api):
    url = income_invoice_url(api)
    sandbox_server.set_faults(cut_pdf=1.0, app_id=api.app_id)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.session.get(url, headers={"Authorization": f"Bearer {api.token}"}, timeout=30)
    sandbox_server.clear_faults(api.app_id)


def test_answer_faults_strike_at_their_rate_under_a_seed(sandbox_server, api):
    url = income_invoice_url(api)

    def run():
        sandbox_server.set_faults(cut_pdf=0.5, seed=11, app_id=api.app_id)
        outcomes = []
        for _ in range(20):
            try:
                outcomes.append(
                    len(api.session.get(url, headers={"Authorization": f"Bearer {api.token}"}).content)
                )
            except requests.exceptions.ChunkedEncodingError:
                outcomes.append("cut")
        return outcomes

    first, second = run(), run()
    sandbox_server.clear_faults(api.app_id)
    assert first == second
    assert 3 <= first.count("cut") <= 17


def income_invoice_url(api) -> str:
    return api.data("/invoices", params={"filter[kind]": "income"})[0]["attributes"]["download_pdf_url"]


def test_the_command_line_takes_the_answer_faults():
    from quipu_portal.sandbox.config import parse_faults

    settings = parse_faults("drop_after_write=0.05,cut_pdf=0.1,seed=3")
    assert (settings.drop_after_write, settings.cut_pdf, settings.seed) == (0.05, 0.1, 3)
    with pytest.raises(ValueError, match="drop_after_write, cut_pdf"):
        parse_faults("cut=0.1")
