"""A stored beslisverslag replays exactly: its household, provenance and peildatum, evaluated
again with the catalogue, give the stored outcome field for field (bezwaar, audit)."""

import os
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    GEZIN,
    IBAN,
    dien_in,
    herspeel,
    inwoner,
    nieuwe_bsn,
    toestemming,
)
from vil.adapters.dynamodb import Aanvragen, table
from vil.models.resultaat import Resultaat
from vil_local.lokaal import LokaleStack


@dataclass(frozen=True)
class Geval:
    zoals: str | None  # a test person the sources know, or None: corrections only
    correcties: dict[str, Any]
    peildatum: str | None = None


GEVALLEN = {
    "from the sources, Utrecht": Geval("999993653", AANVULLING),
    "facts in onderzoek": Geval("999990007", AANVULLING),
    "high income, Amersfoort": Geval("999999230", AANVULLING),
    "a family from corrections only": Geval(None, GEZIN, peildatum="2026-06-01"),
}


def aanvragen_voor_alles(api: httpx.Client, stack: LokaleStack, geval: Geval) -> list[str]:
    """A resident who applies for every regeling of their beoordeling; the aanvraag ids."""
    if geval.zoals is None:
        bsn = nieuwe_bsn()
    else:
        bsn = inwoner(stack, geval.zoals)
        toestemming(api, bsn)
    verzoek: dict[str, Any] = {"correcties": geval.correcties}
    if geval.peildatum:
        verzoek["peildatum"] = geval.peildatum
    response = api.post("/beoordelingen", json=verzoek, headers=burger(bsn))
    assert response.status_code == 201, response.text
    beoordeling = response.json()
    regelingen = [r["regeling"] for r in beoordeling["resultaten"]]
    ingediend = dien_in(
        api,
        bsn,
        {"beoordeling": beoordeling["id"], "regelingen": regelingen, "iban": IBAN},
        f"verslag-{bsn}",
    )
    assert ingediend.status_code == 201, ingediend.text
    aanvragen = ingediend.json()["aanvragen"]
    assert {a["regeling"] for a in aanvragen} == set(regelingen)
    # The gemeente decides what is in its queue: a second verslag, by the gemeente
    for aanvraag in aanvragen:
        if aanvraag["status"] == "in-behandeling":
            besluit = api.post(
                f"/aanvragen/{aanvraag['id']}/besluiten",
                json={"besluit": "afwijzen", "motivering": "Voor de test."},
                headers=gemeente(aanvraag["gemeentecode"]),
            )
            assert besluit.status_code == 200, besluit.text
    return [a["id"] for a in aanvragen]


@pytest.mark.parametrize("geval", GEVALLEN.values(), ids=GEVALLEN.keys())
def test_every_stored_beslisverslag_replays_exactly(
    api: httpx.Client, stack: LokaleStack, geval: Geval
) -> None:
    opslag = Aanvragen(table(os.environ["TABEL"]))
    aanvragen = aanvragen_voor_alles(api, stack, geval)

    verslagen = [v for aanvraag in aanvragen for v in opslag.beslisverslagen(aanvraag)]

    assert {v.aanvraag for v in verslagen} == set(aanvragen)
    assert any(v.door != "vil" for v in verslagen) or geval.zoals == "999999230"
    for verslag in verslagen:
        opnieuw = herspeel(verslag)
        assert opnieuw.regeling == verslag.regeling
        assert opnieuw.regelversie == verslag.regelversie
        for veld in Resultaat.model_fields:
            assert getattr(opnieuw, veld) == getattr(verslag.resultaat, veld), (
                verslag.regeling,
                veld,
            )
        assert opnieuw == verslag.resultaat


def test_the_replay_does_not_depend_on_the_sources_today(
    api: httpx.Client, stack: LokaleStack
) -> None:
    """The verslag keeps the facts: a source that changes afterwards changes no replay."""
    opslag = Aanvragen(table(os.environ["TABEL"]))
    bsn = inwoner(stack, "999993653")
    toestemming(api, bsn)
    beoordeling = api.post(
        "/beoordelingen", json={"correcties": AANVULLING}, headers=burger(bsn)
    ).json()
    body = {"beoordeling": beoordeling["id"], "regelingen": ["zorgtoeslag"]}
    (aanvraag,) = dien_in(api, bsn, body, f"bron-later-{bsn}").json()["aanvragen"]
    (verslag,) = opslag.beslisverslagen(aanvraag["id"])
    assert verslag.huishouden == beoordeling["huishouden"]
    assert verslag.herkomst["huishouden.aanvrager.toetsingsinkomen"].bron == "belastingdienst"

    stack.overheid.personen[bsn] = stack.overheid.personen[bsn].model_copy(
        update={"toetsingsinkomen": 90000}
    )
    later = api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=burger(bsn)).json()
    assert later["huishouden"]["aanvrager"]["toetsingsinkomen"] == "90000.00"

    (opnieuw,) = opslag.beslisverslagen(aanvraag["id"])
    assert herspeel(opnieuw) == verslag.resultaat
    assert verslag.resultaat.recht is True
