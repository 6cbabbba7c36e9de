import heapq
import itertools
import time
import uuid

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quipu_portal.quipu.budget import (
    BACKGROUND_HORIZON_SECONDS,
    CATCH_UP_SECONDS,
    MIN_RETRY_SECONDS,
    SharedRateBudget,
    budget_store,
    next_slot,
    plan_slot,
)
from quipu_portal.quipu.config import RateLimit
from quipu_portal.quipu.errors import QuipuRateLimitedError

LIMIT, WINDOW = 5, 5.15  # the real limit plus the default safety margin
INTERVAL = WINDOW / LIMIT  # one rate slot
PAGE_WAIT_LIMIT = 4.0  # QUIPU_PAGE_WAIT_LIMIT_SECONDS


def max_in_any_window(slots, window):
    slots = sorted(slots)
    return max((sum(1 for s in slots if t <= s < t + window) for t in slots), default=0)


def test_a_burst_of_the_limit_goes_at_once_and_the_next_waits_a_full_window():
    slots = []
    for _ in range(5):
        slots.append(next_slot(slots, start=100.0, capacity=5, window=5.15))
    assert slots == [100.0] * 5
    assert next_slot(sorted(slots), start=100.0, capacity=5, window=5.15) == pytest.approx(105.15)


def background_slot(slots, now, catch_up=CATCH_UP_SECONDS):
    return plan_slot(
        slots, now=now, blocked_until=0.0, capacity=LIMIT, window=WINDOW, spacing=INTERVAL, catch_up=catch_up
    )


def page_view_slot(slots, now):
    return plan_slot(slots, now=now, blocked_until=0.0, capacity=LIMIT, window=WINDOW, spacing=0.0)


def test_background_work_is_paced_one_interval_apart_and_a_page_view_goes_in_between():
    assert background_slot([], 0.0, catch_up=0.0) == 0.0
    assert background_slot([0.0], 0.01, catch_up=0.0) == pytest.approx(INTERVAL)  # no burst: the next turn
    # A page view does not queue behind background turns: it goes at once.
    assert page_view_slot([0.0], 0.3) == 0.3
    # It used a background turn: the job's next send moves one interval instead of squeezing in.
    assert background_slot([0.0, 0.3], 0.31, catch_up=0.0) == pytest.approx(2 * INTERVAL)


def test_background_work_that_fell_behind_makes_up_a_little_at_twice_the_pace_at_most():
    spacing = 0.0103  # 100 sends a second and a 0.03 s margin
    on_time = [i * spacing for i in range(10)]

    def paced(slots, now):
        return plan_slot(
            slots, now=now, blocked_until=0.0, capacity=100, window=1.03, spacing=spacing, catch_up=0.03
        )

    # The worker paused 40 ms after its tenth send: the next ones go half a spacing apart until they
    # have made up the catch-up allowance, then one spacing apart again.
    sends = [*on_time]
    now = on_time[-1] + 0.04
    for _ in range(12):
        sends.append(max(now, paced(sends, now)))
        now = sends[-1]
    gaps = [b - a for a, b in itertools.pairwise(sends[9:])]
    assert gaps[0] == pytest.approx(0.04)
    assert all(gap >= spacing / 2 - 1e-9 for gap in gaps)
    assert sends[-1] - on_time[-1] == pytest.approx(0.04 + 11 * spacing - 0.03, abs=1e-6)
    assert gaps[-1] == pytest.approx(spacing)
    # Never more than the limit in a window, however far behind.
    assert max_in_any_window(sends, 1.03 - 1e-4) <= 100


def simulate(worker_latencies, page_views, *, until=40.0):
    """The stores' and SharedRateBudget's rules in virtual time: background workers that ask again as
    soon as their last request returns (after its latency), and page views at the given times that
    refuse to wait longer than the page limit. Returns the sorted send times, the background ones and
    each served page view's wait."""
    events = [(t, 1, None) for t in page_views] + [(0.0, 0, k) for k in range(len(worker_latencies))]
    heapq.heapify(events)
    sends, background_sends, waits = [], [], []
    while events:
        now, _, worker = heapq.heappop(events)
        if now > until:
            break
        slots = sorted(s for s in sends if s > now - WINDOW)
        if worker is None:
            slot = page_view_slot(slots, now)
            if slot - now > PAGE_WAIT_LIMIT:
                continue  # refused: the person is told to try again
            waits.append(slot - now)
        else:
            starved = max(background_sends, default=0.0) <= now - WINDOW
            slot = page_view_slot(slots, now) if starved else background_slot(slots, now)
            if slot - now > BACKGROUND_HORIZON_SECONDS and not starved:  # sleep, then ask again
                retry = min(INTERVAL, max(MIN_RETRY_SECONDS, slot - now - BACKGROUND_HORIZON_SECONDS))
                heapq.heappush(events, (now + retry, 0, worker))
                continue
            heapq.heappush(events, (slot + worker_latencies[worker], 0, worker))
            background_sends.append(slot)
        sends.append(slot)
    return sorted(sends), sorted(background_sends), waits


latencies = st.lists(st.floats(min_value=0.005, max_value=2.5), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(latencies, st.lists(st.floats(min_value=0, max_value=40), max_size=30))
def test_no_window_ever_holds_more_than_the_limit_whatever_the_mix_of_callers(worker_latencies, page_views):
    sends, _, _ = simulate(worker_latencies, page_views)
    assert max_in_any_window(sends, WINDOW - 1e-4) <= LIMIT


@settings(max_examples=150, deadline=None)
@given(
    latencies,
    st.floats(min_value=0, max_value=3),
    st.lists(st.floats(min_value=0, max_value=4), min_size=1, max_size=30),
)
def test_a_page_view_waits_at_most_one_slot_and_the_horizon_while_jobs_run(
    worker_latencies, first_page_view, extra_gaps
):
    # One person clicking, at any phase of the jobs' schedule: page views at least two slots apart, so
    # they leave the jobs a share of the budget (page views that take all of it starve the jobs, which
    # then book the next slot ahead of them: see the next test).
    page_views = list(
        itertools.accumulate((2 * INTERVAL + gap for gap in extra_gaps), initial=first_page_view)
    )
    _, _, waits = simulate(worker_latencies, page_views)
    assert max(waits) <= INTERVAL + BACKGROUND_HORIZON_SECONDS + CATCH_UP_SECONDS + 1e-6


@settings(max_examples=100, deadline=None)
@given(latencies)
def test_background_work_alone_uses_the_whole_limit_evenly(worker_latencies):
    assume(min(worker_latencies) < INTERVAL - BACKGROUND_HORIZON_SECONDS)  # one worker keeps the pace
    sends, _, _ = simulate(worker_latencies, [])
    throughput = (len(sends) - 1) / (sends[-1] - sends[0])
    assert throughput >= 0.97 * LIMIT / 5.0  # all of the real limit but the 0.15 s safety margin
    assert max_in_any_window(sends, WINDOW - 1e-4) == LIMIT


@settings(max_examples=100, deadline=None)
@given(latencies, st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=40, max_size=80))
def test_page_views_faster_than_the_limit_do_not_starve_background_work(worker_latencies, gaps):
    page_views = list(itertools.accumulate(gaps, initial=0.0))  # more than the budget can serve
    _, background_sends, _ = simulate(worker_latencies, page_views, until=page_views[-1])
    ends = [0.0, *background_sends, page_views[-1]]
    # A window without one makes background work starved; it then books the next free slot, at most a
    # window away.
    assert max(b - a for a, b in itertools.pairwise(ends)) <= 2 * WINDOW + 1e-6


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
def test_the_shared_store_paces_background_work_and_lets_a_page_view_in_first(budget_key):
    store = budget_store()

    def background():
        return store.reserve(
            budget_key, capacity=5, window=5.15, max_wait=BACKGROUND_HORIZON_SECONDS, background=True
        )

    first = background()
    assert first.reserved and first.wait < 0.05
    early = background()  # the next turn is a slot away: nothing is booked, the caller sleeps
    turn = 1.03 - CATCH_UP_SECONDS  # a background caller may lead the even pace by the catch-up
    assert not early.reserved and early.slot == pytest.approx(first.slot + turn, abs=0.01)
    page_view = store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)
    assert page_view.wait < 0.05
    # The page view used that turn: background work now waits for the one after.
    later = background()
    assert not later.reserved and later.slot == pytest.approx(first.slot + 1.03 + turn, abs=0.01)


@pytest.mark.django_db
def test_a_starved_background_caller_books_the_next_free_slot_beyond_the_horizon(budget_key):
    store = budget_store()
    for _ in range(5):  # page views used the whole window
        store.reserve(budget_key, capacity=5, window=5.15, max_wait=None)

    def background():
        return store.reserve(
            budget_key, capacity=5, window=5.15, max_wait=BACKGROUND_HORIZON_SECONDS, background=True
        )

    starved = background()  # no background send for a whole window: it queues like a page view
    assert starved.reserved and starved.wait == pytest.approx(5.15, abs=0.05)
    assert not background().reserved  # the next one waits within the horizon again


@pytest.mark.django_db
def test_a_background_caller_sends_once_per_slot_through_the_shared_store(budget_key):
    budget = SharedRateBudget(budget_key, RateLimit(10, 1.0), margin=0.0)  # one slot: 0.1 s
    started = time.monotonic()
    sent = []
    for _ in range(8):
        budget.acquire(background=True, max_wait=None)
        sent.append(time.monotonic() - started)
    # The first goes at once, then one per slot (leading by the catch-up at most): no burst although
    # the limit would allow all eight at once (the upper bounds leave room for a loaded machine).
    assert sent[0] < 0.3
    assert 7 * 0.1 - CATCH_UP_SECONDS - 0.02 <= sent[-1] - sent[0] < 7 * 0.1 + 0.4


@pytest.mark.django_db
def test_an_exhausted_remaining_header_our_own_sends_explain_does_not_hold_back_the_next_turn(budget_key):
    budget = SharedRateBudget(budget_key, RateLimit(2, 1.0), margin=0.0)  # one slot: 0.5 s
    budget.acquire(background=True, max_wait=None)
    budget.acquire(background=True, max_wait=None)
    # Quipu's count matches ours; its reset is rounded up to a whole second.
    budget.observe(200, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1"})
    assert budget.acquire(background=True, max_wait=None) < 0.75  # the next turn, not the rounded reset

    # The same header without our own sends to explain it: someone else used the pair.
    stranger = SharedRateBudget(budget_key + "b", RateLimit(2, 1.0), margin=0.0)
    stranger.observe(200, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1"})
    assert stranger.acquire(background=True, max_wait=None) > 0.9


@pytest.mark.django_db
def test_an_exhausted_remaining_header_our_sends_explain_only_within_the_margin_holds_sends_one_margin(
    budget_key,
):
    budget = SharedRateBudget(budget_key, RateLimit(2, 1.0), margin=0.5)
    budget.acquire(background=False, max_wait=None)
    time.sleep(1.2)
    budget.acquire(background=False, max_wait=None)
    # Quipu counted both in its 1-second window: it timed the first one later than it left. The next
    # send waits the margin (0.5 s), not only the window's own rule (0.3 s) nor the rounded reset (1 s).
    budget.observe(200, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1"})
    assert 0.4 < budget.acquire(background=False, max_wait=None) < 0.8


@pytest.mark.django_db
def test_an_exhausted_remaining_header_is_explained_by_sends_that_have_since_left_the_window(budget_key):
    budget = SharedRateBudget(budget_key, RateLimit(2, 1.0), margin=0.0)
    budget.acquire(background=False, max_wait=None)
    time.sleep(0.9)
    budget.acquire(background=False, max_wait=None)
    time.sleep(0.2)  # meanwhile another process books: the first send is now more than a window old
    store = budget_store()
    store.reserve(budget_key, capacity=10, window=1.0, max_wait=None)
    # Quipu's answer to the second send counted both: so does the log, up to that send.
    budget.observe(200, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1"})
    assert store.reserve(budget_key, capacity=10, window=1.0, max_wait=None).wait < 0.3


@pytest.mark.django_db
def test_a_send_that_leaves_late_is_logged_when_it_left_so_the_next_one_keeps_a_full_window(budget_key):
    store = budget_store()
    first = store.reserve(budget_key, capacity=2, window=1.0, max_wait=None)
    time.sleep(0.3)  # the sender woke up late
    store.mark_late(budget_key, first.slot)
    store.reserve(budget_key, capacity=2, window=1.0, max_wait=None)
    third = store.reserve(budget_key, capacity=2, window=1.0, max_wait=None)
    # A full window after the first send as Quipu saw it, not as it was booked.
    assert third.slot - first.slot == pytest.approx(1.3, abs=0.06)


@pytest.mark.django_db
def test_a_sleeper_woken_late_moves_its_send_and_an_on_time_one_does_not(budget_key, monkeypatch):
    from quipu_portal.quipu import budget as budget_module

    budget = SharedRateBudget(budget_key, RateLimit(1, 1.0), margin=0.15)
    moved = []
    mark_late = budget.store.mark_late
    monkeypatch.setattr(
        budget.store, "mark_late", lambda key, slot: moved.append(slot) or mark_late(key, slot)
    )
    budget.acquire(background=False, max_wait=None)
    assert moved == []

    real_sleep = time.sleep
    monkeypatch.setattr(budget_module.time, "sleep", lambda seconds: real_sleep(seconds + 0.25))
    budget.acquire(background=False, max_wait=None)  # its turn is a window later; it wakes 0.25 s late
    assert len(moved) == 1
    after_it = budget.store.reserve(budget_key, capacity=1, window=1.15, max_wait=None)
    assert after_it.wait == pytest.approx(1.15, abs=0.05)  # a full window from when it really left
