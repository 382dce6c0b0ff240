"""Date helpers shared by the writer and the engine (days since the epoch)."""
from datetime import date, timedelta

EPOCH = date(1970, 1, 1)


def day_to_date(day: int | None) -> date | None:
    return None if day is None else EPOCH + timedelta(days=day)
