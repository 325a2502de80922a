"""The gemeente's decision on a herziening: the monthly check flagged a granted aanvraag
(`Aanvraag.herziening`), and the gemeente changes the grant, keeps it, or ends it.

- **wijzigen**: the herziening's new amount per a date, with a new beschikking (the amount is
  the one the rules computed for the new facts, kept in the herziening's beslisverslag; a
  gemeente that wants another amount decides by hand outside VIL).
- **handhaven**: the grant stays; the gemeente's reason goes to the resident. No new
  beschikking: nothing changes for the resident, so there is nothing to object to
  (docs/decisions.md, 'Herzieningsbesluiten').
- **intrekken**: the grant ends per a date, with a new beschikking; the status becomes
  `ingetrokken`, and the period no longer blocks a new aanvraag.

Each writes a beslisverslag (the herziening's evaluation, decided by the gemeente, so it
replays), the `nl.vil.aanvraag.herziening-besloten` event and an audit record, in one
transaction that holds only while the aanvraag is as it was read.
"""

from decimal import Decimal

from vil.fouten import Conflict, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import (
    Aanvraag,
    AanvraagStatus,
    Beschikking,
    Herziening,
    Herzieningsbesluit,
    HerzieningsbesluitSoort,
)
from vil.models.api import HerzieningsbesluitRequest
from vil.models.identiteit import Principal, Principalsoort
from vil.models.regeling import Regeling
from vil.rules.tekst import datum, euro
from vil.services import audit, herspelen
from vil.services.aanvragen import grondslag_en_bezwaar, haal
from vil.services.diensten import Aanvraagdiensten

STATUS_NA: dict[HerzieningsbesluitSoort, AanvraagStatus] = {
    HerzieningsbesluitSoort.wijzigen: AanvraagStatus.toegekend,
    HerzieningsbesluitSoort.handhaven: AanvraagStatus.toegekend,
    HerzieningsbesluitSoort.intrekken: AanvraagStatus.ingetrokken,
}


def besluit(
    diensten: Aanvraagdiensten,
    principal: Principal,
    aanvraag_id: str,
    verzoek: HerzieningsbesluitRequest,
) -> Aanvraag:
    """POST /v1/aanvragen/{id}/herzieningsbesluiten: the gemeente decides an open herziening.

    Raises:
        NietGeauthenticeerd: no token.
        NietGevonden: not an aanvraag of this gemeente (also for a resident).
        Conflict: no open herziening, wijzigen when the herziening found no right, or the
            aanvraag changed meanwhile.
        OngeldigVerzoek: `per` before the peildatum the grant rests on.
    """
    if principal.soort is Principalsoort.anoniem:
        raise NietGeauthenticeerd("Alleen een gemeente beslist over een herziening.")
    if principal.soort is not Principalsoort.gemeente:
        raise NietGevonden("Deze aanvraag bestaat niet.")
    pseudoniem, aanvraag = haal(diensten, principal, aanvraag_id)
    herziening = _open_herziening(aanvraag, verzoek.besluit)
    verslagen = diensten.aanvragen.beslisverslagen(aanvraag_id)
    toekenning, laatste = verslagen[0], verslagen[-1]  # the grant's, and the herziening's
    if verzoek.per is not None and verzoek.per < toekenning.peildatum:
        raise OngeldigVerzoek(
            "Een herzieningsbesluit geldt niet van voor de toekenning.",
            [("body.per", f"ligt voor de peildatum van de toekenning ({toekenning.peildatum})")],
        )
    regeling = herspelen.regeling_van(diensten.catalogus, laatste)  # the version it rests on
    moment, vandaag = diensten.nu(), diensten.vandaag()
    besluit_ = Herzieningsbesluit(
        besluit=verzoek.besluit,
        motivering=verzoek.motivering,
        per=verzoek.per,
        datum=vandaag,
        door=str(principal.gemeentecode),
    )
    besloten = _na_besluit(aanvraag, herziening, besluit_, regeling).model_copy(
        update={"gewijzigd_op": moment}
    )
    verslag = laatste.model_copy(
        update={
            "uitkomst": besloten.status,
            "door": principal.gemeentecode,
            "motivering": f"Herziening {verzoek.besluit.value}: {verzoek.motivering}",
            "op": moment,
        }
    )
    audit.vastleggen(diensten, pseudoniem, "herzieningsbesluit", principal, "behandelen")
    diensten.aanvragen.besluit_herziening(
        pseudoniem,
        aanvraag,
        besloten,
        verslag,
        diensten.uitgever.over_herzieningsbesluit(besloten),
        vrijgeven=besloten.status is AanvraagStatus.ingetrokken,
    )
    return besloten


def _open_herziening(aanvraag: Aanvraag, soort: HerzieningsbesluitSoort) -> Herziening:
    """The herziening still waiting for the gemeente; 409 when there is none, or when it
    found no right and the gemeente asks to change the amount."""
    herziening = aanvraag.herziening
    if (
        aanvraag.status is not AanvraagStatus.toegekend
        or herziening is None
        or herziening.besluit is not None
    ):
        raise Conflict("Bij deze aanvraag staat geen herziening open.")
    if soort is HerzieningsbesluitSoort.wijzigen and not herziening.recht:
        raise Conflict("Volgens de herziening is er geen recht meer: kies intrekken of handhaven.")
    return herziening


def _na_besluit(
    aanvraag: Aanvraag, herziening: Herziening, besluit: Herzieningsbesluit, regeling: Regeling
) -> Aanvraag:
    """The aanvraag as the decision leaves it (the herziening kept, with the decision)."""
    afgehandeld = herziening.model_copy(update={"besluit": besluit})
    if besluit.besluit is HerzieningsbesluitSoort.handhaven:
        return aanvraag.model_copy(
            update={
                "herziening": afgehandeld,
                "toelichting": (
                    "De gemeente heeft uw toekenning opnieuw bekeken en laat haar zoals zij is:"
                    f" {besluit.motivering}"
                ),
            }
        )
    assert besluit.per is not None  # HerzieningsbesluitRequest requires it
    status = STATUS_NA[besluit.besluit]
    tekst = herzieningstekst(regeling, aanvraag, herziening, besluit, aanvraag.gemeentecode)
    bijgewerkt = aanvraag.model_copy(
        update={
            "status": status,
            "herziening": afgehandeld,
            "beschikking": Beschikking(besluit=status, tekst=tekst, datum=besluit.datum),
        }
    )
    if besluit.besluit is HerzieningsbesluitSoort.intrekken:
        ingetrokken = f"De gemeente heeft uw toekenning ingetrokken per {datum(besluit.per)}."
        return bijgewerkt.model_copy(update={"toelichting": ingetrokken})
    return bijgewerkt.model_copy(
        update={
            "bedrag_per_maand": herziening.bedrag_per_maand,
            "bedrag_per_jaar": herziening.bedrag_per_jaar,
            "bedrag_eenmalig": herziening.bedrag_eenmalig,
            "toelichting": f"De gemeente heeft uw toekenning gewijzigd per {datum(besluit.per)}.",
        }
    )


def herzieningstekst(
    regeling: Regeling,
    aanvraag: Aanvraag,
    herziening: Herziening,
    besluit: Herzieningsbesluit,
    gemeentecode: str | None,
) -> str:
    """The beschikking of a wijziging or intrekking: what changes from when, the old and new
    amount, why (the herziening and the gemeente's motivering), the legal basis, and where and
    until when to object."""
    assert besluit.per is not None
    per, naam = datum(besluit.per), regeling.naam
    was = _bedrag(aanvraag.bedrag_per_maand, aanvraag.bedrag_per_jaar, aanvraag.bedrag_eenmalig)
    if besluit.besluit is HerzieningsbesluitSoort.intrekken:
        kern = f"Wij trekken de toekenning van {naam} in per {per}."
        kern += f" U kreeg {was}." if was else ""
    else:
        nu = _bedrag(
            herziening.bedrag_per_maand, herziening.bedrag_per_jaar, herziening.bedrag_eenmalig
        )
        kern = f"Wij wijzigen uw {naam} per {per}: u krijgt voortaan {nu}"
        kern += f" (was {was})." if was else "."
    return (
        f"Besluit van {datum(besluit.datum)} over uw toekenning van {naam}.\n\n{kern}"
        f"\n\nAanleiding: {herziening.toelichting}"
        f"\n\nToelichting van de gemeente: {besluit.motivering}"
        f"\n\n{grondslag_en_bezwaar(regeling, besluit.datum, gemeentecode)}"
    )


def _bedrag(per_maand: str | None, per_jaar: str | None, eenmalig: str | None) -> str:
    if per_maand is not None:
        return f"{euro(Decimal(per_maand), centen=True)} per maand"
    if eenmalig is not None:
        return euro(Decimal(eenmalig), centen=True)
    if per_jaar is not None:
        return f"{euro(Decimal(per_jaar), centen=True)} per jaar"
    return ""
