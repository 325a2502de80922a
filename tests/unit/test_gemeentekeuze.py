"""A gemeente's own choice in a regeling of several gemeenten: the kwijtschelding's norm for the
kosten van bestaan, which each gemeente may set between 90% and 100% of the bijstandsnorm
(Uitvoeringsregeling Invorderingswet 1990 art. 16 lid 1; the rule file's `gemeentekeuze`).

The household is the rule file's own case for Amersfoort ("Woonlasten tellen pas boven de
normhuur"): alone, 45, € 1.600 net, woonlasten € 500, aanslag € 900, no vermogen. Its amounts
with a norm of 95%, by hand, with the 2026 figures the rule file cites (bijstandsnorm
alleenstaande € 1.401,50, Participatiewet art. 21 onder a; normhuur € 252,49, Wht art. 17 lid 2):
kosten van bestaan 95% × 1.401,50 = 1.331,425; woonlasten 500 − 252,49 = 247,51; capaciteit
1.600 − 1.331,425 − 247,51 = 21,065 per maand; 80% × 12 × 21,065 = 202,224; kwijtschelding
900 − 202,224 = 697,776 → € 697,78. With 90% (the default) the rule file says € 25,06.
"""

from datetime import date
from typing import Any

import pytest

from tests.fakes import beheerdiensten
from tests.unit.test_activering import JULI, Klok
from tests.unit.test_beheer import AMERSFOORT, EERSTE, KWIJTSCHELDING, TWEEDE
from vil.fouten import Conflict, NietGevonden, OngeldigVerzoek
from vil.models.beheer import (
    GoedkeuringRequest,
    TerugdraaiingRequest,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal, Principalsoort
from vil.models.resultaat import Resultaat
from vil.rules import Catalogus
from vil.services import beheer, impactrapport
from vil.services.diensten import Impactstartdiensten

NORM = "normpercentageKostenVanBestaan"
BRON = "Gemeenteblad 2026, 77777 (testwaarde)"
AMERSFOORT_TWEEDE = Principal(
    soort=Principalsoort.beheerder, gemeentecode="0307", medewerker="dirk"
)


def norm(waarde: str, parameter: str = NORM) -> dict[str, Any]:
    return {"parameter": parameter, "vanaf": JULI.isoformat(), "waarde": waarde, "bron": BRON,
            "status": "bevestigd"}  # fmt: skip


def voorstel(*waarden: dict[str, Any], **anders: Any) -> VersievoorstelRequest:
    return VersievoorstelRequest.model_validate({
        "ingangsdatum": JULI.isoformat(),
        "toelichting": "De raad koos een norm van 95% voor de kosten van bestaan.",
        "waarden": list(waarden) or [norm("95")],
        **anders,
    })  # fmt: skip


def huishouden(gemeentecode: str) -> Huishouden:
    return Huishouden.model_validate({
        "gemeentecode": gemeentecode,
        "aanvrager": {"geboortedatum": "1980-04-01", "vermogen": 0},
        "woning": {"nettoWoonlasten": 500},
        "nettoInkomenPerMaand": 1600,
        "gemeentelijkeBelastingen": 900,
    })  # fmt: skip


def kwijtschelding(diensten: Impactstartdiensten, gemeentecode: str, peildatum: date) -> Resultaat:
    evaluatie = diensten.catalogus.evaluate(huishouden(gemeentecode), peildatum, None,
                                            [KWIJTSCHELDING])  # fmt: skip
    (resultaat,) = evaluatie.resultaten
    return resultaat


def goedgekeurd(
    diensten: Impactstartdiensten, verzoek: VersievoorstelRequest, voorsteller: Principal,
    keurder: Principal,
) -> int:  # fmt: skip
    nummer = beheer.stel_voor(diensten, voorsteller, KWIJTSCHELDING, verzoek).versie
    beheer.wijzig_status(diensten, voorsteller, KWIJTSCHELDING, nummer,
                         VersiestatusRequest(status="ter-goedkeuring"))  # fmt: skip
    rapport = impactrapport.start(diensten, keurder, KWIJTSCHELDING, nummer)
    beheer.keur(
        diensten,
        keurder,
        KWIJTSCHELDING,
        nummer,
        GoedkeuringRequest.model_validate(
            {"besluit": "goedkeuren", "impactrapport": {"id": rapport.id, "hash": rapport.hash}}
        ),
    )
    return nummer


@pytest.fixture
def diensten(catalogus: Catalogus) -> Impactstartdiensten:
    return beheerdiensten(catalogus, Klok())


def test_the_rule_file_marks_the_norm_as_the_gemeentes_choice_and_the_rest_read_only(
    catalogus: Catalogus,
) -> None:
    regeling = catalogus.regel(KWIJTSCHELDING, JULI).regeling
    keuze = regeling.parameters[NORM].gemeentekeuze
    assert keuze is not None
    assert (keuze.minimum, keuze.maximum) == (90, 100)
    assert beheer.keuzes(regeling) == [NORM]
    # A regeling of one gemeente: every parameter of its own is the gemeente's
    iit = catalogus.regel("individuele-inkomenstoeslag-utrecht", JULI).regeling
    assert beheer.keuzes(iit) == list(iit.parameters)


def test_a_gemeentes_norm_applies_to_its_residents_from_its_ingangsdatum_only(
    diensten: Impactstartdiensten,
) -> None:
    voor = kwijtschelding(diensten, "0344", JULI)
    assert (voor.recht, voor.bedrag_eenmalig) == (True, "25.06")

    goedgekeurd(diensten, voorstel(), EERSTE, TWEEDE)

    # Utrecht's residents: 95% from 1 July, 90% the day before (the past is not rewritten)
    assert kwijtschelding(diensten, "0344", JULI).bedrag_eenmalig == "697.78"
    assert kwijtschelding(diensten, "0344", date(2026, 6, 30)).bedrag_eenmalig == "25.06"
    # Amersfoort and Buren keep the default of 90%
    assert kwijtschelding(diensten, "0307", JULI).bedrag_eenmalig == "25.06"
    assert kwijtschelding(diensten, "0214", JULI).bedrag_eenmalig == "25.06"
    # The value is stored as Utrecht's own, next to the general one
    regeling = diensten.catalogus.regel(KWIJTSCHELDING, JULI).regeling
    eigen = [w for w in regeling.parameters[NORM].waarden if w.gemeente == "0344"]
    assert [(w.vanaf, w.waarde) for w in eigen] == [(JULI, 95)]
    assert regeling.parameters[NORM].gemeentekeuze is not None  # carried over to the version


def test_two_gemeenten_each_set_their_own_norm(diensten: Impactstartdiensten) -> None:
    goedgekeurd(diensten, voorstel(), EERSTE, TWEEDE)
    goedgekeurd(diensten, voorstel(norm("100")), AMERSFOORT, AMERSFOORT_TWEEDE)

    assert kwijtschelding(diensten, "0344", JULI).bedrag_eenmalig == "697.78"
    # 100% × 1.401,50 leaves no capacity (1.600 − 1.401,50 − 247,51 < 0): the whole aanslag
    assert kwijtschelding(diensten, "0307", JULI).bedrag_eenmalig == "900.00"
    assert kwijtschelding(diensten, "0214", JULI).bedrag_eenmalig == "25.06"


@pytest.mark.parametrize("waarde", ["89.99", "100.01", "0"])
def test_a_norm_outside_the_laws_90_to_100_percent_is_refused(
    diensten: Impactstartdiensten, waarde: str
) -> None:
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, KWIJTSCHELDING, voorstel(norm(waarde)))
    assert fout.value.velden == [("body.waarden.0.waarde", "buiten 90..100 (procent)")]


def test_the_regelings_other_parameters_and_the_rijks_are_read_only(
    diensten: Impactstartdiensten,
) -> None:
    verzoek = voorstel(
        norm("95"),
        norm("260", "normhuurMinimumInkomensijkpunt"),
        norm("1500", "bijstandsnormAlleenstaande"),
        eigenVerklaring=["gemeentelijkeBelastingen"],
    )
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, KWIJTSCHELDING, verzoek)
    assert [veld for veld, _ in fout.value.velden] == [
        "body.eigenVerklaring", "body.waarden.1.parameter", "body.waarden.2.parameter",
    ]  # fmt: skip
    assert "geen keuze van de gemeente" in fout.value.velden[1][1]
    assert "wettelijke parameter" in fout.value.velden[2][1]


def test_a_gemeente_cannot_touch_another_gemeentes_version(
    diensten: Impactstartdiensten,
) -> None:
    nummer = beheer.stel_voor(diensten, EERSTE, KWIJTSCHELDING, voorstel()).versie
    # Amersfoort's beheerders see their own versions of the shared regeling only
    assert beheer.versies(diensten, AMERSFOORT, KWIJTSCHELDING) == []
    with pytest.raises(NietGevonden):
        beheer.versie(diensten, AMERSFOORT, KWIJTSCHELDING, nummer)
    with pytest.raises(NietGevonden):
        beheer.wijzig_status(diensten, AMERSFOORT, KWIJTSCHELDING, nummer,
                             VersiestatusRequest(status="ingetrokken"))  # fmt: skip
    # A gemeente outside the regeling has no such regeling at all
    elders = Principal(soort=Principalsoort.beheerder, gemeentecode="0363", medewerker="eva")
    with pytest.raises(NietGevonden):
        beheer.stel_voor(diensten, elders, KWIJTSCHELDING, voorstel())


def test_a_test_case_of_the_gemeente_that_the_new_norm_changes_must_be_superseded(
    diensten: Impactstartdiensten,
) -> None:
    # From 1 March the rule file's Utrecht cases on 1 March 2026 see 95%: one of them fails
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.stel_voor(diensten, EERSTE, KWIJTSCHELDING, VersievoorstelRequest.model_validate({
            "ingangsdatum": "2026-03-01", "toelichting": "95%",
            "waarden": [{**norm("95"), "vanaf": "2026-03-01"}],
        }))  # fmt: skip
    assert fout.value.velden
    assert all(veld.startswith("body.tests.") for veld, _ in fout.value.velden)


def test_a_rollback_in_a_shared_regeling_brings_back_the_gemeentes_own_previous_values(
    diensten: Impactstartdiensten,
) -> None:
    # Utrecht's version 1 (95%), then Amersfoort's version 1 (100%): both numbered 1
    goedgekeurd(diensten, voorstel(), EERSTE, TWEEDE)
    amersfoort = goedgekeurd(diensten, voorstel(norm("100")), AMERSFOORT, AMERSFOORT_TWEEDE)
    # Utrecht cannot roll back under Amersfoort's later version
    terug = TerugdraaiingRequest(ingangsdatum=date(2026, 8, 1), toelichting="Toch 90%.")
    with pytest.raises(Conflict):
        beheer.draai_terug(diensten, EERSTE, KWIJTSCHELDING, 1, terug)
    # Amersfoort rolls back its own version 1, not Utrecht's (the chain knows whose it is)
    versie = beheer.draai_terug(diensten, AMERSFOORT, KWIJTSCHELDING, amersfoort, terug)
    voorgesteld = beheer.catalogus_met(diensten, versie)
    assert voorgesteld.regel(KWIJTSCHELDING, terug.ingangsdatum).versie == versie.regelversie
    huishoudens = {code: huishouden(code) for code in ("0344", "0307")}
    bedragen = {
        code: voorgesteld.evaluate(h, terug.ingangsdatum, None, [KWIJTSCHELDING])
        .resultaten[0]
        .bedrag_eenmalig
        for code, h in huishoudens.items()
    }
    assert bedragen == {"0344": "697.78", "0307": "25.06"}
