"""The beheermodule over in-memory fakes: a version of Utrecht's IIT parameters proposed,
checked like a rule file (with its test cases), submitted, and approved by a second beheerder;
scope, the four-eyes rule and every refusal.

The amounts proposed here (€ 290 for a single person from 2026) are test values, not Utrecht's:
what is checked is that the version's amount is the one the regeling then computes, which is
known by construction (the IIT pays the parameter's amount to a single person under the limit).
"""

from datetime import date
from typing import Any

import pytest

from tests.fakes import FakeAuditlog, beheerdiensten
from vil.fouten import Conflict, GeenToestemming, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.beheer import (
    GoedkeuringRequest,
    Versiestatus,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.models.identiteit import Principal, Principalsoort
from vil.rules import Catalogus
from vil.services import beheer, impactrapport
from vil.services.diensten import Beheerdiensten, Impactstartdiensten

IIT = "individuele-inkomenstoeslag-utrecht"
KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"
SPORT = "bijdrage-sport-en-cultuur-amersfoort"
EERSTE = Principal(soort=Principalsoort.beheerder, gemeentecode="0344", medewerker="anne")
TWEEDE = Principal(soort=Principalsoort.beheerder, gemeentecode="0344", medewerker="bram")
AMERSFOORT = Principal(soort=Principalsoort.beheerder, gemeentecode="0307", medewerker="cor")
GOEDKEUREN = GoedkeuringRequest(besluit="goedkeuren")
# The rule file's case that expects € 276 (the 2024 amount) on 1 March 2026
GEVAL_ALLEENSTAANDE = (
    "Een alleenstaande met drie jaar een laag inkomen krijgt € 276, indicatief omdat het bedrag"
    " van 2024 is"
)
GEVALLEN_2026 = (
    GEVAL_ALLEENSTAANDE,
    "Eén maand met een te hoog inkomen in het laatste jaar breekt de drie jaar niet",
)


def waarde(bedrag: str = "290", parameter: str = "bedragAlleenstaande") -> dict[str, Any]:
    return {
        "parameter": parameter,
        "vanaf": "2026-01-01",
        "waarde": bedrag,
        "bron": "Gemeenteblad 2026, 12345 (testwaarde)",
        "status": "bevestigd",
    }


def vervangend_geval(
    catalogus: Catalogus, bedrag: str, naam: str = GEVAL_ALLEENSTAANDE
) -> dict[str, Any]:
    """A case of the rule file for a single person, now expecting the proposed amount."""
    regeling = catalogus.regel(IIT, date(2026, 3, 1)).regeling
    geval = next(t for t in regeling.tests if t.naam == naam)
    document = geval.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document["bron"] = "Gemeenteblad 2026, 12345 (testwaarde)"
    document["verwacht"] = {"recht": True, "bedragEenmalig": bedrag}
    return document


def vervangende_gevallen(catalogus: Catalogus, bedrag: str) -> list[dict[str, Any]]:
    """Both cases of the rule file that pay a single person on a peildatum in 2026."""
    return [vervangend_geval(catalogus, bedrag, naam) for naam in GEVALLEN_2026]


def voorstel(catalogus: Catalogus, bedrag: str = "290", **anders: Any) -> VersievoorstelRequest:
    return VersievoorstelRequest.model_validate(
        {
            "ingangsdatum": "2026-01-01",
            "toelichting": "De bedragen van 2026, vastgesteld door het college.",
            "waarden": [waarde(bedrag)],
            "tests": vervangende_gevallen(catalogus, f"{bedrag}.00"),
            **anders,
        }
    )


@pytest.fixture
def diensten(catalogus: Catalogus) -> Impactstartdiensten:
    return beheerdiensten(catalogus)


def gezien(diensten: Impactstartdiensten, versie: int) -> GoedkeuringRequest:
    """An approval that names a finished impact report of the version (the approver's run)."""
    rapport = impactrapport.start(diensten, TWEEDE, IIT, versie)
    verwijzing = {"id": rapport.id, "hash": rapport.hash}
    return GoedkeuringRequest.model_validate({"besluit": "goedkeuren", "impactrapport": verwijzing})


def test_a_proposal_that_passes_every_check_is_a_concept_with_its_own_rule_version(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    versie = beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus))

    assert (versie.versie, versie.status) == (1, Versiestatus.concept)
    assert versie.voorgesteld_door == "anne"
    assert versie.regelversie != catalogus.regel(IIT, date(2026, 1, 1)).versie
    assert [h.handeling for h in versie.geschiedenis] == ["voorgesteld"]
    assert beheer.versies(diensten, EERSTE, IIT) == [versie]
    assert isinstance(diensten.audit, FakeAuditlog)
    (record,) = diensten.audit.records
    assert (record["verwerking"], record["actor"]) == (
        "regelingversie-voorgesteld",
        "beheerder:0344:anne",
    )


def test_a_proposal_that_breaks_a_test_case_of_the_rule_file_is_refused_naming_it(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    zonder_geval = voorstel(catalogus, tests=[])

    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, IIT, zonder_geval)

    assert fout.value.velden == [
        (f"body.tests.{naam}", "bedrag_eenmalig: verwacht 276.00, kreeg 290.00")
        for naam in GEVALLEN_2026
    ]
    assert beheer.versies(diensten, EERSTE, IIT) == []


def test_a_superseding_case_with_a_wrong_amount_is_refused_too(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    # The proposal says € 290, the beheerder's case € 300: the rules compute 290
    verkeerd = voorstel(catalogus, tests=vervangende_gevallen(catalogus, "300.00"))
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, IIT, verkeerd)
    assert any("verwacht 300.00, kreeg 290.00" in reden for _, reden in fout.value.velden)


def test_values_the_gemeente_cannot_propose_are_each_named(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    verzoek = voorstel(
        catalogus,
        waarden=[
            waarde(parameter="bijstandsnormAlleenstaande"),  # the Rijk's, shared
            waarde(parameter="bestaatNiet"),
            {**waarde(), "vanaf": "2025-01-01"},  # before the ingangsdatum
            {**waarde(parameter="inkomensgrensPercentage"), "waarde": "5000"},  # a percentage
        ],
    )
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, IIT, verzoek)
    assert fout.value.velden == [
        ("body.waarden.0.parameter", "een wettelijke parameter (Rijk, gedeeld): alleen te lezen"),
        ("body.waarden.1.parameter", f"'{IIT}' heeft geen eigen parameter 'bestaatNiet'"),
        ("body.waarden.2.vanaf", "ligt voor de ingangsdatum 2026-01-01"),
        ("body.waarden.3.waarde", "buiten 0..1000 (procent)"),
    ]


def test_a_beheerder_of_another_gemeente_cannot_touch_the_regeling(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    with pytest.raises(NietGevonden):
        beheer.stel_voor(diensten, AMERSFOORT, IIT, voorstel(catalogus))
    versie = beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus))
    with pytest.raises(NietGevonden):
        beheer.versies(diensten, AMERSFOORT, IIT)
    with pytest.raises(NietGevonden):
        beheer.keur(
            diensten, AMERSFOORT, IIT, versie.versie, GoedkeuringRequest(besluit="goedkeuren")
        )


def test_in_a_regeling_of_several_gemeenten_only_the_gemeentes_choices_are_changed(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    with pytest.raises(OngeldigVerzoek):
        beheer.stel_voor(diensten, EERSTE, KWIJTSCHELDING, voorstel(catalogus, tests=[]))


@pytest.mark.parametrize(
    ("wie", "fout"),
    [
        (Principal(), NietGeauthenticeerd),
        (Principal(soort=Principalsoort.gemeente, gemeentecode="0344"), GeenToestemming),
        (Principal(soort=Principalsoort.beheerder, gemeentecode="0344"), GeenToestemming),
    ],
)
def test_only_a_beheerder_with_a_medewerker_id_acts(
    diensten: Beheerdiensten, catalogus: Catalogus, wie: Principal, fout: type[Exception]
) -> None:
    with pytest.raises(fout):
        beheer.stel_voor(diensten, wie, IIT, voorstel(catalogus))


def test_four_eyes_the_proposer_submits_and_another_beheerder_approves(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    versie = beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus))
    indienen = VersiestatusRequest(status="ter-goedkeuring")
    goedkeuren = GOEDKEUREN
    with pytest.raises(Conflict):  # a concept is not yet for approval
        beheer.keur(diensten, TWEEDE, IIT, versie.versie, goedkeuren)
    with pytest.raises(GeenToestemming):  # only the proposer submits
        beheer.wijzig_status(diensten, TWEEDE, IIT, versie.versie, indienen)
    beheer.wijzig_status(diensten, EERSTE, IIT, versie.versie, indienen)
    with pytest.raises(GeenToestemming):  # never the proposer
        beheer.keur(diensten, EERSTE, IIT, versie.versie, goedkeuren)

    met_rapport = gezien(diensten, versie.versie)
    goedgekeurd = beheer.keur(diensten, TWEEDE, IIT, versie.versie, met_rapport)

    # its ingangsdatum is past: in force from the day of approval (the past is not rewritten)
    assert goedgekeurd.status is Versiestatus.actief
    assert goedgekeurd.in_werking_vanaf == date(2026, 6, 15)
    assert goedgekeurd.goedgekeurd_door == "bram"
    assert goedgekeurd.impactrapport == met_rapport.impactrapport
    assert [(h.handeling, h.door) for h in goedgekeurd.geschiedenis] == [
        ("voorgesteld", "anne"),
        ("ingediend", "anne"),
        ("goedgekeurd", "bram"),
    ]
    assert beheer.versie(diensten, EERSTE, IIT, versie.versie) == goedgekeurd
    with pytest.raises(Conflict):  # decided once
        beheer.keur(
            diensten, TWEEDE, IIT, versie.versie, GoedkeuringRequest(besluit="afkeuren", reden="x")
        )


def test_a_rejection_needs_a_reason_and_a_withdrawn_version_is_done(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    eerste = beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus))
    beheer.wijzig_status(diensten, EERSTE, IIT, 1, VersiestatusRequest(status="ter-goedkeuring"))
    with pytest.raises(OngeldigVerzoek):
        beheer.keur(diensten, TWEEDE, IIT, 1, GoedkeuringRequest(besluit="afkeuren"))
    afgekeurd = beheer.keur(
        diensten, TWEEDE, IIT, 1, GoedkeuringRequest(besluit="afkeuren", reden="Bron ontbreekt.")
    )
    assert afgekeurd.status is Versiestatus.afgekeurd
    assert afgekeurd.geschiedenis[-1].reden == "Bron ontbreekt."

    tweede = beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus, bedrag="295"))
    assert tweede.versie == eerste.versie + 1
    ingetrokken = beheer.wijzig_status(
        diensten, EERSTE, IIT, tweede.versie, VersiestatusRequest(status="ingetrokken")
    )
    assert ingetrokken.status is Versiestatus.ingetrokken
    with pytest.raises(Conflict):
        beheer.wijzig_status(
            diensten, EERSTE, IIT, tweede.versie, VersiestatusRequest(status="ter-goedkeuring")
        )
    assert [v.versie for v in beheer.versies(diensten, EERSTE, IIT)] == [2, 1]


def test_a_test_case_not_written_as_in_a_rule_file_is_refused_with_each_error(
    diensten: Beheerdiensten, catalogus: Catalogus
) -> None:
    geval = {"naam": "Zonder bron en peildatum", "huishouden": {}, "verwacht": {"recht": True}}
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, IIT, voorstel(catalogus, tests=[geval]))
    assert sorted(veld for veld, _ in fout.value.velden) == [
        "body.tests.0.bron",
        "body.tests.0.peildatum",
    ]
