"""Inzage (AVG art. 15): everything VIL stores about the resident, and who read it, when, why."""

from typing import Any

from vil.models.identiteit import Principal
from vil.services import audit
from vil.services.diensten import Diensten
from vil.services.toestemmingen import burger


def inzage(diensten: Diensten, principal: Principal) -> dict[str, Any]:
    pseudoniem = burger(principal)
    audit.vastleggen(diensten, pseudoniem, "inzage", principal, "inzage-betrokkene")
    opslag = diensten.opslag
    stand = opslag.stand(pseudoniem)
    return {
        "toestemmingen": [
            t.model_dump(mode="json", by_alias=True)
            for t in opslag.toestemmingen(pseudoniem).values()
        ],
        "bsnVersleuteldBewaard": opslag.bsn_bewaard(pseudoniem),
        "gegevens": opslag.gegevens(pseudoniem),
        "beoordelingen": [
            b.model_dump(mode="json", by_alias=True) for b in opslag.beoordelingen(pseudoniem)
        ],
        "aanvragen": [
            a.model_dump(mode="json", by_alias=True)
            for a in opslag.aanvragen_van_burger(pseudoniem)
        ],
        "meldingen": [
            m.model_dump(mode="json", by_alias=True) for m in opslag.meldingen(pseudoniem)
        ],
        "maandcheck": stand.model_dump(mode="json", by_alias=True) if stand else None,
        "verwerkingen": diensten.audit.van(pseudoniem),
    }
