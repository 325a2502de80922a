"""In-memory fakes for every port of `vil.ports`, and compositions of them for unit tests.

Each fake keeps what it is given in plain dicts and lists, so a test can look inside. They do
what the port promises and no more: conditions that the table enforces (a period already taken,
a consent changed meanwhile, a status that moved on) are kept where a service relies on them.
"""

import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from vil.fouten import AndereInhoud, Conflict, NietBeschikbaar, OngeldigVerzoek
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag
from vil.models.abonnement import Abonnement, Aflevering, AfleveringStatus, Geheimen, Poging
from vil.models.beheer import (
    Impactrapport,
    Impactstatus,
    Momentopname,
    Publicatie,
    Regelingversie,
    Versiestatus,
    Wijzer,
)
from vil.models.gebeurtenis import AanvraagEvent, Uitgever
from vil.models.maandcheck import Melding, Stand
from vil.models.machtiging import Registratie, Vastgelegd
from vil.models.prefill import Prefill
from vil.models.sessie import Sessie
from vil.models.toestemming import Bron, Doel, Toestemming
from vil.ports import Delivery, Outcome, Tokens, UnsafeTargetError
from vil.rules import Catalogus
from vil.services.diensten import (
    Aanvraagdiensten,
    Impactstartdiensten,
    Maandcheckdiensten,
    Toestemmingdiensten,
    Webhookdiensten,
)

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)

MOMENT = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)  # the fakes' domain clock
UITGEVER = Uitgever(oin="00000001234567890000", api_url="https://vil.test")


class FakeSleutels:
    """Pseudonyms and 'encryption' that are readable: never use outside tests."""

    def pseudoniem(self, bsn: str) -> str:
        return f"v1.p{bsn}"

    def versleutel(self, tekst: str) -> str:
        return f"versleuteld:{tekst}"

    def ontsleutel(self, versleuteld: str) -> str:
        return versleuteld.removeprefix("versleuteld:")


@dataclass
class FakeBronnen:
    """The sources answer with `prefill`, whatever the BSN; `gevraagd` records each call."""

    prefill: Prefill = field(default_factory=Prefill)
    gevraagd: list[tuple[str, date, frozenset[Bron]]] = field(default_factory=list)

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        self.gevraagd.append((bsn, peildatum, frozenset(bronnen)))
        return self.prefill


@dataclass
class FakeToestemmingen:
    ledger: dict[str, list[Toestemming]] = field(default_factory=dict)
    vergeten: list[tuple[str, bool, bool]] = field(default_factory=list)

    def huidige(self, pseudoniem: str) -> dict[Bron, Toestemming]:
        return {t.bron: t for t in self.ledger.get(pseudoniem, [])}

    def leg_toestemming_vast(
        self, pseudoniem: str, bron: Bron, doelen: list[Doel], tekstversie: str, nu: datetime
    ) -> Toestemming:
        vorige = self.huidige(pseudoniem).get(bron)
        toestemming = Toestemming(
            bron=bron,
            doelen=sorted(set(doelen)),
            tekstversie=tekstversie,
            gegeven_op=nu,
            versie=(vorige.versie if vorige else 0) + 1,
        )
        self.ledger.setdefault(pseudoniem, []).append(toestemming)
        return toestemming

    def vergeet(self, pseudoniem: str, stand: bool, rest: bool) -> None:
        self.vergeten.append((pseudoniem, stand, rest))


@dataclass
class FakeProfielen:
    bsns: dict[str, str] = field(default_factory=dict)

    def bewaar_bsn(self, pseudoniem: str, bsn_versleuteld: str) -> None:
        self.bsns[pseudoniem] = bsn_versleuteld

    def bsn_bewaard(self, pseudoniem: str) -> bool:
        return pseudoniem in self.bsns

    def bsn_versleuteld(self, pseudoniem: str) -> str | None:
        return self.bsns.get(pseudoniem)

    def verwijder_bsn(self, pseudoniem: str) -> None:
        self.bsns.pop(pseudoniem, None)


@dataclass
class FakeBrongegevens:
    opgeslagen: dict[str, dict[str, Any]] = field(default_factory=dict)

    def bewaar_gegevens(
        self,
        pseudoniem: str,
        gegevens: Mapping[Bron, dict[str, Any]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        eigen = self.opgeslagen.setdefault(pseudoniem, {})
        eigen |= {bron.value: dict(feiten) for bron, feiten in gegevens.items()}

    def verwijder_gegevens(self, pseudoniem: str, bron: Bron) -> None:
        self.opgeslagen.get(pseudoniem, {}).pop(bron.value, None)

    def gegevens(self, pseudoniem: str) -> dict[str, Any]:
        return dict(self.opgeslagen.get(pseudoniem, {}))


@dataclass
class FakeBeoordelingen:
    opgeslagen: dict[tuple[str, str], Beoordeling] = field(default_factory=dict)

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Mapping[Bron, int]
    ) -> None:
        self.opgeslagen[pseudoniem, beoordeling.id] = beoordeling

    def beoordeling(self, pseudoniem: str, beoordeling_id: str) -> Beoordeling | None:
        return self.opgeslagen.get((pseudoniem, beoordeling_id))

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]:
        return [b for (p, _), b in self.opgeslagen.items() if p == pseudoniem]

    def laatste(self, pseudoniem: str) -> Beoordeling | None:
        return max(
            (b for (p, _), b in self.opgeslagen.items() if p == pseudoniem),
            key=lambda b: b.aangemaakt_op,
            default=None,
        )


@dataclass
class FakeMaandchecks:
    standen: dict[str, Stand] = field(default_factory=dict)
    gemeld: dict[str, list[Melding]] = field(default_factory=dict)
    herzien: list[tuple[Aanvraag, Beslisverslag, AanvraagEvent]] = field(default_factory=list)

    def stand(self, pseudoniem: str) -> Stand | None:
        return self.standen.get(pseudoniem)

    def leg_maandcheck_vast(
        self,
        pseudoniem: str,
        stand: Stand,
        gegevens: dict[Bron, dict[str, Any]],
        meldingen: Iterable[Melding],
        herzieningen: Iterable[tuple[Aanvraag, Beslisverslag, AanvraagEvent]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        vorige = self.standen.get(pseudoniem)
        if (vorige.versie if vorige else 0) != stand.versie - 1:
            raise Conflict("Er veranderde tegelijk iets anders aan uw gegevens.")
        self.standen[pseudoniem] = stand
        self.gemeld.setdefault(pseudoniem, []).extend(meldingen)
        self.herzien.extend(herzieningen)

    def meldingen(self, pseudoniem: str) -> list[Melding]:
        return list(self.gemeld.get(pseudoniem, []))

    def markeer_melding(self, pseudoniem: str, melding_id: str, gelezen: bool) -> Melding | None:
        for i, melding in enumerate(self.gemeld.get(pseudoniem, [])):
            if melding.id == melding_id:
                self.gemeld[pseudoniem][i] = melding.model_copy(update={"gelezen": gelezen})
                return self.gemeld[pseudoniem][i]
        return None


@dataclass
class FakeAanvragen:
    """Aanvragen by id with their resident, verslagen, blocked periods and the outbox."""

    opgeslagen: dict[str, tuple[str, Aanvraag]] = field(default_factory=dict)
    verslagen: dict[str, list[Beslisverslag]] = field(default_factory=dict)
    perioden: dict[tuple[str, str], date] = field(default_factory=dict)
    outbox: list[AanvraagEvent] = field(default_factory=list)

    def dien_in(
        self,
        pseudoniem: str,
        aanvragen: list[Aanvraag],
        verslagen: Iterable[Beslisverslag],
        geblokkeerd_tot: dict[str, date],
        peildatum: date,
        gebeurtenissen: Iterable[AanvraagEvent],
    ) -> None:
        bezet = [
            regeling
            for regeling in geblokkeerd_tot
            if (tot := self.perioden.get((pseudoniem, regeling))) is not None and tot > peildatum
        ]
        if bezet:
            raise Conflict("Voor deze regelingen loopt al een aanvraag in deze periode.", bezet)
        for regeling, tot in geblokkeerd_tot.items():
            self.perioden[pseudoniem, regeling] = tot
        for aanvraag in aanvragen:
            self.opgeslagen[aanvraag.id] = (pseudoniem, aanvraag)
        for verslag in verslagen:
            self.verslagen.setdefault(verslag.aanvraag, []).append(verslag)
        self.outbox.extend(gebeurtenissen)

    def aanvraag(self, aanvraag_id: str) -> tuple[str, Aanvraag] | None:
        return self.opgeslagen.get(aanvraag_id)

    def aanvragen_van_burger(self, pseudoniem: str) -> list[Aanvraag]:
        eigen = [a for p, a in self.opgeslagen.values() if p == pseudoniem]
        return sorted(eigen, key=lambda a: a.ingediend_op, reverse=True)

    def aanvragen_van_gemeente(
        self,
        gemeentecode: str,
        status: AanvraagStatus | None,
        regeling: str | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[tuple[str, Aanvraag]], str | None]:
        gevonden = [
            (p, a)
            for p, a in self.opgeslagen.values()
            if a.gemeentecode == gemeentecode
            and status in (None, a.status)
            and regeling in (None, a.regeling)
        ]
        return gevonden[:limiet], None

    def wijzig(
        self,
        pseudoniem: str,
        aanvraag: Aanvraag,
        van: AanvraagStatus,
        verslag: Beslisverslag | None,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        huidig = self.opgeslagen.get(aanvraag.id)
        if huidig is None or huidig[1].status is not van:
            raise Conflict(f"De aanvraag heeft niet (meer) de status {van.value}.")
        self.opgeslagen[aanvraag.id] = (pseudoniem, aanvraag)
        if verslag is not None:
            self.verslagen.setdefault(aanvraag.id, []).append(verslag)
        self.outbox.append(gebeurtenis)
        if vrijgeven:
            self.perioden.pop((pseudoniem, aanvraag.regeling), None)

    def beslisverslagen(self, aanvraag_id: str) -> list[Beslisverslag]:
        return list(self.verslagen.get(aanvraag_id, []))

    def besluit_herziening(
        self,
        pseudoniem: str,
        vorige: Aanvraag,
        aanvraag: Aanvraag,
        verslag: Beslisverslag,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        huidig = self.opgeslagen.get(aanvraag.id)
        if huidig is None or huidig[1] != vorige:
            raise Conflict("De aanvraag veranderde intussen.")
        self.opgeslagen[aanvraag.id] = (pseudoniem, aanvraag)
        self.verslagen.setdefault(aanvraag.id, []).append(verslag)
        self.outbox.append(gebeurtenis)
        if vrijgeven:
            self.perioden.pop((pseudoniem, aanvraag.regeling), None)


@dataclass
class FakeRegelingversies:
    """Versions by (regeling, gemeente, number)."""

    opgeslagen: dict[tuple[str, str, int], Regelingversie] = field(default_factory=dict)
    gepubliceerd: Wijzer = field(default_factory=Wijzer)
    outbox: list[AanvraagEvent] = field(default_factory=list)
    wijzer_gelezen: int = 0  # how often the pointer was read (the one read per refresh)

    def versies(self, regeling: str, gemeentecode: str) -> list[Regelingversie]:
        gevonden = [
            v for (r, g, _), v in self.opgeslagen.items() if (r, g) == (regeling, gemeentecode)
        ]
        return sorted(gevonden, key=lambda v: v.versie)

    def versie(self, regeling: str, gemeentecode: str, nummer: int) -> Regelingversie | None:
        return self.opgeslagen.get((regeling, gemeentecode, nummer))

    def bewaar(self, versie: Regelingversie, van: Versiestatus | None) -> None:
        sleutel = (versie.regeling, versie.gemeentecode, versie.versie)
        huidig = self.opgeslagen.get(sleutel)
        if (huidig is not None) if van is None else (huidig is None or huidig.status is not van):
            raise Conflict("De versie veranderde intussen.")
        self.opgeslagen[sleutel] = versie

    def wijzer(self) -> Wijzer:
        self.wijzer_gelezen += 1
        return self.gepubliceerd

    def publiceer(
        self, versie: Regelingversie, van: Versiestatus, wijzer: int, gebeurtenis: AanvraagEvent
    ) -> None:
        if self.gepubliceerd.nummer != wijzer:
            raise Conflict("Intussen is er een andere versie gepubliceerd.")
        self.bewaar(versie, van)
        publicatie = Publicatie(
            regeling=versie.regeling, gemeentecode=versie.gemeentecode, versie=versie.versie
        )
        self.gepubliceerd = Wijzer(
            nummer=wijzer + 1, publicaties=[*self.gepubliceerd.publicaties, publicatie]
        )
        self.outbox.append(gebeurtenis)


@dataclass
class VasteCatalogi:
    """The rule files alone: a catalogue nothing is published to."""

    catalogus: Catalogus

    def actueel(self) -> Catalogus:
        return self.catalogus

    def vers(self) -> tuple[int, Catalogus]:
        return 0, self.catalogus

    def gepubliceerd(self) -> list[Regelingversie]:
        return []

    def met(self, versie: Regelingversie) -> Catalogus:
        from vil.rules.publicaties import met_publicaties

        return met_publicaties(self.catalogus, [], versie)


@dataclass
class FakeImpactrapporten:
    """A gemeente's stored households (`bewoners`: gemeentecode -> [(pseudonym, household)]),
    frozen populations and reports, by key."""

    bewoners: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    bevroren: dict[tuple[str, str, int], tuple[Momentopname, list[dict[str, Any]]]] = field(
        default_factory=dict
    )
    rapporten: dict[tuple[str, str, int, str], Impactrapport] = field(default_factory=dict)
    delen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # momentopname id
    tellingen: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # rapport id

    def populatie(
        self, gemeentecode: str, limiet: int | None = None
    ) -> list[tuple[str, dict[str, Any]]] | None:
        gevonden = list(self.bewoners.get(gemeentecode, []))
        return None if limiet is not None and len(gevonden) > limiet else gevonden

    def momentopname(
        self, regeling: str, gemeentecode: str, versie: int, nu: datetime, lees: bool = True
    ) -> tuple[Momentopname, list[dict[str, Any]]] | None:
        gevonden = self.bevroren.get((regeling, gemeentecode, versie))
        if gevonden is None:
            return None
        return gevonden if lees else (gevonden[0], [])

    def bevries(
        self,
        regeling: str,
        gemeentecode: str,
        versie: int,
        momentopname: Momentopname,
        huishoudens: list[dict[str, Any]],
    ) -> None:
        if (regeling, gemeentecode, versie) in self.bevroren:
            raise Conflict("al bevroren")
        self.bevroren[(regeling, gemeentecode, versie)] = (momentopname, list(huishoudens))
        self.delen[momentopname.id] = list(huishoudens)

    def huishoudens(self, momentopname_id: str, van: int, tot: int) -> list[dict[str, Any]]:
        """Parts of PER_DEEL households, as the service sizes them."""
        from vil.services.impactrapport import PER_DEEL

        return self.delen[momentopname_id][(van - 1) * PER_DEEL : tot * PER_DEEL]

    def bewaar_deeltelling(
        self, rapport: Impactrapport, groep: int, telling: dict[str, Any], verloopt_op: int
    ) -> set[int]:
        self.tellingen.setdefault(rapport.id, {})[groep] = telling
        return set(self.tellingen[rapport.id])

    def deeltellingen(self, rapport: Impactrapport) -> list[dict[str, Any]]:
        return list(self.tellingen.get(rapport.id, {}).values())

    def rapport(
        self, regeling: str, gemeentecode: str, versie: int, rapport_id: str
    ) -> Impactrapport | None:
        return self.rapporten.get((regeling, gemeentecode, versie, rapport_id))

    def bewaar_rapport(self, rapport: Impactrapport, van: Impactstatus | None) -> None:
        sleutel = (rapport.regeling, rapport.gemeentecode, rapport.versie, rapport.id)
        huidig = self.rapporten.get(sleutel)
        if (huidig is not None) if van is None else (huidig is None or huidig.status is not van):
            raise Conflict("Het rapport veranderde intussen.")
        self.rapporten[sleutel] = rapport


@dataclass
class FakeMachtigingen:
    opgeslagen: dict[str, Vastgelegd] = field(default_factory=dict)

    def leg_vast(self, vastgelegd: Vastgelegd) -> None:
        self.opgeslagen[vastgelegd.machtiging.id] = vastgelegd

    def haal(self, machtiging_id: str) -> Vastgelegd | None:
        return self.opgeslagen.get(machtiging_id)

    def gegeven(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[Vastgelegd], str | None]:
        gevonden = [v for v in self.opgeslagen.values() if v.pseudoniem == pseudoniem]
        return self._pagina(gevonden, cursor, limiet)

    def gehouden(
        self,
        gemachtigde: str,
        medewerker: str | None,
        geldig_op: date | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[Vastgelegd], str | None]:
        gevonden = [
            v
            for v in self.opgeslagen.values()
            if v.gemachtigde == gemachtigde
            and v.machtiging.medewerker in (None, medewerker)
            and (geldig_op is None or v.machtiging.geldt_op(geldig_op))
        ]
        return self._pagina(gevonden, cursor, limiet)

    def _pagina(
        self, gevonden: list[Vastgelegd], cursor: str | None, limiet: int
    ) -> tuple[list[Vastgelegd], str | None]:
        """By the last id of the page before (the fake's cursor; the adapter's is opaque)."""
        ids = [v.machtiging.id for v in self._nieuwste(gevonden)]
        if cursor is not None and cursor not in ids:
            raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
        begin = 0 if cursor is None else ids.index(cursor) + 1
        pagina = self._nieuwste(gevonden)[begin : begin + limiet]
        return pagina, pagina[-1].machtiging.id if begin + limiet < len(ids) else None

    def trek_in(self, machtiging_id: str, pseudoniem: str, nu: datetime) -> Vastgelegd | None:
        gevonden = self.opgeslagen.get(machtiging_id)
        if gevonden is None or gevonden.pseudoniem != pseudoniem:
            return None
        if gevonden.machtiging.ingetrokken_op is None:
            machtiging = gevonden.machtiging.model_copy(update={"ingetrokken_op": nu})
            gevonden = gevonden.model_copy(update={"machtiging": machtiging})
            self.opgeslagen[machtiging_id] = gevonden
        return gevonden

    @staticmethod
    def _nieuwste(gevonden: list[Vastgelegd]) -> list[Vastgelegd]:
        return sorted(gevonden, key=lambda v: (v.machtiging.verleend_op, v.machtiging.id),
                      reverse=True)  # fmt: skip


@dataclass
class FakeRegister:
    """The register as a dict of entries by number; `storing` makes every read fail."""

    inschrijvingen: dict[str, Registratie] = field(default_factory=dict)
    storing: bool = False
    gelezen: int = 0

    def registratie(self, registratienummer: str) -> Registratie | None:
        self.gelezen += 1
        if self.storing:
            raise NietBeschikbaar("Het register antwoordt nu niet.")
        return self.inschrijvingen.get(registratienummer)


@dataclass
class FakeAuditlog:
    records: list[dict[str, Any]] = field(default_factory=list)

    def schrijf(
        self,
        pseudoniem: str,
        verwerking: str,
        actor: str,
        doel: str,
        resultaat: str,
        trace_id: str,
        nu: datetime,
        bronnen: Iterable[str] = (),
        namens: Mapping[str, str] | None = None,
    ) -> None:
        self.records.append({
            "pseudoniem": pseudoniem, "verwerking": verwerking, "actor": actor, "doel": doel,
            "resultaat": resultaat, "traceId": trace_id, "tijd": nu.isoformat(),
            "bronnen": sorted(bronnen), **(namens or {}),
        })  # fmt: skip

    def van(self, pseudoniem: str) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in r.items() if k != "pseudoniem"}
            for r in self.records
            if r["pseudoniem"] == pseudoniem
        ]

    def pagina(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """By the place in the oldest-first list, which records written meanwhile (at its end)
        do not move (the fake's cursor; the adapter's is an opaque key position)."""
        alle = self.van(pseudoniem)
        einde = len(alle)
        if cursor is not None:
            if not cursor.isdigit() or not 0 < int(cursor) <= len(alle):
                raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
            einde = int(cursor)
        begin = max(0, einde - limiet)
        return alle[begin:einde][::-1], str(begin) if begin > 0 else None


@dataclass
class FakePlanner:
    schemas: set[str] = field(default_factory=set)

    def zet(self, pseudoniem: str) -> object:
        self.schemas.add(pseudoniem)
        return pseudoniem

    def verwijder(self, pseudoniem: str) -> None:
        self.schemas.discard(pseudoniem)

    def bestaat(self, pseudoniem: str) -> bool:
        return pseudoniem in self.schemas


@dataclass
class FakeIdempotentie:
    """Once per input (or its `sleutel` part): the first answer again; no expiry, no locks."""

    antwoorden: dict[str, tuple[str, BaseModel]] = field(default_factory=dict)

    def eenmalig(
        self,
        doe: Callable[[In], Out],
        invoer: In,
        uitvoer: type[Out],
        *,
        bewaar_seconden: int,
        context: Any = None,
        sleutel: str | None = None,
        controle: str | None = None,
    ) -> Out:
        velden = invoer.model_dump(mode="json")
        namen = sleutel.strip("[]").split(", ") if sleutel else list(velden)
        sleutelwaarde = repr([velden[n] for n in namen])
        inhoud = repr(velden.get(controle)) if controle else ""
        if sleutelwaarde in self.antwoorden:
            eerder_inhoud, antwoord = self.antwoorden[sleutelwaarde]
            if eerder_inhoud != inhoud:
                raise AndereInhoud("Deze Idempotency-Key is al gebruikt voor een ander verzoek.")
            return uitvoer.model_validate(antwoord.model_dump())
        resultaat = doe(invoer)
        self.antwoorden[sleutelwaarde] = (inhoud, resultaat)
        return resultaat


@dataclass
class FakeAbonnementen:
    abonnementen: dict[tuple[str, str], tuple[Abonnement, Geheimen]] = field(default_factory=dict)
    gebeurtenissen: dict[str, AanvraagEvent] = field(default_factory=dict)
    log: dict[tuple[str, str], Aflevering] = field(default_factory=dict)  # delivery records

    def maak(self, abonnement: Abonnement, geheimen: Geheimen) -> None:
        self.abonnementen[abonnement.gemeentecode, abonnement.id] = (abonnement, geheimen)

    def lijst(self, gemeentecode: str) -> list[Abonnement]:
        return [a for (g, _), (a, _) in self.abonnementen.items() if g == gemeentecode]

    def haal(self, gemeentecode: str, abonnement_id: str) -> tuple[Abonnement, Geheimen] | None:
        return self.abonnementen.get((gemeentecode, abonnement_id))

    def bewaar(self, abonnement: Abonnement, geheimen: Geheimen | None = None) -> bool:
        sleutel = (abonnement.gemeentecode, abonnement.id)
        if sleutel not in self.abonnementen:
            return False
        self.abonnementen[sleutel] = (abonnement, geheimen or self.abonnementen[sleutel][1])
        return True

    def verwijder(self, gemeentecode: str, abonnement_id: str) -> None:
        self.abonnementen.pop((gemeentecode, abonnement_id), None)

    def gebeurtenis(self, gebeurtenis_id: str) -> AanvraagEvent | None:
        return self.gebeurtenissen.get(gebeurtenis_id)

    def registreer(self, abonnement_id: str, gebeurtenis: AanvraagEvent, nu: datetime) -> bool:
        sleutel = (abonnement_id, gebeurtenis.id)
        if sleutel in self.log:
            return False
        self.gebeurtenissen[gebeurtenis.id] = gebeurtenis
        self.log[sleutel] = Aflevering(
            gebeurtenis=gebeurtenis.id,
            type=gebeurtenis.type,
            tijd=gebeurtenis.time,
            status=AfleveringStatus.wachtend,
            pogingen=[],
        )
        return True

    def aflevering(
        self, abonnement_id: str, tijd: datetime, gebeurtenis_id: str
    ) -> Aflevering | None:
        return self.log.get((abonnement_id, gebeurtenis_id))

    def leg_vast(
        self,
        abonnement_id: str,
        aflevering: Aflevering,
        status: AfleveringStatus,
        poging: Poging | None = None,
    ) -> None:
        sleutel = (abonnement_id, aflevering.gebeurtenis)
        huidig = self.log[sleutel]
        pogingen = [*huidig.pogingen, *([poging] if poging else [])]
        self.log[sleutel] = huidig.model_copy(update={"status": status, "pogingen": pogingen})

    def afleveringen(
        self,
        abonnement_id: str,
        status: AfleveringStatus | None = None,
        cursor: str | None = None,
        limiet: int = 100,
    ) -> tuple[list[Aflevering], str | None]:
        eigen = [a for (i, _), a in self.log.items() if i == abonnement_id]
        return [a for a in eigen if status in (None, a.status)][:limiet], None


@dataclass
class FakeWachtrij:
    berichten: list[str] = field(default_factory=list)
    uitgesteld: list[tuple[str, int]] = field(default_factory=list)

    def stuur(self, berichten: list[str]) -> None:
        self.berichten.extend(berichten)

    def later(self, ontvangstbewijs: str, seconden: int) -> None:
        self.uitgesteld.append((ontvangstbewijs, seconden))


@dataclass
class FakeWebhooks:
    """Every attempt gets `antwoord`; `verstuurd` records (event id, url, secrets)."""

    antwoord: Delivery = field(default_factory=lambda: Delivery(Outcome.delivered, 204))
    verstuurd: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    def check_target(self, url: str) -> None:
        if not url.startswith("https://"):
            raise UnsafeTargetError("Alleen https.")

    def generate_secret(self) -> str:
        return "whsec_" + uuid.uuid4().hex

    def deliver(
        self, event: AanvraagEvent, url: str, secret: str, vorig_secret: str | None
    ) -> Delivery:
        self.verstuurd.append((event.id, url, secret, vorig_secret))
        return self.antwoord


@dataclass
class FakeSessies:
    sessies: dict[str, tuple[Sessie, datetime]] = field(default_factory=dict)

    def haal(self, sleutel: str) -> Sessie | None:
        gevonden = self.sessies.get(sleutel)
        return None if gevonden is None else gevonden[0]

    def bewaar(self, sessie: Sessie, verloopt_op: datetime) -> None:
        self.sessies[sessie.sleutel] = (sessie, verloopt_op)

    def verwijder(self, sleutel: str) -> None:
        self.sessies.pop(sleutel, None)


@dataclass
class FakeInlogdienst:
    """The token endpoint: hands out the tokens it was given, and records what it was asked."""

    tokens: Tokens
    gevraagd: list[tuple[str, str, str]] = field(default_factory=list)

    def wissel(self, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        self.gevraagd.append((code, code_verifier, redirect_uri))
        return self.tokens


def klok(moment: datetime = MOMENT) -> Callable[[], datetime]:
    return lambda: moment


def _basis(nu: datetime) -> dict[str, Any]:
    return {
        "toestemmingen": FakeToestemmingen(),
        "profielen": FakeProfielen(),
        "brongegevens": FakeBrongegevens(),
        "beoordelingen": FakeBeoordelingen(),
        "maandchecks": FakeMaandchecks(),
        "aanvragen": FakeAanvragen(),
        "machtigingen": FakeMachtigingen(),
        "register": FakeRegister(),
        "audit": FakeAuditlog(),
        "sleutels": FakeSleutels(),
        "nu": klok(nu),
    }


def aanvraagdiensten(catalogus: Catalogus, nu: datetime = MOMENT) -> Aanvraagdiensten:
    return Aanvraagdiensten(
        **_basis(nu),
        regels=VasteCatalogi(catalogus),
        uitgever=UITGEVER,
        idempotentie=FakeIdempotentie(),
    )


def toestemmingdiensten(nu: datetime = MOMENT) -> Toestemmingdiensten:
    return Toestemmingdiensten(**_basis(nu), planner=FakePlanner())


def maandcheckdiensten(
    catalogus: Catalogus, prefill: Prefill | None = None, nu: datetime = MOMENT
) -> Maandcheckdiensten:
    return Maandcheckdiensten(
        **_basis(nu),
        bronnen=FakeBronnen(prefill or Prefill()),
        regels=VasteCatalogi(catalogus),
        uitgever=UITGEVER,
        planner=FakePlanner(),
        idempotentie=FakeIdempotentie(),
    )


def webhookdiensten(nu: datetime = MOMENT) -> Webhookdiensten:
    return Webhookdiensten(
        abonnementen=FakeAbonnementen(),
        geheimen=FakeSleutels(),
        wachtrij=FakeWachtrij(),
        webhooks=FakeWebhooks(),
        nu=klok(nu),
    )


def _conform() -> None:
    """Each fake satisfies its port: mypy checks these assignments (`make typecheck`)."""
    from vil import ports

    _sleutels: ports.Sleutels = FakeSleutels()
    _bronnen: ports.Bronnen = FakeBronnen()
    _toestemmingen: ports.Toestemmingen = FakeToestemmingen()
    _profielen: ports.Profielen = FakeProfielen()
    _brongegevens: ports.Brongegevens = FakeBrongegevens()
    _beoordelingen: ports.Beoordelingen = FakeBeoordelingen()
    _maandchecks: ports.Maandchecks = FakeMaandchecks()
    _aanvragen: ports.Aanvragen = FakeAanvragen()
    _machtigingen: ports.Machtigingen = FakeMachtigingen()
    _register: ports.Vertegenwoordigingsregister = FakeRegister()
    _audit: ports.Auditlog = FakeAuditlog()
    _planner: ports.Planner = FakePlanner()
    _idempotentie: ports.Idempotentie = FakeIdempotentie()
    _abonnementen: ports.Abonnementen = FakeAbonnementen()
    _wachtrij: ports.Wachtrij = FakeWachtrij()
    _webhooks: ports.Webhooks = FakeWebhooks()
    _regelingversies: ports.Regelingversies = FakeRegelingversies()
    _regels: ports.Regelcatalogi = VasteCatalogi(Catalogus({}, {}))

    _sessies: ports.Sessies = FakeSessies()
    _inlogdienst: ports.Inlogdienst = FakeInlogdienst(Tokens("", ""))


def beheerdiensten(
    catalogus: Catalogus, nu: Callable[[], datetime] | datetime = MOMENT
) -> Impactstartdiensten:
    """The beheermodule over fakes, with the real catalogue cache (vil.adapters.regelcatalogi)
    over the fake versions' store: what is approved here is what evaluations then use."""
    from vil.adapters.regelcatalogi import Regelcatalogi

    klokje = klok(nu) if isinstance(nu, datetime) else nu
    versies = FakeRegelingversies()
    return Impactstartdiensten(
        regelingversies=versies,
        impactrapporten=FakeImpactrapporten(),
        impactwachtrij=FakeWachtrij(),
        audit=FakeAuditlog(),
        regels=Regelcatalogi(versies, catalogus, klokje),
        uitgever=UITGEVER,
        nu=klokje,
    )
