"""The `Bronnen` port: the household as the consented government sources describe it.

The BRP goes first: it names the partner and the children, whose BSNs the other sources need.
The other three are then asked at the same time. Each fact gets its provenance (source,
retrieval time, in onderzoek); a source that is not consented, too slow, unreachable or does
not know the person leaves its facts missing and says why in `ontbrekend`, and the rest of the
prefill stands. A source's facts are taken all or nothing.

Facts no source supplies (woning, student, gemeentelijkeBelastingen, the resident's own
declarations) are left out: the resident adds them as corrections. Values are JSON (dates
as ISO text, amounts as decimal text), so the household can be stored and returned as is.
"""

from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from typing import Self

from vil.adapters.bronnen import SourceClients, SourceError, source_clients
from vil.adapters.bronnen.brp import Geboorte
from vil.models.prefill import GEEN_TOESTEMMING, Feit, Prefill
from vil.models.resultaat import FeitHerkomst, HerkomstSoort
from vil.models.toestemming import Bron
from vil.observability import logger
from vil.rules.feiten import month_start
from vil.settings import SourcesSettings

# The longest income history a regeling reads (individuele inkomenstoeslag: three years).
HISTORY_MONTHS = 36
PARENTS = ("aanvrager", "partner")


class Overheidsbronnen:
    """The `Bronnen` port over the four government sources."""

    def __init__(self, clients: SourceClients, nu: Callable[[], datetime]) -> None:
        """`nu`: the domain clock, for each fact's retrieval time."""
        self.clients = clients
        self.nu = nu

    @classmethod
    def from_settings(cls, settings: SourcesSettings, nu: Callable[[], datetime]) -> Self:
        return cls(source_clients(settings), nu)

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        """Ask only the consented `bronnen`; never raises for a source that fails."""
        prefill = Prefill()
        prefill.ontbrekend = {bron: GEEN_TOESTEMMING for bron in Bron if bron not in bronnen}
        # Who is who in the household, by fact path prefix: 'aanvrager', 'partner', 'kinderen[0]'.
        gezin = {"aanvrager": bsn}
        if Bron.brp in bronnen:
            self._collect(prefill, Bron.brp, partial(self._brp, gezin))
        calls: dict[Bron, Callable[[], list[Feit]]] = {}
        if Bron.belastingdienst in bronnen:
            calls[Bron.belastingdienst] = partial(self._belastingdienst, gezin, peildatum.year)
        if Bron.uwv in bronnen:
            calls[Bron.uwv] = partial(self._uwv, gezin, peildatum)
        # Data minimisation: the SVB only adds facts about known children.
        if Bron.svb in bronnen and len(gezin) > len(_ouders(gezin)):
            calls[Bron.svb] = partial(self._svb, gezin, peildatum)
        if calls:
            with ThreadPoolExecutor(max_workers=len(calls)) as pool:
                futures = {bron: pool.submit(call) for bron, call in calls.items()}
                for bron, future in futures.items():
                    self._collect(prefill, bron, future.result)
        prefill.gezinsleden = [nummer for wie, nummer in gezin.items() if wie != "aanvrager"]
        return prefill

    def _collect(self, prefill: Prefill, bron: Bron, answer: Callable[[], list[Feit]]) -> None:
        try:
            feiten = answer()
        except SourceError as error:
            prefill.ontbrekend[bron] = error.reden.value
            logger.warning("Bron zonder antwoord", extra={"bron": bron.value, "reden": error.reden})
            return
        opgehaald_op = self.nu()
        for feit in feiten:
            herkomst = FeitHerkomst(
                bron=bron.value,
                soort=HerkomstSoort.opgehaald,
                opgehaald_op=opgehaald_op,
                in_onderzoek=feit.in_onderzoek,
            )
            prefill.put(feit, herkomst)

    def _brp(self, gezin: dict[str, str]) -> list[Feit]:
        """Place of residence, birth dates, partner and children; adds their BSNs to `gezin`."""
        persoon = self.clients.brp.persoon(gezin["aanvrager"])
        feiten: list[Feit] = []
        if persoon.gemeente_van_inschrijving is not None:
            code = persoon.gemeente_van_inschrijving.code
            feiten.append(Feit("gemeentecode", code, persoon.adres_in_onderzoek))
        feiten += _geboortedatum("aanvrager", persoon.geboorte)
        if (partner := persoon.partner) is not None:
            feiten.append(Feit("partner", {}))
            feiten += _geboortedatum("partner", partner.geboorte)
            if partner.burgerservicenummer:
                gezin["partner"] = partner.burgerservicenummer
        # The list itself is one fact (which children): in onderzoek if any birth date is.
        twijfel = any(
            kind.geboorte and kind.geboorte.datum_in_onderzoek for kind in persoon.kinderen
        )
        feiten.append(Feit("kinderen", [{} for _ in persoon.kinderen], twijfel))
        for index, kind in enumerate(persoon.kinderen):
            feiten += _geboortedatum(f"kinderen[{index}]", kind.geboorte)
            if kind.burgerservicenummer:
                gezin[f"kinderen[{index}]"] = kind.burgerservicenummer
        return feiten

    def _belastingdienst(self, gezin: dict[str, str], jaar: int) -> list[Feit]:
        """Toetsingsinkomen, vermogen and zorgverzekering of each adult; a child's own income."""
        feiten: list[Feit] = []
        for wie, bsn in gezin.items():
            gegevens = self.clients.belastingdienst.inkomensgegevens(bsn, jaar)
            velden = {"toetsingsinkomen"} | (
                {"vermogen", "zorgverzekerd"} if wie in PARENTS else set()
            )
            waarden = gegevens.model_dump(mode="json", include=velden, exclude_none=True)
            feiten += [Feit(f"{wie}.{naam}", waarde) for naam, waarde in waarden.items()]
        return feiten

    def _uwv(self, gezin: dict[str, str], peildatum: date) -> list[Feit]:
        """The household's net income now and in each of the months before the peildatum's."""
        inkomens = self.clients.uwv.netto_inkomens(
            _ouders(gezin),
            vanaf=month_start(peildatum, HISTORY_MONTHS),
            tot_en_met=month_start(peildatum, 1),
        )
        # JSON mode writes the amounts as decimal text, in the household's camelCase names.
        waarden = inkomens.model_dump(mode="json", by_alias=True)
        return [
            Feit("nettoInkomenPerMaand", waarden["nettoInkomenPerMaand"]),
            Feit("inkomenshistorie", waarden["maanden"]),
        ]

    def _svb(self, gezin: dict[str, str], peildatum: date) -> list[Feit]:
        """For each child with a BSN: does the aanvrager or the partner get kinderbijslag for it."""
        ontvangen = {
            kind.burgerservicenummer
            for ouder in _ouders(gezin)
            for kind in self.clients.svb.uitkeringen(ouder, peildatum).kinderbijslag
        }
        return [
            Feit(f"{wie}.kinderbijslag", bsn in ontvangen)
            for wie, bsn in gezin.items()
            if wie not in PARENTS
        ]


def _ouders(gezin: dict[str, str]) -> list[str]:
    return [gezin[wie] for wie in PARENTS if wie in gezin]


def _geboortedatum(wie: str, geboorte: Geboorte | None) -> list[Feit]:
    # Only a complete date becomes `geboortedatum`: the BRP may know only the year, or the year
    # and month, and an invented day could move an age across a boundary. The fact stays missing.
    if geboorte is None or (datum := geboorte.volledige_datum) is None:
        return []
    return [Feit(f"{wie}.geboortedatum", datum.isoformat(), geboorte.datum_in_onderzoek)]
