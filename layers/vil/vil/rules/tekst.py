"""Amounts and dates as a Dutch reader expects them: € 1.234,56 and 1 mei 2027."""

from datetime import date
from decimal import Decimal

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def euro(value: Decimal, *, centen: bool = False) -> str:
    """€ 1.234 for whole euros (unless `centen`), otherwise € 1.234,56."""
    whole = value == value.to_integral_value() and not centen
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def datum(day: date) -> str:
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"
