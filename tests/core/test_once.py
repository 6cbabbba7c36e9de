"""One-time form tokens: a second POST of the same form finds the first, even while it is being sent."""

import threading
import time

from django.test import RequestFactory

from quipu_portal.core.once import ONCE_FIELD, once_claim, once_done, once_release


def post(user, **data):
    request = RequestFactory().post("/anything/", data)
    request.user = user
    return request


def test_a_second_post_waits_for_the_first_and_gets_its_result(transactional_db, user):
    first = once_claim(post(user, **{ONCE_FIELD: "t1", "concept": "Descuento"}))
    assert first.first and not first.result_url

    def finish_later():
        time.sleep(0.5)
        once_done(first, url="/invoices/7/")

    worker = threading.Thread(target=finish_later)
    worker.start()
    second = once_claim(post(user, **{ONCE_FIELD: "t1", "concept": "Descuento"}))
    worker.join()

    assert not second.first and second.result_url == "/invoices/7/"


def test_other_data_another_user_or_a_released_claim_is_a_new_submission(db, user, other_user):
    first = once_claim(post(user, **{ONCE_FIELD: "t1", "concept": "Descuento"}))
    once_done(first, url="/invoices/7/")

    assert once_claim(post(user, **{ONCE_FIELD: "t1", "concept": "Otro descuento"})).first
    assert once_claim(post(other_user, **{ONCE_FIELD: "t1", "concept": "Descuento"})).first
    refused = once_claim(post(user, **{ONCE_FIELD: "t2"}))
    once_release(refused)
    assert once_claim(post(user, **{ONCE_FIELD: "t2"})).first
    assert once_claim(post(user, concept="no token")).row is None
