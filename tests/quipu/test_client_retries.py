import pytest

from quipu_portal.quipu.errors import QuipuServerError, QuipuUnavailableError
from quipu_portal.quipu.records import RecordInput

from .conftest import account_stats

pytestmark = pytest.mark.django_db

FAULTS = {
    "429": ({"p429": 0.3}, ("429",)),
    "gateway": ({"p502": 0.2, "p503": 0.2}, ("502", "503")),
    "dropped": ({"drop": 0.3}, ("dropped", "0")),  # the sandbox closes the socket without answering
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_reads_and_updates_survive_injected_faults(client, sandbox, quipu_account, fault):
    faults, statuses_seen = FAULTS[fault]
    app_id = quipu_account["app_id"]
    expected = [c.id for c in client.iterate("contacts", page_size=3)]
    sandbox.set_faults(**faults, seed=4, app_id=app_id)

    ids = [c.id for c in client.iterate("contacts", page_size=3)]
    contact = client.retrieve("contacts", ids[0])
    client.update("contacts", contact.id, RecordInput(attributes={"phone": "976123456"}))

    sandbox.clear_faults()
    assert ids == expected
    assert client.retrieve("contacts", contact.id).phone == "976123456"
    by_status = account_stats(sandbox, app_id)["by_status"]
    assert any(by_status.get(status) for status in statuses_seen), by_status


def test_a_post_is_never_sent_twice_so_no_invoice_or_contact_is_duplicated(client, sandbox, quipu_account):
    app_id = quipu_account["app_id"]
    client.list("contacts")
    sandbox.set_faults(p429=0.2, p502=0.15, p503=0.15, drop=0.15, seed=5, app_id=app_id)

    created, failed = [], []
    for n in range(16):
        name = f"Cliente reintento {n:02d}"
        try:
            created.append(client.create("contacts", RecordInput(attributes={"name": name})).name)
        except QuipuUnavailableError as error:
            failed.append(name)
            if error.status is None:  # no answer at all: the user must be told it may exist
                assert error.may_have_been_applied
        except QuipuServerError:
            failed.append(name)

    sandbox.clear_faults()
    names = [c.name for c in client.iterate("contacts", filters={"q": "Cliente reintento"}, page_size=100)]
    assert failed, "the faults should have made some creates fail"
    assert created, "429s are repeated for a POST, so most creates succeed"
    assert sorted(names) == sorted(created)  # each success exactly once; nothing from a failed attempt twice
    assert account_stats(sandbox, app_id)["by_status"].get("429")


def test_an_update_refused_after_an_attempt_without_answer_is_reported_as_maybe_applied(
    client, sandbox, quipu_account
):
    """Quipu applies each PATCH but loses its answer, or answers 500 before doing anything: a 500 on a
    repeat must not read as "nothing saved", since the first attempt was."""
    app_id = quipu_account["app_id"]
    contacts = [c.id for c in client.iterate("contacts", page_size=10)][:8]
    sandbox.set_faults(drop_after_write=1.0, p500=0.5, seed=8, app_id=app_id)

    outcomes = {}
    for n, contact_id in enumerate(contacts):
        try:
            client.update("contacts", contact_id, RecordInput(attributes={"phone": f"97600000{n}"}))
            outcomes[contact_id] = "saved"
        except QuipuUnavailableError as error:
            assert error.may_have_been_applied
            outcomes[contact_id] = "maybe"
        except QuipuServerError:
            outcomes[contact_id] = "not saved"

    sandbox.clear_faults(app_id)
    for n, contact_id in enumerate(contacts):
        applied = client.retrieve("contacts", contact_id).phone == f"97600000{n}"
        assert applied == (outcomes[contact_id] != "not saved"), (contact_id, outcomes[contact_id])
    assert {"maybe", "not saved"} <= set(outcomes.values()), outcomes
