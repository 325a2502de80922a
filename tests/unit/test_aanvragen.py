"""Submission and decision over in-memory fakes: who decides, how long a period blocks a new
aanvraag, and idempotency. The same flows run over HTTP in tests/integration; what a beschikking
says is in test_beschikking.py."""

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from tests.conftest import ROOT
from tests.fakes import FakeAanvragen, aanvraagdiensten
from vil.fouten import AndereInhoud, Conflict, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling
from vil.models.api import DecideRequest, SubmitRequest
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal, Principalsoort
from vil.models.resultaat import FeitHerkomst, HerkomstSoort, Resultaat
from vil.rules import Catalogus
from vil.services import aanvragen
from vil.services.diensten import Aanvraagdiensten

KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"  # Utrecht, Amersfoort, Buren
ZORGTOESLAG = "zorgtoeslag"  # a rijksregeling: forwarded
SPORT = "bijdrage-sport-en-cultuur-amersfoort"  # one gemeente
ANNA = Principal(soort=Principalsoort.burger, pseudoniem="v1.anna", bsn_versleuteld="x")
UTRECHT = Principal(soort=Principalsoort.gemeente, gemeentecode="0344")
IBAN = "NL91ABNA0417164300"
VOORBEELD = json.loads(
    (ROOT / "docs/voorbeelden/1-alleenstaande-utrecht.json").read_text(encoding="utf-8")
)
PEILDATUM = date.fromisoformat(VOORBEELD["peildatum"])
OPGEHAALD = datetime(2026, 5, 31, 8, 0, tzinfo=UTC)


def beoordeling(
    catalogus: Catalogus, uit_bronnen: bool = True, gemeentecode: str = "0344"
) -> Beoordeling:
    """The example resident of Utrecht: every fact from a source, or every fact declared."""
    huishouden = VOORBEELD["huishouden"] | {"gemeentecode": gemeentecode}
    herkomst = (
        {"huishouden": FeitHerkomst(bron="brp", soort=HerkomstSoort.opgehaald,
                                    opgehaald_op=OPGEHAALD)}
        if uit_bronnen
        else {}
    )  # fmt: skip
    evaluatie = catalogus.evaluate(Huishouden.model_validate(huishouden), PEILDATUM, herkomst)
    return Beoordeling(
        id=uuid.uuid4().hex,
        peildatum=PEILDATUM,
        huishouden=huishouden,
        herkomst=herkomst,
        ontbrekende_bronnen={},
        regelset_versie="test",
        resultaten=evaluatie.resultaten,
        aangemaakt_op=OPGEHAALD,
    )


@pytest.fixture
def diensten(catalogus: Catalogus) -> Aanvraagdiensten:
    return aanvraagdiensten(catalogus)


def dien_in(
    diensten: Aanvraagdiensten, b: Beoordeling, *regelingen: str, sleutel: str = "sleutel-1"
) -> dict[str, Aanvraag]:
    assert ANNA.pseudoniem is not None
    diensten.beoordelingen.bewaar_beoordeling(ANNA.pseudoniem, b, {})
    verzoek = SubmitRequest(beoordeling=b.id, regelingen=list(regelingen), iban=IBAN)
    antwoord = aanvragen.dien_in(diensten, ANNA, verzoek, sleutel)
    return {a.regeling: a for a in antwoord.aanvragen}


def resultaat(b: Beoordeling, regeling: str) -> Resultaat:
    return next(r for r in b.resultaten if r.regeling == regeling)


# Who decides.


def test_a_sure_right_from_source_facts_is_granted_by_vil_for_the_residents_gemeente(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    b = beoordeling(catalogus)
    kwijtschelding = resultaat(b, KWIJTSCHELDING)
    assert kwijtschelding.recht is True
    assert not kwijtschelding.indicatief

    aanvraag = dien_in(diensten, b, KWIJTSCHELDING)[KWIJTSCHELDING]

    assert aanvraag.status is AanvraagStatus.toegekend
    assert aanvraag.gemeentecode == "0344"
    assert aanvraag.beschikking is not None
    assert aanvraag.beschikking.besluit is AanvraagStatus.toegekend
    assert aanvraag.beschikking.datum == diensten.vandaag()
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    assert [e.type for e in diensten.aanvragen.outbox] == ["nl.vil.aanvraag.toegekend"]
    (verslag,) = diensten.aanvragen.beslisverslagen(aanvraag.id)
    assert (verslag.door, verslag.uitkomst) == ("vil", AanvraagStatus.toegekend)


def test_the_same_right_from_declared_facts_waits_for_the_gemeente(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus, uit_bronnen=False), KWIJTSCHELDING)[
        KWIJTSCHELDING
    ]

    assert aanvraag.status is AanvraagStatus.in_behandeling
    assert aanvraag.gemeentecode == "0344"
    assert aanvraag.beschikking is None


def test_a_rijksregeling_is_forwarded_to_its_uitvoerder_and_never_decided(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus), ZORGTOESLAG)[ZORGTOESLAG]

    regeling = catalogus.regel(ZORGTOESLAG, PEILDATUM).regeling
    assert aanvraag.status is AanvraagStatus.doorgestuurd
    assert aanvraag.gemeentecode is None
    assert aanvraag.doorsturen_naar == regeling.toekenning.aanvraag_url
    assert aanvraag.beschikking is None


def test_a_regeling_of_several_gemeenten_goes_to_the_one_the_resident_lives_in(
    catalogus: Catalogus,
) -> None:
    regeling = catalogus.regel(KWIJTSCHELDING, PEILDATUM).regeling
    assert aanvragen.behandelaar(regeling, beoordeling(catalogus, gemeentecode="0307")) == "0307"


def test_a_regeling_of_several_gemeenten_is_refused_to_a_resident_of_none_of_them(
    catalogus: Catalogus,
) -> None:
    regeling = catalogus.regel(KWIJTSCHELDING, PEILDATUM).regeling
    with pytest.raises(OngeldigVerzoek) as fout:
        aanvragen.behandelaar(regeling, beoordeling(catalogus, gemeentecode="0363"))
    assert fout.value.velden == [
        ("body.regelingen", f"'{KWIJTSCHELDING}' hoort niet bij uw woongemeente")
    ]


def test_a_regeling_of_one_gemeente_goes_to_that_gemeente(catalogus: Catalogus) -> None:
    regeling = catalogus.regel(SPORT, PEILDATUM).regeling
    assert aanvragen.behandelaar(regeling, beoordeling(catalogus)) == next(iter(regeling.gemeenten))


def test_a_gemeente_decides_what_waits_for_it_and_the_resident_gets_a_beschikking(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus, uit_bronnen=False), KWIJTSCHELDING)[
        KWIJTSCHELDING
    ]

    besloten = aanvragen.besluit(
        diensten, UTRECHT, aanvraag.id, DecideRequest(besluit="afwijzen", motivering="Te laat.")
    )

    assert besloten.status is AanvraagStatus.afgewezen
    assert besloten.beschikking is not None
    assert "Te laat." in besloten.beschikking.tekst
    with pytest.raises(Conflict):  # decided once
        aanvragen.besluit(
            diensten,
            UTRECHT,
            aanvraag.id,
            DecideRequest(besluit="toekennen", motivering="Akkoord."),
        )


def test_another_gemeente_does_not_see_the_aanvraag(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus, uit_bronnen=False), KWIJTSCHELDING)[
        KWIJTSCHELDING
    ]
    buren = Principal(soort=Principalsoort.gemeente, gemeentecode="0214")
    with pytest.raises(NietGevonden):
        aanvragen.besluit(
            diensten, buren, aanvraag.id, DecideRequest(besluit="toekennen", motivering="Akkoord.")
        )


# Periods.


@pytest.mark.parametrize(
    ("regeling", "peildatum", "eind"),
    [
        (KWIJTSCHELDING, date(2026, 6, 1), date(2027, 1, 1)),  # kalenderjaar
        (KWIJTSCHELDING, date(2026, 12, 31), date(2027, 1, 1)),
        ("individuele-inkomenstoeslag-utrecht", date(2026, 6, 1), date(2027, 6, 1)),  # 12 months
        ("individuele-inkomenstoeslag-utrecht", date(2028, 2, 29), date(2029, 3, 1)),
    ],
)
def test_an_aanvraag_blocks_a_new_one_until_its_period_ends(
    catalogus: Catalogus, regeling: str, peildatum: date, eind: date
) -> None:
    regel = catalogus.regel(regeling, date(2026, 6, 1)).regeling
    assert aanvragen.periode_eind(regel, peildatum) == eind


def test_a_second_aanvraag_in_the_same_period_is_refused_and_nothing_is_written(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    dien_in(diensten, beoordeling(catalogus), KWIJTSCHELDING, ZORGTOESLAG)
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    eerder = dict(diensten.aanvragen.opgeslagen)

    with pytest.raises(Conflict) as fout:
        dien_in(diensten, beoordeling(catalogus), KWIJTSCHELDING, ZORGTOESLAG, sleutel="s-2")

    assert sorted(fout.value.regelingen) == sorted([KWIJTSCHELDING, ZORGTOESLAG])
    assert diensten.aanvragen.opgeslagen == eerder


def test_a_withdrawn_aanvraag_frees_its_period(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus, uit_bronnen=False), KWIJTSCHELDING)[
        KWIJTSCHELDING
    ]
    aanvragen.trek_in(diensten, ANNA, aanvraag.id)

    opnieuw = dien_in(diensten, beoordeling(catalogus), KWIJTSCHELDING, sleutel="s-2")

    assert opnieuw[KWIJTSCHELDING].status is AanvraagStatus.toegekend


# Idempotency.


def test_the_same_key_and_request_get_the_first_answer_and_write_once(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    b = beoordeling(catalogus)
    eerste = dien_in(diensten, b, KWIJTSCHELDING)
    tweede = dien_in(diensten, b, KWIJTSCHELDING)
    assert tweede == eerste
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    assert len(diensten.aanvragen.opgeslagen) == 1


def test_the_same_key_with_another_request_is_refused(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    b = beoordeling(catalogus)
    dien_in(diensten, b, KWIJTSCHELDING)
    with pytest.raises(AndereInhoud):
        dien_in(diensten, b, ZORGTOESLAG)
