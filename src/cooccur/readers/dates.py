"""Publication dates in the formats news comes in, as naive UTC.

Tried in order of cost: ISO 8601 (`datetime.fromisoformat`), GDELT's `YYYYMMDDHHMMSS`,
RFC 2822 as in feeds and mail (`Tue, 03 Mar 1987 14:00:00 EST`), then dateutil for the
rest (`March 3, 1987`, `3 March 1987 10:00 CET`). A time without a zone is taken as UTC.
Dates before 1900 or after next year are implausible: a typo or a placeholder (0000,
9999), never a real publication date.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

MIN_YEAR = 1900

_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DEFAULT = datetime(2000, 1, 1)  # fills what a date leaves out: "1987" is 1987-01-01
_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s")


def _hours(offset: float) -> timezone:
    return timezone(timedelta(hours=offset))


# Zone abbreviations dateutil cannot know; ambiguous ones (IST, BST…) are left out.
_ZONES = {
    name: _hours(hours)
    for name, hours in {
        "UTC": 0,
        "UT": 0,
        "GMT": 0,
        "Z": 0,
        "WET": 0,
        "WEST": 1,
        "CET": 1,
        "CEST": 2,
        "MET": 1,
        "MEST": 2,
        "EET": 2,
        "EEST": 3,
        "MSK": 3,
        "TRT": 3,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "AKST": -9,
        "AKDT": -8,
        "HST": -10,
        "JST": 9,
        "KST": 9,
        "HKT": 8,
        "SGT": 8,
        "AEST": 10,
        "AEDT": 11,
        "NZST": 12,
        "NZDT": 13,
    }.items()
}


class DateError(ValueError):
    """A date that could not be used; `reason` is `unparseable_date` or `implausible_date`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _to_utc(parsed: datetime) -> datetime:
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _check(parsed: datetime, value: Any) -> datetime:
    latest = datetime.now(UTC).year + 1
    if not MIN_YEAR <= parsed.year <= latest:
        raise DateError(
            "implausible_date", f"implausible date {value!r} (before {MIN_YEAR} or after {latest})"
        )
    return parsed


def _numeric(value: float, original: Any) -> datetime:
    digits = str(int(value)) if float(value).is_integer() else ""
    if len(digits) in (8, 14) and (match := _COMPACT.match(digits)):
        return _compact(match, original)
    seconds = value / 1000 if abs(value) >= 1e11 else value  # epoch milliseconds
    try:
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise DateError("implausible_date", f"implausible date {original!r}") from None


def _compact(match: re.Match[str], original: Any) -> datetime:
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return datetime(*parts)  # type: ignore[arg-type, misc]
    except ValueError:
        year = parts[0]
        reason = "implausible_date" if year < MIN_YEAR else "unparseable_date"
        raise DateError(reason, f"{reason.replace('_', ' ')} {original!r}") from None


def _parse_string(text: str) -> datetime | None:
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    if match := _COMPACT.match(text):
        return _compact(match, text)
    if _RFC2822.match(text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
    if not _YEAR.search(text):
        return None  # "Tuesday" or "3 March" would silently become this year
    from dateutil import parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return parser.parse(text, tzinfos=_ZONES, default=_DEFAULT)
        except (ValueError, OverflowError, TypeError, parser.ParserError):
            return None


def parse_date(value: Any) -> datetime:
    """`value` (string, number, date or datetime) as a plausible naive-UTC datetime.

    Raises DateError with the reason to quarantine under.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        raise DateError("unparseable_date", f"unparseable date {value!r}")
    elif isinstance(value, int | float):
        parsed = _numeric(value, value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        parsed_or_none = _parse_string(text)
        if parsed_or_none is None:
            year = _YEAR.search(text)
            if year and not MIN_YEAR <= int(year.group(1)) <= datetime.now(UTC).year + 1:
                raise DateError("implausible_date", f"implausible date {value!r}")
            raise DateError("unparseable_date", f"unparseable date {value!r}")
        parsed = parsed_or_none
    else:
        raise DateError("unparseable_date", f"unparseable date {value!r}")
    return _check(_to_utc(parsed), value)


def optional_date(value: Any) -> datetime | None:
    """None for a missing date (the file's date is used instead), else `parse_date`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)
