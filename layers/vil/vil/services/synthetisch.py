"""A seeded synthetic population of one gemeente, for the impact of a version where the
gemeente has few stored households (docs/beheer.md, "De synthetische bevolking").

Deterministic: the same gemeente, peildatum and `SEED` give the same households, in the same
order, on every machine (Python's `random.Random` seeded with a text is stable across versions
and platforms). The shares and ranges below are round numbers of our own choosing, in the order
of the national figures; they are not the gemeente's statistics, so its figures show what a
change does to households *like* these, not to the gemeente's residents. No person's data is
used.
"""

import random
from datetime import date
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden

SEED = "vil-synthetisch-1"
AANTAL = 2000
# Household types and their shares (alleenstaand, paar zonder, paar met kinderen, eenouder).
TYPEN = (("alleenstaand", 0.38), ("paar zonder kinderen", 0.28),
         ("paar met kinderen", 0.26), ("alleenstaande ouder", 0.08))  # fmt: skip
KINDEREN = ((1, 0.45), (2, 0.40), (3, 0.15))
# The median net monthly income per household type; spread lognormal with SPREIDING.
MEDIAAN_NETTO = {"alleenstaand": 1900, "paar zonder kinderen": 3300,
                 "paar met kinderen": 3600, "alleenstaande ouder": 2100}  # fmt: skip
SPREIDING = 0.45
MINIMUM_NETTO = 800


def seed(gemeentecode: str, peildatum: date) -> str:
    return f"{SEED}:{gemeentecode}:{peildatum.isoformat()}"


def bevolking(gemeentecode: str, peildatum: date, aantal: int = AANTAL) -> list[Huishouden]:
    """`aantal` households of the gemeente on the peildatum, always the same ones."""
    rng = random.Random(seed(gemeentecode, peildatum))  # noqa: S311 (a seeded draw, no secret)
    return [_huishouden(rng, gemeentecode, peildatum) for _ in range(aantal)]


def _huishouden(rng: random.Random, gemeentecode: str, peildatum: date) -> Huishouden:
    type_ = rng.choices([t for t, _ in TYPEN], [w for _, w in TYPEN])[0]
    paar = type_.startswith("paar")
    kinderen = 0
    if type_ in ("paar met kinderen", "alleenstaande ouder"):
        kinderen = rng.choices([k for k, _ in KINDEREN], [w for _, w in KINDEREN])[0]
    # Lognormal around the type's median; at least the minimum (a benefit or a small job).
    netto = max(MINIMUM_NETTO, round(MEDIAAN_NETTO[type_] * rng.lognormvariate(0, SPREIDING)))
    leeftijd = rng.randint(18, 85)
    document: dict[str, Any] = {
        "gemeentecode": gemeentecode,
        "aanvrager": _persoon(rng, peildatum, leeftijd, netto // (2 if paar else 1)),
        "partner": (
            _persoon(rng, peildatum, min(85, max(18, leeftijd + rng.randint(-5, 5))), netto // 2)
            if paar
            else None
        ),
        "kinderen": [
            {
                "geboortedatum": _geboren(rng, peildatum, rng.randint(0, 17)),
                "kinderbijslag": True,
                "toetsingsinkomen": 0,
            }
            for _ in range(kinderen)
        ],
        "woning": _woning(rng),
        "nettoInkomenPerMaand": netto,
        "inkomenshistorie": _historie(rng, peildatum, netto),
        "gemeentelijkeBelastingen": rng.randint(300, 900),
    }
    return Huishouden.model_validate(document)


def _persoon(rng: random.Random, peildatum: date, leeftijd: int, netto: int) -> dict[str, Any]:
    """A person: their share of the net income, grossed up a quarter for the toetsingsinkomen;
    vermogen below € 10.000 for most (85%)."""
    vermogen = rng.randint(0, 10_000) if rng.random() < 0.85 else rng.randint(10_000, 80_000)
    return {
        "geboortedatum": _geboren(rng, peildatum, leeftijd),
        "zorgverzekerd": rng.random() < 0.99,
        "toetsingsinkomen": Decimal(netto * 12) * Decimal("1.25"),
        "vermogen": vermogen,
        "student": leeftijd < 30 and rng.random() < 0.15,
        "studentAfgelopenDrieJaar": leeftijd < 33 and rng.random() < 0.2,
        "geenUitzichtOpInkomensverbetering": rng.random() < 0.5,
    }


def _geboren(rng: random.Random, peildatum: date, leeftijd: int) -> date:
    """Born `leeftijd` whole years before the peildatum, on a day of that year."""
    jaar = peildatum.year - leeftijd - 1
    return date(jaar, rng.randint(1, 12), rng.randint(1, 28))


def _woning(rng: random.Random) -> dict[str, Any]:
    huur = rng.randint(450, 1100)
    return {"huurwoning": rng.random() < 0.6, "zelfstandig": rng.random() < 0.95,
            "kaleHuur": huur, "nettoWoonlasten": huur}  # fmt: skip


def _historie(rng: random.Random, peildatum: date, netto: int) -> list[dict[str, Any]]:
    """36 months before the peildatum at about today's income (± € 50); for one in ten, a
    higher income (+40%) in the months before the latest twelve."""
    hoger = rng.random() < 0.1
    maanden = []
    for terug in range(1, 37):
        jaar, maand = divmod(peildatum.year * 12 + peildatum.month - 1 - terug, 12)
        bedrag = netto * (Decimal("1.4") if hoger and terug > 12 else 1) + rng.randint(-50, 50)
        maanden.append({"maand": date(jaar, maand + 1, 1), "nettoInkomen": max(Decimal(0), bedrag)})
    return maanden
