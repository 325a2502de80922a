"""The stores of the main table, one per aggregate, and the audit log.

Each store implements one port of `vil.ports` over the same table; keys come from `keys`, items
are the models of `items`, and every multi-item write is one transaction (`tabel.transactie`).
"""

import functools
import gzip
import json
import operator
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from vil.adapters.dynamodb import keys
from vil.adapters.dynamodb.items import (
    AanvraagItem,
    AuditItem,
    BeoordelingItem,
    BeslisverslagItem,
    GebeurtenisItem,
    GegevensItem,
    ImpactrapportItem,
    LaatsteBeoordelingItem,
    MachtigingItem,
    MeldingItem,
    MomentopnamedeelItem,
    MomentopnameItem,
    PeriodeItem,
    ProfielItem,
    RegelingversieItem,
    SessieItem,
    StandItem,
    ToestemmingItem,
    WijzerItem,
)
from vil.adapters.dynamodb.tabel import (
    BESTAAT,
    NIEUW,
    bewaar_op_status,
    conditional,
    cursor_van,
    ongewijzigd,
    positie,
    put,
    query_alles,
    transactie,
)
from vil.fouten import Conflict, NietGevonden
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag
from vil.models.beheer import (
    Impactrapport,
    Impactstatus,
    Momentopname,
    Publicatie,
    Regelingversie,
    Versiestatus,
    Wijzer,
)
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.maandcheck import Melding, Stand
from vil.models.machtiging import Vastgelegd
from vil.models.sessie import Sessie
from vil.models.toestemming import Bron, Doel, Toestemming

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


TOESTEMMING_GEWIJZIGD = (
    "Uw toestemming is gewijzigd terwijl VIL uw gegevens ophaalde; er is niets bewaard."
    " Probeer het opnieuw."
)


class _Store:
    def __init__(self, tabel: "Table") -> None:
        self.tabel = tabel


class Toestemmingen(_Store):
    """The `Toestemmingen` port: the append-only consent ledger; each change is a new version,
    written only if new."""

    def huidige(self, pseudoniem: str) -> dict[Bron, Toestemming]:
        """The current consent per source (the latest version in the ledger).

        A strongly consistent read: what may be fetched, kept or deleted depends on it, and a
        revoke must see its own write (an eventually consistent read may miss it).
        """
        current: dict[Bron, Toestemming] = {}
        for item in query_alles(self.tabel, keys.burger(pseudoniem), keys.TOESTEMMINGEN, True):
            toestemming = ToestemmingItem.model_validate(item).toestemming()
            current[toestemming.bron] = toestemming  # sort key order: versions ascending
        return current

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
        try:
            self.tabel.put_item(
                Item=ToestemmingItem.van(pseudoniem, toestemming).dump(),
                ConditionExpression=Attr("PK").not_exists(),
            )
        except ClientError as error:
            if conditional(error):
                raise Conflict(
                    "De toestemming is tegelijk gewijzigd; probeer het opnieuw."
                ) from error
            raise
        return toestemming

    def vergeet(self, pseudoniem: str, stand: bool, rest: bool) -> None:
        """Delete what a consent that ended was for (docs/bewaartermijnen.md): with `stand` the
        monthly check's baseline, with `rest` every beoordeling no aanvraag rests on (a
        conditional delete: a submission that uses it at the same moment wins) and the
        meldingen."""
        burger = keys.burger(pseudoniem)
        if stand:
            self.tabel.delete_item(Key={"PK": burger, "SK": keys.STAND})
        if not rest:
            return
        for item in query_alles(self.tabel, burger, keys.BEOORDELINGEN):
            try:
                self.tabel.delete_item(
                    Key={"PK": burger, "SK": item["SK"]},
                    ConditionExpression=Attr("gebruikt").not_exists(),
                )
            except ClientError as error:
                if not conditional(error):
                    raise
        for item in query_alles(self.tabel, burger, keys.MELDINGEN):
            self.tabel.delete_item(Key={"PK": burger, "SK": item["SK"]})
        # The pointer may name a deleted one; a used one left behind is found by the list.
        self.tabel.delete_item(Key={"PK": burger, "SK": keys.LAATSTE_BEOORDELING})


class Profielen(_Store):
    """The `Profielen` port: the BSN, KMS-encrypted, for work without the resident present (the
    monthly check), kept while consent for it lasts."""

    def _key(self, pseudoniem: str) -> dict[str, str]:
        return {"PK": keys.burger(pseudoniem), "SK": keys.PROFIEL}

    def bewaar_bsn(self, pseudoniem: str, bsn_versleuteld: str) -> None:
        item = ProfielItem(
            pk=keys.burger(pseudoniem), sk=keys.PROFIEL, bsn_versleuteld=bsn_versleuteld
        )
        self.tabel.put_item(Item=item.dump())

    def bsn_bewaard(self, pseudoniem: str) -> bool:
        return "Item" in self.tabel.get_item(Key=self._key(pseudoniem), ProjectionExpression="PK")

    def bsn_versleuteld(self, pseudoniem: str) -> str | None:
        """The kept BSN's ciphertext, or None once consent has ended."""
        item = self.tabel.get_item(Key=self._key(pseudoniem)).get("Item")
        return None if item is None else ProfielItem.model_validate(item).bsn_versleuteld

    def verwijder_bsn(self, pseudoniem: str) -> None:
        self.tabel.delete_item(Key=self._key(pseudoniem))


class Brongegevens(_Store):
    """The `Brongegevens` port: each source's facts, cached per resident (deleted on revoke)."""

    def bewaar_gegevens(
        self,
        pseudoniem: str,
        gegevens: Mapping[Bron, dict[str, Any]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """Cache each source's facts, all or none, only if no consent changed since the
        versions in `toestemmingen` were read: a revoke during the prefill is not undone.

        Raises:
            Conflict: a consent changed meanwhile; nothing was written.
        """
        if not gegevens:
            return
        opdrachten = [
            put(self.tabel, _gegevens_item(pseudoniem, b, g)) for b, g in gegevens.items()
        ]
        opdrachten += ongewijzigd(self.tabel, pseudoniem, toestemmingen)
        transactie(self.tabel, opdrachten, lambda _: Conflict(TOESTEMMING_GEWIJZIGD))

    def verwijder_gegevens(self, pseudoniem: str, bron: Bron) -> None:
        self.tabel.delete_item(Key={"PK": keys.burger(pseudoniem), "SK": keys.gegevens(bron)})

    def gegevens(self, pseudoniem: str) -> dict[str, Any]:
        return {
            item.sk.removeprefix(keys.GEGEVENS): json.loads(item.data)
            for item in map(
                GegevensItem.model_validate,
                query_alles(self.tabel, keys.burger(pseudoniem), keys.GEGEVENS),
            )
        }


class Beoordelingen(_Store):
    """The `Beoordelingen` port: a resident's stored beoordelingen."""

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Mapping[Bron, int]
    ) -> None:
        """Store a new beoordeling, only if no consent changed since the versions in
        `toestemmingen` were read (its facts came from those sources).

        Raises:
            Conflict: a consent changed meanwhile; nothing was written.
        """
        wijzer = LaatsteBeoordelingItem.van(pseudoniem, beoordeling)
        vooruit = put(self.tabel, wijzer, "attribute_not_exists(PK) OR moment < :moment",
                      ExpressionAttributeValues={":moment": wijzer.moment})  # fmt: skip
        opdrachten = [put(self.tabel, BeoordelingItem.van(pseudoniem, beoordeling), NIEUW)]
        opdrachten += ongewijzigd(self.tabel, pseudoniem, toestemmingen)
        try:
            transactie(self.tabel, [vooruit, *opdrachten], _wijzer_of_toestemming)
        except _NieuwereWijzer:
            # A newer beoordeling was stored first (concurrent requests): keep this one too,
            # and leave the pointer where it is.
            transactie(self.tabel, opdrachten, lambda _: Conflict(TOESTEMMING_GEWIJZIGD))

    def beoordeling(self, pseudoniem: str, beoordeling_id: str) -> Beoordeling | None:
        sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.beoordeling(beoordeling_id)}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        return None if item is None else BeoordelingItem.model_validate(item).beoordeling()

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]:
        return [
            BeoordelingItem.model_validate(item).beoordeling()
            for item in query_alles(self.tabel, keys.burger(pseudoniem), keys.BEOORDELINGEN)
        ]

    def laatste(self, pseudoniem: str) -> Beoordeling | None:
        """The newest beoordeling: the pointer and the one it names, two reads whatever the
        count. Without a pointer (beoordelingen stored before it existed) or when its
        beoordeling is gone (expired, forgotten), the list once: what remains is older."""
        sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.LAATSTE_BEOORDELING}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        if item is not None:
            wijzer = LaatsteBeoordelingItem.model_validate(item)
            gevonden = self.beoordeling(pseudoniem, wijzer.beoordeling_id)
            if gevonden is not None:
                return gevonden
        return max(self.beoordelingen(pseudoniem), key=lambda b: b.aangemaakt_op, default=None)


class _NieuwereWijzer(Exception):
    """The pointer already names a newer beoordeling: store this one without moving it."""


def _wijzer_of_toestemming(codes: list[str]) -> Exception:
    """The error of a cancelled beoordeling write whose first item is the pointer's put."""
    if codes[:1] == ["ConditionalCheckFailed"] and all(c == "None" for c in codes[1:]):
        return _NieuwereWijzer()
    return Conflict(TOESTEMMING_GEWIJZIGD)


class Maandchecks(_Store):
    """The `Maandchecks` port: the monthly check's baseline and meldingen, written together
    with what it revised."""

    def stand(self, pseudoniem: str) -> Stand | None:
        sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.STAND}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        return None if item is None else StandItem.model_validate(item).stand()

    def leg_maandcheck_vast(
        self,
        pseudoniem: str,
        stand: Stand,
        gegevens: dict[Bron, dict[str, Any]],
        meldingen: Iterable[Melding],
        herzieningen: Iterable[tuple[Aanvraag, Beslisverslag, AanvraagEvent]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """Everything one check found, in one transaction: the new baseline (only if no other
        check wrote one since `stand.versie - 1`), the sources' facts, the meldingen, and each
        revised aanvraag (only if still toegekend) with its verslag and event, and only if no
        consent changed since the versions in `toestemmingen` were read. A crash leaves all of
        it or none, so a retried check finds the changes once.

        Raises:
            Conflict: another check or a decision changed the resident's state meanwhile.
        """
        tabel, eerste = self.tabel, stand.versie == 1
        basislijn = StandItem.van(pseudoniem, stand)
        opdrachten = [
            put(tabel, basislijn, NIEUW)
            if eerste
            else put(tabel, basislijn, "versie = :vorige",
                     ExpressionAttributeValues={":vorige": stand.versie - 1})
        ]  # fmt: skip
        opdrachten += [put(tabel, _gegevens_item(pseudoniem, b, g)) for b, g in gegevens.items()]
        opdrachten += [put(tabel, MeldingItem.van(pseudoniem, m)) for m in meldingen]
        for aanvraag, verslag, gebeurtenis in herzieningen:
            opdrachten += [
                _zolang_status(tabel, pseudoniem, aanvraag, AanvraagStatus.toegekend),
                put(tabel, BeslisverslagItem.van(verslag)),
                put(tabel, GebeurtenisItem.van(gebeurtenis)),
            ]
        opdrachten += ongewijzigd(tabel, pseudoniem, toestemmingen)
        tekst = "Er veranderde tegelijk iets anders aan uw gegevens; probeer het opnieuw."
        transactie(tabel, opdrachten, lambda _: Conflict(tekst))

    def meldingen(self, pseudoniem: str) -> list[Melding]:
        """The resident's meldingen, newest check first; within a check by regeling, then the
        changed facts."""
        meldingen = [
            MeldingItem.model_validate(item).melding()
            for item in query_alles(self.tabel, keys.burger(pseudoniem), keys.MELDINGEN)
        ]
        meldingen.sort(key=lambda m: (m.regeling is None, m.regeling or ""))
        return sorted(meldingen, key=lambda m: m.aangemaakt, reverse=True)  # stable

    def markeer_melding(self, pseudoniem: str, melding_id: str, gelezen: bool) -> Melding | None:
        """Mark one of the resident's meldingen (un)read; None if they have no such melding."""
        sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.melding(melding_id)}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        if item is None:
            return None
        melding = MeldingItem.model_validate(item).melding()
        melding = melding.model_copy(update={"gelezen": gelezen})
        self.tabel.put_item(
            Item=MeldingItem.van(pseudoniem, melding).dump(),
            ConditionExpression=Attr("PK").exists(),
        )
        return melding


class Aanvragen(_Store):
    """The `Aanvragen` port: aanvragen with their beslisverslagen, the period each blocks, and
    the event of every change (the outbox), written in the change's transaction."""

    def dien_in(
        self,
        pseudoniem: str,
        aanvragen: list[Aanvraag],
        verslagen: Iterable[Beslisverslag],
        geblokkeerd_tot: dict[str, date],
        peildatum: date,
        gebeurtenissen: Iterable[AanvraagEvent],
    ) -> None:
        """Write every aanvraag with its verslag and event at once, or none: Conflict when a
        regeling is still in the period of an earlier aanvraag on the beoordeling's peildatum."""
        tabel = self.tabel
        perioden = [
            put(tabel, PeriodeItem(pk=keys.burger(pseudoniem), sk=keys.periode(regeling),
                                   geblokkeerd_tot=tot.isoformat()),
                "attribute_not_exists(PK) OR geblokkeerdTot <= :peildatum",
                ExpressionAttributeValues={":peildatum": peildatum.isoformat()})
            for regeling, tot in geblokkeerd_tot.items()
        ]  # fmt: skip
        puts = perioden + [put(tabel, AanvraagItem.van(pseudoniem, a)) for a in aanvragen]
        puts += [put(tabel, BeslisverslagItem.van(v)) for v in verslagen]
        puts += [put(tabel, GebeurtenisItem.van(g)) for g in gebeurtenissen]
        # The beoordeling they rest on is kept with them from now on (no TTL, not deleted with
        # the consent), on the condition that a revoke has not deleted it meanwhile.
        gebruikt = [{"Update": {
            "TableName": tabel.name,
            "Key": {"PK": keys.burger(pseudoniem), "SK": keys.beoordeling(beoordeling)},
            "UpdateExpression": "SET gebruikt = :ja REMOVE verlooptOp",
            "ConditionExpression": BESTAAT,
            "ExpressionAttributeValues": {":ja": True},
        }} for beoordeling in sorted({a.beoordeling for a in aanvragen})]  # fmt: skip

        def bij_conflict(codes: list[str]) -> Exception | None:
            if "ConditionalCheckFailed" in codes[len(puts) :]:
                return NietGevonden("Deze beoordeling bestaat niet (meer).")
            blocked = [
                regeling
                for regeling, code in zip(geblokkeerd_tot, codes, strict=False)
                if code == "ConditionalCheckFailed"
            ]
            if blocked:
                return Conflict(
                    "Voor deze regelingen loopt al een aanvraag in deze periode.", blocked
                )
            return None

        transactie(tabel, puts + gebruikt, bij_conflict)

    def aanvraag(self, aanvraag_id: str) -> tuple[str, Aanvraag] | None:
        """The aanvraag and the pseudonym of the resident who made it."""
        sleutel = {"PK": keys.aanvraag(aanvraag_id), "SK": keys.AANVRAAG}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        if item is None:
            return None
        gevonden = AanvraagItem.model_validate(item)
        return gevonden.pseudoniem, gevonden.aanvraag()

    def aanvragen_van_burger(self, pseudoniem: str) -> list[Aanvraag]:
        response = self.tabel.query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.burger(pseudoniem)),
            ScanIndexForward=False,
        )
        return [AanvraagItem.model_validate(item).aanvraag() for item in response["Items"]]

    def aanvragen_van_gemeente(
        self,
        gemeentecode: str,
        status: AanvraagStatus | None,
        regeling: str | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[tuple[str, Aanvraag]], str | None]:
        """A page of the gemeente's aanvragen with each resident's pseudonym, newest first, and
        the cursor to the next page."""
        query: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": Key("GSI2PK").eq(keys.gemeente(gemeentecode)),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        filters = [
            Attr(name).eq(value)
            for name, value in (("status", status), ("regeling", regeling))
            if value is not None
        ]
        if filters:
            query["FilterExpression"] = functools.reduce(operator.and_, filters)
        if cursor:
            query["ExclusiveStartKey"] = _decode_cursor(cursor, gemeentecode)
        response = self.tabel.query(**query)
        volgende = response.get("LastEvaluatedKey")
        items = [AanvraagItem.model_validate(item) for item in response["Items"]]
        return (
            [(item.pseudoniem, item.aanvraag()) for item in items],
            cursor_van(str(volgende["GSI2SK"])) if volgende else None,
        )

    def wijzig(
        self,
        pseudoniem: str,
        aanvraag: Aanvraag,
        van: AanvraagStatus,
        verslag: Beslisverslag | None,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        """Store a new status with its event (the outbox), only if the aanvraag still has
        status `van`."""
        tabel = self.tabel
        opdrachten = [_zolang_status(tabel, pseudoniem, aanvraag, van)]
        if verslag is not None:
            opdrachten.append(put(tabel, BeslisverslagItem.van(verslag)))
        opdrachten.append(put(tabel, GebeurtenisItem.van(gebeurtenis)))
        if vrijgeven:  # a withdrawn application does not block a new one in its period
            periode = {"PK": keys.burger(pseudoniem), "SK": keys.periode(aanvraag.regeling)}
            opdrachten.append({"Delete": {"TableName": tabel.name, "Key": periode}})
        tekst = f"De aanvraag heeft niet (meer) de status {van.value}."
        transactie(tabel, opdrachten, lambda _: Conflict(tekst))

    def beslisverslagen(self, aanvraag_id: str) -> list[Beslisverslag]:
        return [
            BeslisverslagItem.model_validate(item).verslag()
            for item in query_alles(self.tabel, keys.aanvraag(aanvraag_id), keys.BESLISVERSLAGEN)
        ]

    def besluit_herziening(
        self,
        pseudoniem: str,
        vorige: Aanvraag,
        aanvraag: Aanvraag,
        verslag: Beslisverslag,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        """The decision on a herziening with its verslag and event, only while the stored
        aanvraag is still `vorige` as read: the whole item is the optimistic lock, so a second
        decision or a newer herziening by the monthly check meanwhile is a Conflict."""
        tabel = self.tabel
        opdrachten = [
            put(
                tabel,
                AanvraagItem.van(pseudoniem, aanvraag),
                "#d = :vorige",
                ExpressionAttributeNames={"#d": "data"},
                ExpressionAttributeValues={":vorige": vorige.model_dump_json()},
            ),
            put(tabel, BeslisverslagItem.van(verslag)),
            put(tabel, GebeurtenisItem.van(gebeurtenis)),
        ]
        if vrijgeven:  # an ended grant does not block a new aanvraag in its period
            periode = {"PK": keys.burger(pseudoniem), "SK": keys.periode(aanvraag.regeling)}
            opdrachten.append({"Delete": {"TableName": tabel.name, "Key": periode}})
        tekst = "De aanvraag veranderde intussen (al besloten, of een nieuwere herziening)."
        transactie(tabel, opdrachten, lambda _: Conflict(tekst))


class Regelingversies(_Store):
    """The `Regelingversies` port: per regeling and gemeente, numbered versions; a new one is
    written only under a number not taken, a change only while the status is the one read."""

    def versies(self, regeling: str, gemeentecode: str) -> list[Regelingversie]:
        items = query_alles(self.tabel, keys.regeling(regeling, gemeentecode), keys.VERSIES)
        return [RegelingversieItem.model_validate(item).versie() for item in items]

    def versie(self, regeling: str, gemeentecode: str, nummer: int) -> Regelingversie | None:
        sleutel = {"PK": keys.regeling(regeling, gemeentecode), "SK": keys.versie(nummer)}
        item = self.tabel.get_item(Key=sleutel, ConsistentRead=True).get("Item")
        return None if item is None else RegelingversieItem.model_validate(item).versie()

    def bewaar(self, versie: Regelingversie, van: Versiestatus | None) -> None:
        """Store `versie`: new (van None, its number not taken) or from status `van`.

        Raises:
            Conflict: the number was taken, or the status changed, meanwhile.
        """
        bewaar_op_status(self.tabel, RegelingversieItem.van(versie), van and van.value,
                         "De versie veranderde intussen; lees haar opnieuw.")  # fmt: skip

    def wijzer(self) -> Wijzer:
        sleutel = {"PK": keys.REGELINGEN, "SK": keys.WIJZER}
        item = self.tabel.get_item(Key=sleutel, ConsistentRead=True).get("Item")
        return Wijzer() if item is None else WijzerItem.model_validate(item).wijzer()

    def publiceer(
        self, versie: Regelingversie, van: Versiestatus, wijzer: int, gebeurtenis: AanvraagEvent
    ) -> None:
        """The approved version, the pointer one further, and the event, in one transaction."""
        tabel = self.tabel
        huidig = self.wijzer()
        nieuw = Wijzer(
            nummer=wijzer + 1,
            publicaties=[
                *huidig.publicaties,
                Publicatie(regeling=versie.regeling, gemeentecode=versie.gemeentecode,
                           versie=versie.versie),
            ],
        )  # fmt: skip
        opdrachten = [
            put(tabel, RegelingversieItem.van(versie), "#s = :van",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":van": van.value}),
            put(tabel, WijzerItem.van(nieuw), NIEUW) if wijzer == 0 else
            put(tabel, WijzerItem.van(nieuw), "nummer = :wijzer",
                ExpressionAttributeValues={":wijzer": wijzer}),
            put(tabel, GebeurtenisItem.van(gebeurtenis)),
        ]  # fmt: skip
        # The pointer's condition, not the read above, is what refuses a publication on a
        # pointer that moved since the caller read it.
        tekst = "Intussen is er een andere versie gepubliceerd of deze versie gewijzigd."
        transactie(tabel, opdrachten, lambda _: Conflict(tekst))


# A machtiging's place in a list: when it was granted (ISO), then its id (VIL's or the register's).
MACHTIGING_POSITIE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.+-]+#(ccbr-[0-9]{6,12}|[0-9a-f]{32})"
)


class Impactrapporten(_Store):
    """The `Impactrapporten` port: a gemeente's residents' latest beoordelingen (GSI2), the
    frozen population of a version (a pointer written once, its parts gzipped), the reports."""

    def populatie(
        self, gemeentecode: str, limiet: int | None = None
    ) -> list[tuple[str, dict[str, Any]]] | None:
        """Each resident's pseudonym and the household of their latest beoordeling, by
        pseudonym; None when there are more than `limiet` beoordelingen."""
        query: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": Key("GSI2PK").eq(keys.beoordeeld(gemeentecode)),
        }
        laatste: dict[str, str] = {}  # pseudonym -> the data of their latest beoordeling
        gelezen = 0
        while True:
            response = self.tabel.query(**query)
            for item in response["Items"]:
                # Oldest first within a resident: the last one read is the latest.
                laatste[str(item["GSI2SK"]).split("#", 1)[0]] = str(item["data"])
            gelezen += len(response["Items"])
            if limiet is not None and gelezen > limiet:
                return None
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return [(p, json.loads(data)["huishouden"]) for p, data in laatste.items()]

    def momentopname(
        self, regeling: str, gemeentecode: str, versie: int, nu: datetime, lees: bool = True
    ) -> tuple[Momentopname, list[dict[str, Any]]] | None:
        """The frozen population of the version and (`lees`) its households; None when there
        is none, or it expired (TTL) or lost a part."""
        sleutel = {"PK": keys.regeling(regeling, gemeentecode), "SK": keys.momentopname_van(versie)}
        item = self.tabel.get_item(Key=sleutel, ConsistentRead=True).get("Item")
        if item is None or (pointer := MomentopnameItem.model_validate(item)).verlopen(nu):
            return None
        m = pointer.momentopname()
        if not lees:
            return m, []
        delen = query_alles(self.tabel, keys.momentopname(m.id), keys.DELEN, consistent=True)
        if len(delen) != pointer.delen:
            return None
        return m, _uitgepakt(delen)

    def bevries(
        self, regeling: str, gemeentecode: str, versie: int, m: Momentopname,
        huishoudens: list[dict[str, Any]],
    ) -> None:  # fmt: skip
        """Store a version's population: its parts, then the pointer, only if the version has
        none (an expired one is replaced). A pointer another run wrote first wins: Conflict,
        and this run reads that one; its parts expire unused."""
        verloopt = MomentopnameItem.van(regeling, gemeentecode, versie, m, 0).verloopt_op
        grootte = -(-len(huishoudens) // m.delen) if m.delen else 1
        delen = [huishoudens[i : i + grootte] for i in range(0, len(huishoudens), grootte)]
        with self.tabel.batch_writer() as schrijver:
            for nummer, deel in enumerate(delen, 1):
                tekst = json.dumps(deel, separators=(",", ":")).encode()
                schrijver.put_item(Item=MomentopnamedeelItem(
                    pk=keys.momentopname(m.id), sk=keys.deel(nummer),
                    data=gzip.compress(tekst), verloopt_op=verloopt,
                ).dump())  # fmt: skip
        pointer = MomentopnameItem.van(regeling, gemeentecode, versie, m, len(delen))
        try:
            self.tabel.put_item(
                Item=pointer.dump(),
                ConditionExpression="attribute_not_exists(PK) OR verlooptOp <= :nu",
                ExpressionAttributeValues={":nu": int(m.gemaakt_op.timestamp())},
            )
        except ClientError as error:
            if conditional(error):
                raise Conflict("Een andere run bevroor de huishoudens al.") from error
            raise

    def huishoudens(self, momentopname_id: str, van: int, tot: int) -> list[dict[str, Any]]:
        """The households of parts `van` to `tot` (inclusive, from 1) of a frozen population."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("PK").eq(keys.momentopname(momentopname_id))
            & Key("SK").between(keys.deel(van), keys.deel(tot)),
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            antwoord = self.tabel.query(**query)
            items += antwoord["Items"]
            if "LastEvaluatedKey" not in antwoord:
                return _uitgepakt(items)
            query["ExclusiveStartKey"] = antwoord["LastEvaluatedKey"]

    def bewaar_deeltelling(
        self, rapport: Impactrapport, groep: int, telling: dict[str, Any], verloopt_op: int
    ) -> set[int]:
        """A worker's counts of its group, then its group added to the report's finished ones
        (a set: a message delivered twice counts once); the groups finished so far."""
        pk = keys.regeling(rapport.regeling, rapport.gemeentecode)
        self.tabel.put_item(Item={
            "PK": pk, "SK": keys.impactdeel(rapport.versie, rapport.id, groep),
            "data": json.dumps(telling), "verlooptOp": verloopt_op,
        })  # fmt: skip
        antwoord = self.tabel.update_item(
            Key={"PK": pk, "SK": keys.impactrapport(rapport.versie, rapport.id)},
            UpdateExpression="ADD klaarGroepen :groep",
            ConditionExpression=BESTAAT,
            ExpressionAttributeValues={":groep": {groep}},
            ReturnValues="UPDATED_NEW",
        )
        return {int(g) for g in antwoord["Attributes"]["klaarGroepen"]}  # type: ignore[union-attr]

    def deeltellingen(self, rapport: Impactrapport) -> list[dict[str, Any]]:
        """Every worker's counts of a large run."""
        items = query_alles(
            self.tabel,
            keys.regeling(rapport.regeling, rapport.gemeentecode),
            keys.impactdelen(rapport.versie, rapport.id),
            consistent=True,
        )
        return [json.loads(str(item["data"])) for item in items]

    def rapport(
        self, regeling: str, gemeentecode: str, versie: int, rapport_id: str
    ) -> Impactrapport | None:
        sleutel = {
            "PK": keys.regeling(regeling, gemeentecode),
            "SK": keys.impactrapport(versie, rapport_id),
        }
        item = self.tabel.get_item(Key=sleutel, ConsistentRead=True).get("Item")
        return None if item is None else ImpactrapportItem.model_validate(item).rapport()

    def bewaar_rapport(self, rapport: Impactrapport, van: Impactstatus | None) -> None:
        """A new report (van None) or its outcome (only while its status is `van`).

        Raises:
            Conflict: the report exists, or its status changed, meanwhile.
        """
        bewaar_op_status(self.tabel, ImpactrapportItem.van(rapport), van and van.value,
                         "Het rapport veranderde intussen.")  # fmt: skip


class Machtigingen(_Store):
    """The `Machtigingen` port: one item per machtiging, found by id (every request that acts
    for someone), by the resident (GSI1) and by who holds it (GSI2)."""

    def leg_vast(self, vastgelegd: Vastgelegd) -> None:
        self.tabel.put_item(Item=MachtigingItem.van(vastgelegd).dump())

    def haal(self, machtiging_id: str) -> Vastgelegd | None:
        sleutel = {"PK": keys.machtiging(machtiging_id), "SK": keys.MACHTIGING}
        item = self.tabel.get_item(Key=sleutel, ConsistentRead=True).get("Item")
        return None if item is None else MachtigingItem.model_validate(item).vastgelegd()

    def gegeven(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[Vastgelegd], str | None]:
        return self._pagina("GSI1", keys.volmachtgever(pseudoniem), None, cursor, limiet)

    def gehouden(
        self,
        gemachtigde: str,
        medewerker: str | None,
        geldig_op: date | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[Vastgelegd], str | None]:
        # The whole organisation's, and those naming this employee.
        filter_: ConditionBase = Attr("medewerker").not_exists()
        if medewerker is not None:
            filter_ = filter_ | Attr("medewerker").eq(medewerker)
        if geldig_op is not None:
            dag = geldig_op.isoformat()
            filter_ = (
                filter_
                & Attr("ingetrokken").not_exists()
                & Attr("geldigVanaf").lte(dag)
                & (Attr("geldigTot").not_exists() | Attr("geldigTot").gte(dag))
            )
        return self._pagina("GSI2", keys.gemachtigde(gemachtigde), filter_, cursor, limiet)

    def trek_in(self, machtiging_id: str, pseudoniem: str, nu: datetime) -> Vastgelegd | None:
        gevonden = self.haal(machtiging_id)
        if gevonden is None or gevonden.pseudoniem != pseudoniem:
            return None
        if gevonden.machtiging.ingetrokken_op is not None:
            return gevonden  # idempotent: the first revoke's time stands
        machtiging = gevonden.machtiging.model_copy(update={"ingetrokken_op": nu})
        ingetrokken = gevonden.model_copy(update={"machtiging": machtiging})
        self.tabel.put_item(
            Item=MachtigingItem.van(ingetrokken).dump(), ConditionExpression=BESTAAT
        )
        return ingetrokken

    def _pagina(
        self,
        index: str,
        partitie: str,
        filter_: ConditionBase | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[Vastgelegd], str | None]:
        """A page of one index's partition, newest first. DynamoDB filters after `Limit`, so a
        filtered page may hold fewer (even none) and still have a next one."""
        query: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": Key(f"{index}PK").eq(partitie),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        if filter_ is not None:
            query["FilterExpression"] = filter_
        if cursor:
            # The position in this caller's own list (when, which machtiging), never a key
            plek = positie(cursor, lambda p: bool(MACHTIGING_POSITIE.fullmatch(p)))
            machtiging_id = plek.rpartition("#")[2]
            query["ExclusiveStartKey"] = {
                "PK": keys.machtiging(machtiging_id),
                "SK": keys.MACHTIGING,
                f"{index}PK": partitie,
                f"{index}SK": plek,
            }
        response = self.tabel.query(**query)
        gevonden = [MachtigingItem.model_validate(i).vastgelegd() for i in response["Items"]]
        volgende = response.get("LastEvaluatedKey")
        return gevonden, cursor_van(str(volgende[f"{index}SK"])) if volgende else None


class Auditlog(_Store):
    """The `Auditlog` port over the append-only audit table: one record per data subject per
    read (Logboek Dataverwerkingen). Functions may only put; each record is written only if
    new."""

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
        namens = namens or {}
        item = AuditItem(
            pk=keys.betrokkene(pseudoniem),
            sk=keys.gesorteerd(nu, str(uuid.uuid4())),
            verwerking=verwerking,
            actor=actor,
            doel=doel,
            resultaat=resultaat,
            trace_id=trace_id,
            bronnen=sorted(bronnen),
            tijd=nu.isoformat(),
            vertegenwoordiger=namens.get("vertegenwoordiger"),
            machtiging=namens.get("machtiging"),
            organisatie=namens.get("organisatie"),
        )
        self.tabel.put_item(Item=item.dump(), ConditionExpression=Attr("PK").not_exists())

    def van(self, pseudoniem: str) -> list[dict[str, Any]]:
        """Every record about one person, oldest first."""
        response = self.tabel.query(
            KeyConditionExpression=Key("PK").eq(keys.betrokkene(pseudoniem))
        )
        return [_zonder_sleutels(item) for item in response["Items"]]

    def pagina(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One query of at most `limiet` records, newest first; the cursor is the last
        record's position (when, which record), never the person's key."""
        partitie = keys.betrokkene(pseudoniem)
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("PK").eq(partitie),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        if cursor:
            plek = positie(cursor, lambda p: bool(AUDIT_POSITIE.fullmatch(p)))
            query["ExclusiveStartKey"] = {"PK": partitie, "SK": plek}
        response = self.tabel.query(**query)
        volgende = response.get("LastEvaluatedKey")
        return (
            [_zonder_sleutels(item) for item in response["Items"]],
            cursor_van(str(volgende["SK"])) if volgende else None,
        )


# An audit record's sort key: when (ISO 8601), then its uuid (keys.gesorteerd).
AUDIT_POSITIE = re.compile(r"\d{4}-\d{2}-\d{2}T[0-9:.+-]+#[0-9a-f-]{36}")


def _zonder_sleutels(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("PK", "SK")}


def _uitgepakt(delen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The households of parts of a frozen population (each gzipped JSON, a Binary)."""
    huishoudens: list[dict[str, Any]] = []
    for deel in delen:
        huishoudens += json.loads(gzip.decompress(bytes(deel["data"].value)))
    return huishoudens


def _gegevens_item(pseudoniem: str, bron: Bron, gegevens: dict[str, Any]) -> GegevensItem:
    return GegevensItem(
        pk=keys.burger(pseudoniem),
        sk=keys.gegevens(bron),
        data=json.dumps(gegevens, default=str),
    )


def _zolang_status(
    tabel: "Table", pseudoniem: str, aanvraag: Aanvraag, status: AanvraagStatus
) -> dict[str, Any]:
    """The Put of a changed aanvraag, only while it still has `status`."""
    return put(
        tabel,
        AanvraagItem.van(pseudoniem, aanvraag),
        "#s = :status",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":status": status.value},
    )


def _decode_cursor(cursor: str, gemeentecode: str) -> dict[str, Any]:
    """The start key back from a page's cursor (the position in the gemeente's list, without
    the table's keys: when and which aanvraag); anything else is a 400."""
    position = positie(cursor, lambda p: bool(re.fullmatch(r".+#[0-9a-f]{32}", p)))
    aanvraag_id = position.rpartition("#")[2]
    return {
        "PK": keys.aanvraag(aanvraag_id),
        "SK": keys.AANVRAAG,
        "GSI2PK": keys.gemeente(gemeentecode),
        "GSI2SK": position,
    }


class Sessies(_Store):
    """The `Sessies` port: the loket's sessions, one item each, removed by TTL after their end
    (a read checks the end itself: TTL deletes late)."""

    def haal(self, sleutel: str) -> Sessie | None:
        item = self.tabel.get_item(
            Key={"PK": keys.sessie(sleutel), "SK": keys.SESSIE}, ConsistentRead=True
        ).get("Item")
        return None if item is None else SessieItem.model_validate(item).sessie()

    def bewaar(self, sessie: Sessie, verloopt_op: datetime) -> None:
        self.tabel.put_item(Item=SessieItem.van(sessie, int(verloopt_op.timestamp())).dump())

    def verwijder(self, sleutel: str) -> None:
        self.tabel.delete_item(Key={"PK": keys.sessie(sleutel), "SK": keys.SESSIE})
