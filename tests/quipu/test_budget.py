import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quipu_portal.quipu.budget import SharedRateBudget, budget_store, next_slot
from quipu_portal.quipu.config import RateLimit
from quipu_portal.quipu.errors import QuipuRateLimitedError


def max_in_any_window(slots, window):
    slots = sorted(slots)
    return max((sum(1 for s in slots if t <= s < t + window) for t in slots), default=0)


def test_a_burst_of_the_limit_goes_at_once_and_the_next_waits_a_full_window():
    slots = []
    for _ in range(5):
        slots.append(next_slot(slots, start=100.0, capacity=5, window=5.15))
    assert slots == [100.0] * 5
    assert next_slot(sorted(slots), start=100.0, capacity=5, window=5.15) == pytest.approx(105.15)


def test_a_page_view_goes_into_the_free_slot_before_queued_background_work():
    # Background (capacity 4) sent four at t=0 and three workers already hold slots at 5.15.
    slots = [0.0, 0.0, 0.0, 0.0, 5.15, 5.15, 5.15]
    assert next_slot(slots, start=1.0, capacity=5, window=5.15) == 1.0
    # Another background request may not take it: it waits for the window to move.
    assert next_slot(slots, start=1.0, capacity=4, window=5.15) == pytest.approx(5.15)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=3, allow_nan=False), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_no_window_ever_holds_more_than_the_limit_whatever_the_mix_of_callers(calls):
    limit, window = 5, 5.15
    now, slots = 0.0, []
    for step, background in calls:
        now += step
        slot = next_slot(
            sorted(s for s in slots if s > now - window),
            start=now,
            capacity=4 if background else 5,
            window=window,
        )
        assert slot >= now
        slots.append(slot)
    assert max_in_any_window(slots, window - 1e-4) <= limit


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=2, allow_nan=False), min_size=1, max_size=30))
def test_background_alone_leaves_one_request_per_window_for_page_views(steps):
    window, now, slots = 5.15, 0.0, []
    for step in steps:
        now += step
        slots.append(
            next_slot(sorted(s for s in slots if s > now - window), start=now, capacity=4, window=window)
        )
    assert max_in_any_window(slots, window - 1e-4) <= 4


@pytest.fixture
def budget_key():
    return f"test-{uuid.uuid4().hex}"


@pytest.mark.django_db
def test_the_shared_store_paces_the_sixth_request_a_window_after_the_first(budget_key):
    store = budget_store()
    reservations = [store.reserve(budget_key, capacity=5, window=5.15, max_wait=None) for _ in range(6)]
    first = reservations[0]
    assert all(r.reserved for r in reservations)
    assert all(r.slot - r.now < 0.5 for r in reservations[:5])
    assert reservations[5].slot == pytest.approx(first.slot + 5.15, abs=0.01)


@pytest.mark.django_db
def test_a_refused_reservation_takes_nothing_from_the_budget(budget_key):
    store = budget_store()
    for _ in range(5):
        store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)
    refused = store.reserve(budget_key, capacity=5, window=5.15, max_wait=1.0)
    assert not refused.reserved
    assert refused.wait > 4.5
    accepted = store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)
    assert accepted.slot == pytest.approx(refused.slot, abs=0.05)  # the slot it did not take


@pytest.mark.django_db
def test_quipus_retry_after_blocks_every_caller_of_the_credential_pair(budget_key):
    store = budget_store()
    store.block(budget_key, 3.0)
    reservation = store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)
    assert reservation.wait == pytest.approx(3.0, abs=0.1)


@pytest.mark.django_db
def test_an_interactive_call_refuses_to_wait_longer_than_the_page_limit(budget_key):
    budget = SharedRateBudget(budget_key, RateLimit(2, 5.0), margin=0.15)
    budget.acquire(background=False, max_wait=1.0)
    budget.acquire(background=False, max_wait=1.0)
    with pytest.raises(QuipuRateLimitedError) as excinfo:
        budget.acquire(background=False, max_wait=1.0)
    assert excinfo.value.retry_after == pytest.approx(5.15, abs=0.2)


@pytest.mark.django_db
def test_429_and_an_exhausted_remaining_header_block_the_budget(budget_key):
    budget = SharedRateBudget(budget_key, RateLimit(100, 5.0), margin=0.15)
    budget.observe(429, {"Retry-After": "2"})
    assert budget.store.reserve(budget_key, capacity=100, window=5.15, max_wait=None).wait == pytest.approx(
        2, abs=0.1
    )

    other = SharedRateBudget(budget_key + "b", RateLimit(100, 5.0), margin=0.15)
    other.observe(200, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1"})
    assert other.store.reserve(other.key, capacity=100, window=5.15, max_wait=None).wait == pytest.approx(
        1, abs=0.1
    )
    other.observe(200, {"RateLimit-Remaining": "3", "RateLimit-Reset": "4"})


@pytest.mark.django_db
def test_the_shared_store_lets_a_page_view_in_before_queued_background_requests(budget_key):
    store = budget_store()
    background = [store.reserve(budget_key, capacity=4, window=5.15, max_wait=None) for _ in range(7)]
    assert [round(r.wait) for r in background] == [0, 0, 0, 0, 5, 5, 5]
    page_view = store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)
    assert page_view.wait < 0.5
    # The page view used the spare request of this window: the next one of either kind must wait.
    assert store.reserve(budget_key, capacity=5, window=5.15, max_wait=None).wait > 4
