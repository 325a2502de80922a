"""Inzage (AVG art. 15): everything VIL stores about the resident, and who read it, when, why."""

from typing import Any

from vil.models.aanvraag import BEWAARTERMIJN
from vil.models.identiteit import Principal
from vil.services import audit
from vil.services.diensten import Basisdiensten
from vil.services.toestemmingen import burger

# Why each kind of record is kept and until when, in plain Dutch (docs/bewaartermijnen.md).
BEWAARTERMIJNEN = {
    "toestemmingen": "Elke versie blijft bewaard als bewijs van wat u toestond en introk.",
    "bsnVersleuteldBewaard": "Zolang u ergens toestemming voor geeft; daarna meteen verwijderd.",
    "gegevens": "Zolang u toestemming geeft voor die bron; daarna meteen verwijderd.",
    "beoordelingen": (
        "Een beoordeling waarop een aanvraag rust, blijft bij die aanvraag. Een andere wordt"
        " verwijderd op de datum bij bewaardTot, of meteen als u alle toestemming intrekt."
    ),
    "aanvragen": (
        "Een aanvraag met haar besluit bewaart de gemeente volgens de Archiefwet, ook als u uw"
        " toestemming intrekt."
    ),
    "meldingen": (
        f"{BEWAARTERMIJN.days} dagen na de maandcheck die ze vond, of korter: ze worden meteen"
        " verwijderd als u alle toestemming intrekt."
    ),
    "maandcheck": "Zolang u toestemming geeft voor de maandcheck; daarna meteen verwijderd.",
    "verwerkingen": "In het logboek van verwerkingen, dat niemand kan wijzigen of verwijderen.",
}


def _wie_namens(record: dict[str, Any]) -> str:
    """Who acted for the resident in an audit record by a representative, in plain words."""
    soort, _, rest = str(record["vertegenwoordiger"]).partition(":")
    if soort == "hulpverlener":
        organisatie, _, medewerker = rest.rpartition(":")
        nummer = organisatie.replace("kvk:", "KvK-nummer ").replace("oin:", "OIN ")
        return f"Medewerker {medewerker} van de organisatie met {nummer}"
    if record.get("machtiging") == "digid-machtigen":
        return "Iemand die u via DigiD Machtigen machtigde"
    return "Uw wettelijk vertegenwoordiger of gemachtigde"


def _namens_u(record: dict[str, Any]) -> dict[str, Any]:
    """'Wie namens u wat deed': an audit record by a representative."""
    return {
        "wie": _wie_namens(record),
        "wat": record["verwerking"],
        "doel": record["doel"],
        "machtiging": record.get("machtiging") or "",
        "tijd": record["tijd"],
    }


def inzage(diensten: Basisdiensten, principal: Principal) -> dict[str, Any]:
    pseudoniem = burger(principal)
    audit.vastleggen(diensten, pseudoniem, "inzage", principal, "inzage-betrokkene")
    d = diensten
    verwerkingen = diensten.audit.van(pseudoniem)
    stand = d.maandchecks.stand(pseudoniem)
    aanvragen = d.aanvragen.aanvragen_van_burger(pseudoniem)
    gebruikt = {a.beoordeling for a in aanvragen}
    return {
        "toestemmingen": [
            t.model_dump(mode="json", by_alias=True)
            for t in d.toestemmingen.huidige(pseudoniem).values()
        ],
        "bsnVersleuteldBewaard": d.profielen.bsn_bewaard(pseudoniem),
        "gegevens": d.brongegevens.gegevens(pseudoniem),
        "beoordelingen": [
            {
                **b.model_dump(mode="json", by_alias=True),
                "bewaardTot": None
                if b.id in gebruikt
                else (b.aangemaakt_op + BEWAARTERMIJN).date().isoformat(),
            }
            for b in d.beoordelingen.beoordelingen(pseudoniem)
        ],
        "aanvragen": [a.model_dump(mode="json", by_alias=True) for a in aanvragen],
        "meldingen": [
            m.model_dump(mode="json", by_alias=True) for m in d.maandchecks.meldingen(pseudoniem)
        ],
        "maandcheck": stand.model_dump(mode="json", by_alias=True) if stand else None,
        "verwerkingen": verwerkingen,
        "namensU": [_namens_u(v) for v in verwerkingen if v.get("vertegenwoordiger")],
        "bewaartermijnen": BEWAARTERMIJNEN,
    }


def verwerkingen(
    diensten: Basisdiensten, principal: Principal, cursor: str | None, limiet: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Who read my data, a page at a time, newest first, and the next page's cursor: the audit
    trail grows with every read, so the loket's page reads one page of it, not the whole trail
    that `inzage` gives. Reading it is itself recorded, as `inzage` records it."""
    pseudoniem = burger(principal)
    audit.vastleggen(diensten, pseudoniem, "inzage", principal, "inzage-betrokkene")
    pagina, volgende = diensten.audit.pagina(pseudoniem, cursor, limiet)
    for record in pagina:
        if record.get("vertegenwoordiger"):
            record["namens"] = _wie_namens(record)
    return pagina, volgende
