"""One rate budget per credential pair, shared by every process on every machine.

Why our own code and not a library: pyrate-limiter needs a file lock on SQLite and still let requests
through a strict server without a window margin; ``limits`` has no SQL storage. Neither reserves
future send times, takes "now" from the shared store, lets page views go before background work, or
takes orders from the server's 429 / RateLimit headers. The algorithm below is small: a sliding log of
the send times reserved for the credential pair (RELIABILITY.md), kept in one database row or one Redis
hash and changed in one short locked step. Sleeping happens outside the lock.

Priority without a reserved slot: background work may use the whole limit, but evenly paced (one send
per interval, window / limit) and never booked more than BACKGROUND_HORIZON_SECONDS ahead; a job that
finds its next send further out sleeps and asks again. A page view books the earliest legal send, so it
queues behind at most the horizon's worth of background sends: while jobs run it waits at most one
interval plus the horizon (page views of one person, at least an interval apart; tests/quipu simulate
it). Pacing matters as much as the horizon: a burst of ``limit`` background sends would fill the log and
hold a page view back for up to a whole window. So that page views cannot starve a job either, a
background caller whose kind has had no send for a whole window books the earliest slot like a page view.

A send that leaves late (a busy machine wakes the sleeper late) moves its entry in the log to when it
really left, so the sends booked after it still keep a full window from it as Quipu counts them.
"""

import bisect
import json
import logging
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction

from . import headers as rate_headers
from .config import RateLimit
from .errors import QuipuRateLimitedError

logger = logging.getLogger(__name__)

DEFAULT_MARGIN_SECONDS = 0.15
# How far ahead a background caller may book a send: enough to cover the reservation round trip and
# the wake-up jitter so the pace does not slip, small enough to add little to a page view's wait.
BACKGROUND_HORIZON_SECONDS = 0.1
# How much of a delay paced background work may make up: at a raised limit the few sends a worker's
# pause costs (a listing page read while its other lane waited); at Quipu's own 1 send a second too
# little to matter to a page view, which may wait this much longer.
CATCH_UP_SECONDS = 0.05
# Making up stops this many sends short of a full window: even pacing fills a window to the limit and
# leaves Quipu only the margin to time our sends differently; a window filled in a hurry does not.
CATCH_UP_HEADROOM = 2
# Sends stay in the log this many windows, though only the last counts for booking: when Quipu says
# "0 left", the window up to the send it answered is counted, and other callers book meanwhile.
KEPT_WINDOWS = 2
# The shortest sleep before a background caller asks again (no busy loop on rounding).
MIN_RETRY_SECONDS = 0.005
# Send times are stored rounded to microseconds; spans this close to a full window count as full.
EPSILON = 1e-5
CLOCK_RESOLUTION_SECONDS = 0.002
# A send this late (a share of the margin) is moved in the log to when it really left.
LATE_SHARE_OF_MARGIN = 1 / 6


def next_slot(slots: list[float], *, start: float, capacity: int, window: float) -> float:
    """The earliest time >= ``start`` at which one more send keeps every span of ``window`` seconds
    at ``capacity`` sends or fewer, given the sorted send times already reserved in ``slots``.

    A later caller may land in a gap before sends others reserved further ahead: that is how a page
    view goes before queued background work without breaking the limit.
    """
    candidates = sorted({start, *(s + window for s in slots if s + window > start)})
    for candidate in candidates:
        if _fits(slots, candidate, capacity, window):
            return candidate
    raise AssertionError("unreachable: the last candidate always fits")  # pragma: no cover


def plan_slot(
    slots: list[float],
    *,
    now: float,
    blocked_until: float,
    capacity: int,
    window: float,
    spacing: float,
    catch_up: float = 0.0,
) -> float:
    """The send time to reserve: the earliest legal one, and for a paced (background) caller no earlier
    than an even schedule of one send per ``spacing`` seconds allows: at least k spacings after the
    k-th latest send, page views included. So a page view that went between two background turns
    takes the next turn instead of squeezing the log, and the log stays evenly spread: the next free
    send is never more than about one spacing away. A paced caller that fell behind (a send that left
    late, a pause of the worker) may make up to ``catch_up`` seconds of it, at twice the pace at most,
    while the window holds ``CATCH_UP_HEADROOM`` sends fewer than the limit."""
    start = max(now, blocked_until)
    if spacing > 0 and slots:
        paced = max(sent + k * spacing for k, sent in enumerate(reversed(slots), start=1))
        if len(slots) >= capacity - CATCH_UP_HEADROOM:
            catch_up = 0.0
        soonest = max(paced - catch_up, slots[-1] + spacing / 2)
        start = max(start, min(paced, soonest))
    return next_slot(slots, start=start, capacity=capacity, window=window)


def _fits(slots: list[float], candidate: float, capacity: int, window: float) -> bool:
    merged = list(slots)
    position = bisect.bisect_right(merged, candidate)
    merged.insert(position, candidate)
    # Every run of capacity + 1 consecutive sends that includes the candidate must span a full window.
    first = max(0, position - capacity)
    last = min(position, len(merged) - 1 - capacity)
    return all(merged[j + capacity] - merged[j] >= window - EPSILON for j in range(first, last + 1))


def _count_in_window(slots: list[float], window: float, end: float) -> int:
    # A send booked at ``end`` may read as a hair later: SQLite's clock counts whole milliseconds,
    # while slots are booked to the microsecond.
    return sum(end - window < slot <= end + CLOCK_RESOLUTION_SECONDS for slot in slots)


def _moved(slots: list[float], slot: float, now: float) -> list[float]:
    """The log with the entry booked at ``slot`` moved to ``now`` (never earlier than it was)."""
    moved = list(slots)
    for position, booked in enumerate(moved):
        if abs(booked - slot) < EPSILON:
            moved[position] = max(booked, now)
            break
    return sorted(moved)


@dataclass(frozen=True)
class Reservation:
    slot: float  # when the request may be sent, in the store's clock
    now: float  # the store's clock when the slot was computed
    reserved: bool  # False when the wait exceeded max_wait: nothing was taken

    @property
    def wait(self) -> float:
        return max(0.0, self.slot - self.now)


class DatabaseBudgetStore:
    """The budget rows in the database: ``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite
    (``transaction_mode`` in the settings), so one process at a time reads and appends.

    Every background request of a job books here, so each step is two plain statements: the row and
    the store's clock read together, then the new log written back (no model instances, a fraction of
    a millisecond on SQLite)."""

    @staticmethod
    def _table() -> str:
        from .models import RateBudget

        return connection.ops.quote_name(RateBudget._meta.db_table)

    @staticmethod
    def _now_sql() -> str:
        if connection.vendor == "postgresql":
            return "EXTRACT(EPOCH FROM clock_timestamp())"
        if connection.vendor == "sqlite":
            return "(julianday('now') - 2440587.5) * 86400.0"
        return "NULL"

    def _locked_state(self, key: str) -> tuple[list[float], float, float, float]:
        """The row's slots, ``blocked_until`` and ``background_at``, and the store's clock; the row
        stays locked until the transaction ends. Creates the row the first time."""
        from .models import RateBudget

        lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        # Only the model's own table and column names go into the text; values are parameters.
        columns = f"slots, blocked_until, background_at, {self._now_sql()}"
        where = f"{connection.ops.quote_name('key')} = %s{lock}"
        sql = f"SELECT {columns} FROM {self._table()} WHERE {where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
            if row is None:
                RateBudget.objects.bulk_create([RateBudget(key=key)], ignore_conflicts=True)
                cursor.execute(sql, [key])
                row = cursor.fetchone()
        slots = json.loads(row[0]) if isinstance(row[0], str | bytes) else row[0]
        now = float(row[3]) if row[3] is not None else time.time()
        return [float(slot) for slot in slots or ()], float(row[1]), float(row[2]), now

    def _save(self, key: str, **values) -> None:
        """Write ``slots`` (a list) and the floats given back to the locked row."""
        assignments, parameters = [], []
        for name, value in values.items():
            if name == "slots":
                value = json.dumps([round(slot, 6) for slot in value])
                cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
            else:
                cast = "%s"
            assignments.append(f"{connection.ops.quote_name(name)} = {cast}")
            parameters.append(value)
        # Only the model's own table and column names go into the text; values are parameters.
        with connection.cursor() as cursor:
            where = f"{connection.ops.quote_name('key')} = %s"
            update = f"UPDATE {self._table()} SET {', '.join(assignments)} WHERE {where}"  # noqa: S608
            cursor.execute(update, [*parameters, key])

    def reserve(
        self, key: str, *, capacity: int, window: float, max_wait: float | None, background: bool = False
    ) -> Reservation:
        """Book the next send. ``background``: paced one interval (window / capacity) apart; when no
        background send was booked for a whole window (starved), the earliest slot regardless of
        ``max_wait``, like a page view."""
        with transaction.atomic():
            stored, blocked_until, background_at, now = self._locked_state(key)
            kept = sorted(s for s in stored if s > now - KEPT_WINDOWS * window)
            slots = [s for s in kept if s > now - window]
            starved = background and background_at <= now - window
            slot = plan_slot(
                slots,
                now=now,
                blocked_until=blocked_until,
                capacity=capacity,
                window=window,
                spacing=window / capacity if background and not starved else 0.0,
                catch_up=CATCH_UP_SECONDS,
            )
            if max_wait is not None and slot - now > max_wait and not starved:
                return Reservation(slot, now, reserved=False)
            bisect.insort(kept, slot)
            if background:
                self._save(key, slots=kept, background_at=max(background_at, slot))
            else:
                self._save(key, slots=kept)
        return Reservation(slot, now, reserved=True)

    def mark_late(self, key: str, slot: float) -> None:
        """The send booked at ``slot`` leaves only now: record it at the store's current time."""
        with transaction.atomic():
            slots, _blocked, _background, now = self._locked_state(key)
            self._save(key, slots=_moved(slots, slot, now))

    def block(self, key: str, seconds: float) -> None:
        """Send nothing for ``seconds``."""
        with transaction.atomic():
            _slots, blocked_until, _background, now = self._locked_state(key)
            until = now + seconds
            if until > blocked_until:
                self._save(key, blocked_until=until)

    def sent_times(self, key: str) -> list[float]:
        """The send times in the log (without a lock: for a look, not for booking)."""
        from .models import RateBudget

        stored = RateBudget.objects.filter(key=key).values_list("slots", flat=True).first() or []
        return sorted(float(slot) for slot in stored)

    def clear(self, key: str) -> None:
        from .models import RateBudget

        RateBudget.objects.filter(key=key).delete()


# The same algorithm as plan_slot, in one script so Redis runs it atomically with its own clock.
_RESERVE_LUA = """
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local background = ARGV[5] == '1'
local catch_up = tonumber(ARGV[6])
local kept_windows = tonumber(ARGV[7])
local catch_up_headroom = tonumber(ARGV[8])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local blocked = tonumber(redis.call('HGET', key, 'blocked') or '0') or 0
local background_at = tonumber(redis.call('HGET', key, 'background') or '0') or 0
local starved = background and background_at <= now - window
local spacing = 0
if background and not starved then spacing = window / capacity end
local raw = redis.call('HGET', key, 'slots')
local kept = {}
local slots = {}
if raw then
  for _, s in ipairs(cjson.decode(raw)) do
    if s > now - kept_windows * window then table.insert(kept, s) end
    if s > now - window then table.insert(slots, s) end
  end
end
table.sort(slots)
local start = math.max(now, blocked)
if spacing > 0 and #slots > 0 then
  local paced = 0
  for i = #slots, 1, -1 do paced = math.max(paced, slots[i] + (#slots - i + 1) * spacing) end
  if #slots >= capacity - catch_up_headroom then catch_up = 0 end
  local soonest = math.max(paced - catch_up, slots[#slots] + spacing / 2)
  start = math.max(start, math.min(paced, soonest))
end
local candidates = {start}
for _, s in ipairs(slots) do
  if s + window > start then table.insert(candidates, s + window) end
end
table.sort(candidates)
local function fits(c)
  local merged = {}
  local position = #slots + 1
  for i, s in ipairs(slots) do
    if s > c and position > #slots then position = i end
  end
  for i = 1, position - 1 do merged[i] = slots[i] end
  merged[position] = c
  for i = position, #slots do merged[i + 1] = slots[i] end
  local first = math.max(1, position - capacity)
  local last = math.min(position, #merged - capacity)
  for j = first, last do
    if merged[j + capacity] - merged[j] < window - 0.00001 then return false end
  end
  return true
end
local slot = candidates[#candidates]
for _, c in ipairs(candidates) do
  if fits(c) then slot = c; break end
end
if max_wait >= 0 and slot - now > max_wait and not starved then
  return {string.format('%.6f', slot), string.format('%.6f', now), 0}
end
table.insert(kept, slot)
table.sort(kept)
local out = {}
for i, s in ipairs(kept) do out[i] = string.format('%.6f', s) end
redis.call('HSET', key, 'slots', '[' .. table.concat(out, ',') .. ']')
if background and slot > background_at then
  redis.call('HSET', key, 'background', string.format('%.6f', slot))
end
redis.call('EXPIRE', key, ttl)
return {string.format('%.6f', slot), string.format('%.6f', now), 1}
"""

_BLOCK_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
local blocked = tonumber(redis.call('HGET', KEYS[1], 'blocked') or '0') or 0
if until_ > blocked then redis.call('HSET', KEYS[1], 'blocked', string.format('%.6f', until_)) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""


_MARK_LATE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = tonumber(ARGV[1])
local raw = redis.call('HGET', KEYS[1], 'slots')
if not raw then return 0 end
local slots = cjson.decode(raw)
for i, s in ipairs(slots) do
  if math.abs(s - slot) < 0.00001 then
    if now > s then slots[i] = now end
    break
  end
end
table.sort(slots)
local out = {}
for i, s in ipairs(slots) do out[i] = string.format('%.6f', s) end
redis.call('HSET', KEYS[1], 'slots', '[' .. table.concat(out, ',') .. ']')
return 1
"""


@cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


class RedisBudgetStore:
    """The budget in one Redis hash per credential pair, changed by one Lua script (atomic)."""

    def __init__(self, url: str):
        self._redis = _redis_client(url)
        self._reserve = self._redis.register_script(_RESERVE_LUA)
        self._block = self._redis.register_script(_BLOCK_LUA)
        self._mark_late = self._redis.register_script(_MARK_LATE_LUA)

    @staticmethod
    def _key(key: str) -> str:
        return f"quipu_portal:rate_budget:{key}"

    @staticmethod
    def _ttl(window: float) -> int:
        return int(window * 4) + 3600

    def reserve(
        self, key: str, *, capacity: int, window: float, max_wait: float | None, background: bool = False
    ) -> Reservation:
        slot, now, reserved = self._reserve(
            keys=[self._key(key)],
            args=[
                capacity,
                repr(window),
                -1 if max_wait is None else repr(max_wait),
                self._ttl(window),
                int(background),
                repr(CATCH_UP_SECONDS),
                KEPT_WINDOWS,
                CATCH_UP_HEADROOM,
            ],
        )
        return Reservation(float(slot), float(now), bool(int(reserved)))

    def mark_late(self, key: str, slot: float) -> None:
        self._mark_late(keys=[self._key(key)], args=[repr(slot)])

    def block(self, key: str, seconds: float) -> None:
        self._block(keys=[self._key(key)], args=[repr(seconds), self._ttl(seconds)])

    def sent_times(self, key: str) -> list[float]:
        return sorted(json.loads(self._redis.hget(self._key(key), "slots") or "[]"))

    def clear(self, key: str) -> None:
        self._redis.delete(self._key(key))


def budget_store():
    """Redis when REDIS_URL is set, else the database."""
    url = getattr(settings, "REDIS_URL", "") or ""
    return RedisBudgetStore(url) if url else _database_store()


@cache
def _database_store() -> DatabaseBudgetStore:
    return DatabaseBudgetStore()


class SharedRateBudget:
    """The pacing of one client: reserve a send time, sleep until it, and learn from responses."""

    def __init__(self, key: str, rate_limit: RateLimit, *, store=None, margin: float | None = None):
        self.key = key
        self.rate_limit = rate_limit
        self.store = store or budget_store()
        if margin is None:
            margin = float(getattr(settings, "QUIPU_RATE_MARGIN_SECONDS", DEFAULT_MARGIN_SECONDS))
        self.window = rate_limit.window + margin
        self.late_after = margin * LATE_SHARE_OF_MARGIN
        # When the latest request acquired left, in the store's clock.
        self.sent_at = 0.0

    def acquire(self, *, background: bool, max_wait: float | None) -> float:
        """Wait for a send slot and return the seconds waited.

        A page view takes the earliest slot; with ``max_wait`` it refuses (QuipuRateLimitedError with
        the wait) rather than wait longer. Background work is paced and books only slots within the
        horizon (see the module docstring), asking again until it gets one; ``max_wait`` is ignored.
        """
        started = time.monotonic()
        if background:
            reservation, asked = self._reserve_paced()
        else:
            asked = time.monotonic()
            reservation = self.store.reserve(
                self.key, capacity=self.rate_limit.limit, window=self.window, max_wait=max_wait
            )
            if not reservation.reserved:
                raise QuipuRateLimitedError(reservation.wait, "The shared rate budget is in use", status=None)
        if reservation.wait > 0:
            time.sleep(reservation.wait)
        # Measured from before the booking, so the round trip to the store counts as lateness too.
        late = time.monotonic() - asked - reservation.wait
        if late > self.late_after:
            self.store.mark_late(self.key, reservation.slot)
        self.sent_at = reservation.slot + max(late, 0.0)
        return time.monotonic() - started

    def _reserve_paced(self) -> tuple[Reservation, float]:
        while True:
            asked = time.monotonic()
            reservation = self.store.reserve(
                self.key,
                capacity=self.rate_limit.limit,
                window=self.window,
                max_wait=BACKGROUND_HORIZON_SECONDS,
                background=True,
            )
            if reservation.reserved:
                return reservation, asked
            # Nothing was booked: sleep outside the lock until the slot is within the horizon, or for
            # one interval at most so that a caller that becomes starved notices it.
            interval = self.window / self.rate_limit.limit
            time.sleep(min(interval, max(MIN_RETRY_SECONDS, reservation.wait - BACKGROUND_HORIZON_SECONDS)))

    def observe(self, status: int, response_headers) -> None:
        """Stop every process when Quipu says so: a 429, or no requests left until the reset."""
        if status == 429:
            wait = rate_headers.retry_after_seconds(response_headers)
            self.store.block(self.key, wait if wait is not None else self.rate_limit.window)
            logger.warning("Quipu answered 429; pausing this connection for %.1f s", wait or 0)
            return
        if rate_headers.remaining(response_headers) == 0:
            reset = rate_headers.reset_seconds(response_headers)
            if reset:
                pause = self._pause_after_last_slot_used(reset)
                if pause:
                    self.store.block(self.key, pause)

    def _pause_after_last_slot_used(self, reset: float) -> float:
        """How long to hold every send after Quipu said "0 left, reset in ``reset`` s".

        Paced at the full limit, that is the usual answer (the reset is rounded up to whole seconds):
        when our own sends in Quipu's window explain it, the pacing already waits long enough. When
        they do within the margin, Quipu timed one of them a little later than it left: the next send
        waits the margin. Otherwise Quipu counts sends we do not know of, or has a longer window than
        we were told: wait for its reset."""
        limit = self.rate_limit
        if reset > limit.window:
            return reset
        sent = self.store.sent_times(self.key)
        if _count_in_window(sent, limit.window, self.sent_at) >= limit.limit:
            return 0.0
        if _count_in_window(sent, self.window, self.sent_at) >= limit.limit:
            return self.window - limit.window
        return reset
