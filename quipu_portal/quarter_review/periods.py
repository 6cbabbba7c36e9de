"""Quarters and their filing deadlines (modelo 303 and the other quarterly returns)."""

import datetime
from dataclasses import dataclass

# The last filing day of each quarter: month, day and how many years after the quarter's year.
DEADLINES = {1: (4, 20, 0), 2: (7, 20, 0), 3: (10, 20, 0), 4: (1, 30, 1)}


@dataclass(frozen=True)
class Deadline:
    year: int
    quarter: int
    day: datetime.date


def filing_deadline(year: int, quarter: int) -> datetime.date:
    month, day, later = DEADLINES[quarter]
    return datetime.date(year + later, month, day)


def quarter_filter(year: int, quarter: int) -> str:
    """The period as Quipu's ``filter[period]`` takes it."""
    return f"{year}-Q{quarter}"


def quarter_query(year: int, quarter: int) -> str:
    """The period as the portal's document lists take it in their query string."""
    return f"period=quarter&year={year}&quarter={quarter}"


def upcoming_deadlines(today: datetime.date, count: int = 4) -> list[Deadline]:
    """The next ``count`` filing deadlines from ``today`` on (today's included), soonest first."""
    found = []
    year, quarter = (today.year - 1, 4)
    while len(found) < count:
        day = filing_deadline(year, quarter)
        if day >= today:
            found.append(Deadline(year, quarter, day))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return found


def quarter_to_file(today: datetime.date) -> tuple[int, int]:
    """The quarter whose filing deadline comes next: the one an accountant is closing now."""
    deadline = upcoming_deadlines(today, count=1)[0]
    return deadline.year, deadline.quarter
