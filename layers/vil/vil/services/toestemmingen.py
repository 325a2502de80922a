"""Consent per source and purpose: an append-only ledger; revoking deletes what it was for."""

from vil.fouten import NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal, Principalsoort
from vil.models.toestemming import Bron, Doel, Toestemming
from vil.services import audit
from vil.services.diensten import Basisdiensten, Toestemmingdiensten

# The text a resident agrees to, per source; a new text gets a new version.
TEKSTVERSIE = "2026-11"
TEKSTEN: dict[Bron, str] = {
    Bron.brp: (
        "VIL mag uw geboortedatum, woongemeente, partner en kinderen opvragen bij de"
        " Basisregistratie Personen."
    ),
    Bron.belastingdienst: (
        "VIL mag uw toetsingsinkomen, vermogen en zorgverzekering (en die van uw"
        " toeslagpartner) opvragen bij de Belastingdienst."
    ),
    Bron.uwv: "VIL mag uw netto maandinkomens van de afgelopen drie jaar opvragen bij het UWV.",
    Bron.svb: "VIL mag opvragen voor welke kinderen u kinderbijslag krijgt en of u AOW krijgt.",
}
DOELEN: dict[Doel, str] = {
    Doel.aanvragen: "om uw aanvragen vooraf in te vullen en te beoordelen",
    Doel.maandcheck: "om elke maand te controleren of u ergens (nog) recht op heeft",
}


def bron(naam: str) -> Bron:
    """A source by name; 404 for a source VIL does not know."""
    try:
        return Bron(naam)
    except ValueError:
        bekend = ", ".join(b.value for b in Bron)
        raise NietGevonden(f"Onbekende bron '{naam[:40]}'; VIL kent {bekend}.") from None


def burger(principal: Principal) -> str:
    """The pseudonym of a resident; 401 for anyone else."""
    if principal.soort is not Principalsoort.burger or not principal.pseudoniem:
        raise NietGeauthenticeerd("Log in met DigiD om dit te doen.")
    return principal.pseudoniem


def overzicht(diensten: Basisdiensten, principal: Principal) -> dict[Bron, Toestemming | None]:
    huidige = diensten.toestemmingen.huidige(burger(principal))
    return {bron: huidige.get(bron) for bron in Bron}


def wijzig(
    diensten: Toestemmingdiensten,
    principal: Principal,
    bron: Bron,
    doelen: list[Doel],
    tekstversie: str | None,
) -> Toestemming:
    """Replace the purposes for one source; an empty list revokes and deletes cached data."""
    pseudoniem = burger(principal)
    if doelen and (tekstversie or TEKSTVERSIE) != TEKSTVERSIE:
        raise OngeldigVerzoek(
            "U stemde in met een oudere tekst; lees de huidige en probeer het opnieuw.",
            [("body.tekstversie", f"de huidige versie is {TEKSTVERSIE}")],
        )
    toestemming = diensten.toestemmingen.leg_toestemming_vast(
        pseudoniem, bron, doelen, TEKSTVERSIE, diensten.nu()
    )
    if not doelen:
        diensten.brongegevens.verwijder_gegevens(pseudoniem, bron)
    # The BSN is kept (encrypted) exactly while some consent lasts: without the resident at the
    # keyboard, only it lets VIL ask the sources again.
    huidige = diensten.toestemmingen.huidige(pseudoniem).values()
    enige = any(t.doelen for t in huidige)
    maandcheck = any(Doel.maandcheck in t.doelen for t in huidige)
    if enige:
        if principal.bsn_versleuteld:
            diensten.profielen.bewaar_bsn(pseudoniem, principal.bsn_versleuteld)
    else:
        diensten.profielen.verwijder_bsn(pseudoniem)
    # What an ended consent was for goes with it (docs/bewaartermijnen.md); what an aanvraag
    # rests on stays with the aanvraag. Idempotent, so a retried revoke converges too.
    if not maandcheck or not enige:
        diensten.toestemmingen.vergeet(pseudoniem, stand=not maandcheck, rest=not enige)
    # One schedule exactly while some source is consented for the monthly check (both calls
    # are idempotent, so a retried request converges too).
    if maandcheck:
        diensten.planner.zet(pseudoniem)
    else:
        diensten.planner.verwijder(pseudoniem)
    # Who gave or revoked it, for the resident's log: a bewindvoerder may (docs/machtigingen.md).
    verwerking = "toestemming-gegeven" if doelen else "toestemming-ingetrokken"
    audit.vastleggen(diensten, pseudoniem, verwerking, principal, "toestemming", [bron.value])
    return toestemming


def bronnen_voor(diensten: Basisdiensten, pseudoniem: str, doel: Doel) -> dict[Bron, int]:
    """The sources the resident consented to for this purpose, with the version of each
    consent: what is kept of them is written only while those versions are current."""
    return {
        bron: toestemming.versie
        for bron, toestemming in diensten.toestemmingen.huidige(pseudoniem).items()
        if doel in toestemming.doelen
    }
