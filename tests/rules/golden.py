"""The engine's golden output: what every regeling says for 10,000 generated households.

For each household (seeded, so always the same ones) the evaluation of every regeling on two
fixed peildata, serialised as the API does (decision and explanation), is hashed; the file
holds one line per household, `index hash`. Any change to an outcome or its explanation shows
as a changed line. A deliberate rule change regenerates the file with `make generate`, in its
own commit that says why; an engine change must leave it byte-identical
(tests/rules/test_golden.py).
"""

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from vil.models.huishouden import Huishouden
from vil.models.resultaat import FeitHerkomst, HerkomstSoort
from vil.rules import Catalogus
from vil.rules.feiten import PREFIX, month_start

GOLDEN = Path(__file__).with_name("golden.txt")
COUNT = 10_000
SEED = 20261205
PEILDATA = (date(2026, 6, 15), date(2025, 3, 1))
GEMEENTEN = ["0344", "0307", "0214", "0363", None]
# The facts whose provenance the generator varies: prefilled, corrected, declared, in onderzoek.
HERKOMST_PATHS = [
    "aanvrager.geboortedatum",
    "aanvrager.zorgverzekerd",
    "aanvrager.toetsingsinkomen",
    "aanvrager.vermogen",
    "aanvrager.geenUitzichtOpInkomensverbetering",
    "partner.toetsingsinkomen",
    "kinderen",
    "kinderen[0].geboortedatum",
    "woning",
    "woning.kaleHuur",
    "woning.nettoWoonlasten",
    "nettoInkomenPerMaand",
    "inkomenshistorie",
    "gemeentelijkeBelastingen",
]
# Facts the generator sometimes leaves out: the engine then answers `recht: null`.
OPTIONAL = [
    "aanvrager.geboortedatum",
    "aanvrager.toetsingsinkomen",
    "aanvrager.vermogen",
    "aanvrager.student",
    "partner.vermogen",
    "woning.kaleHuur",
    "woning",
    "nettoInkomenPerMaand",
    "inkomenshistorie",
    "gemeentelijkeBelastingen",
]


class _Generator:
    """One seeded stream of households, each with the provenance of some of its facts."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (seeded test data, not a secret)

    def money(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randint(low * 100, high * 100)) / 100

    def day(self, first: int, last: int) -> date:
        return date(first, 1, 1) + timedelta(days=self.rng.randint(0, (last - first + 1) * 365))

    def maybe(self, chance: float, value: Any) -> Any:
        return value if self.rng.random() < chance else None

    def person(self) -> dict[str, Any]:
        rng = self.rng
        return {
            "geboortedatum": self.day(1940, 2009),
            "zorgverzekerd": rng.random() < 0.95,
            "toetsingsinkomen": self.money(0, rng.choice([20_000, 45_000, 70_000])),
            "vermogen": self.money(0, rng.choice([3_000, 10_000, 40_000, 250_000])),
            "student": rng.random() < 0.08,
            "studentAfgelopenDrieJaar": rng.random() < 0.12,
            "geenUitzichtOpInkomensverbetering": self.maybe(0.8, rng.random() < 0.6),
        }

    def history(self, netto: Decimal) -> list[dict[str, Any]] | None:
        """Up to 52 months before the later peildatum: both peildata's windows, or a gap."""
        if self.rng.random() < 0.1:
            return None
        gap = self.rng.randint(1, 60) if self.rng.random() < 0.15 else 0
        return [
            {"maand": month_start(PEILDATA[0], back), "nettoInkomen": netto + self.money(0, 60)}
            for back in range(1, self.rng.choice([40, 52, 52]) + 1)
            if back != gap
        ]

    def household(self) -> dict[str, Any]:
        rng = self.rng
        netto = self.money(600, self.rng.choice([1_400, 2_000, 4_000]))
        document: dict[str, Any] = {
            "gemeentecode": rng.choice(GEMEENTEN),
            "aanvrager": self.person(),
            "partner": self.person() if rng.random() < 0.45 else None,
            "kinderen": [
                {
                    "geboortedatum": self.day(2004, 2026),
                    "kinderbijslag": rng.random() < 0.9,
                    "toetsingsinkomen": self.money(0, 8_000),
                }
                for _ in range(rng.choice([0, 0, 0, 1, 2, 3, 4]))
            ],
            "medebewoners": [
                {
                    "geboortedatum": self.day(1940, 2008),
                    "toetsingsinkomen": self.money(0, 40_000),
                    "vermogen": self.money(0, 60_000),
                }
                for _ in range(rng.choice([0, 0, 0, 0, 1]))
            ],
            "woning": {
                "huurwoning": rng.random() < 0.65,
                "zelfstandig": rng.random() < 0.93,
                "kaleHuur": self.money(250, 1_500),
                "nettoWoonlasten": self.money(200, 1_600),
                "servicekosten": self.money(0, 80),
                "woonkostenEigenWoning": self.money(200, 1_800),
            },
            "nettoInkomenPerMaand": netto,
            "inkomenshistorie": self.history(netto),
            "gemeentelijkeBelastingen": self.money(100, 2_500),
        }
        for path in rng.sample(OPTIONAL, rng.choice([0, 0, 0, 1, 2])):
            parent, _, leaf = path.rpartition(".")
            target = document.get(parent) if parent else document
            if target is not None:
                target.pop(leaf, None)
        return document

    def herkomst(self) -> dict[str, FeitHerkomst]:
        if self.rng.random() < 0.6:
            return {}
        soorten = [HerkomstSoort.opgehaald] * 3 + [
            HerkomstSoort.gecorrigeerd,
            HerkomstSoort.eigen_verklaring,
        ]
        return {
            PREFIX + path: FeitHerkomst(
                bron="belastingdienst",
                soort=self.rng.choice(soorten),
                opgehaald_op=datetime(2026, 6, 15, tzinfo=UTC)
                - timedelta(days=self.rng.randint(0, 600)),
                in_onderzoek=self.rng.random() < 0.05,
            )
            for path in self.rng.sample(HERKOMST_PATHS, self.rng.randint(1, 6))
        }


def households(
    count: int = COUNT, seed: int = SEED
) -> Iterator[tuple[Huishouden, dict[str, FeitHerkomst]]]:
    """The generated households, each with the provenance of some of its facts."""
    generator = _Generator(seed)
    for _ in range(count):
        yield Huishouden.model_validate(generator.household()), generator.herkomst()


def digest(catalogus: Catalogus, huishouden: Huishouden, herkomst: dict[str, FeitHerkomst]) -> str:
    """The hash of every regeling's result on both peildata, as the API serialises it."""
    hashed = hashlib.sha256()
    for peildatum in PEILDATA:
        evaluatie = catalogus.evaluate(huishouden, peildatum, herkomst)
        hashed.update(evaluatie.model_dump_json(by_alias=True).encode())
    return hashed.hexdigest()[:16]  # 64 bits: enough to tell 10,000 outcomes apart


def lines(catalogus: Catalogus, count: int = COUNT) -> Iterator[str]:
    for index, (huishouden, herkomst) in enumerate(households(count)):
        yield f"{index} {digest(catalogus, huishouden, herkomst)}"


def text() -> str:
    """The golden file's content, from the rules in rules/."""
    catalogus = Catalogus.from_directory(Path(__file__).resolve().parents[2] / "rules")
    return "\n".join(lines(catalogus)) + "\n"
