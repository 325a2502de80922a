"""The beschikking a resident reads: per regeling and outcome the legal basis, the remedy
(bezwaar or beroep), the body with its postal address, six weeks, and the gemeente's motivering.

The expected texts are written by hand from the sources named in the rule files (the laws on
wetten.overheid.nl, the bezwaar pages of the Dienst Toeslagen and the gemeenten), never copied
from the output.
"""

from datetime import date
from pathlib import Path

import pytest

from vil.models.aanvraag import AanvraagStatus
from vil.models.huishouden import Huishouden
from vil.models.resultaat import Resultaat
from vil.rules import Catalogus
from vil.services.aanvragen import beschikkingstekst

RULES = Path(__file__).resolve().parents[2] / "rules"
OP = date(2026, 3, 2)
TOEGEKEND, AFGEWEZEN = AanvraagStatus.toegekend, AanvraagStatus.afgewezen

TOESLAGEN = "Belastingdienst/Toeslagen, Postbus 4510, 6401 JA Heerlen."
UTRECHT = "Burgemeester en wethouders van de gemeente Utrecht, Postbus 16200, 3500 CE Utrecht."
AMERSFOORT = "Burgemeester en wethouders van Amersfoort, Postbus 4000, 3800 EA Amersfoort."
BUREN = "Burgemeester en wethouders van Buren, Postbus 23, 4020 BA Maurik."
RECHTER = "dan kunt u in beroep gaan bij de rechtbank."
GEEN_RECHTER = "Tegen de beslissing op uw beroep kunt u niet in beroep gaan bij de rechter."

KWIJTSCHELDING_GRONDSLAG = (
    "op grond van artikel 26 van de Invorderingswet 1990 (https://wetten.overheid.nl/BWBR0004770),"
    " de artikelen 11 tot en met 16 van de Uitvoeringsregeling Invorderingswet 1990"
    " (https://wetten.overheid.nl/BWBR0004766), artikel 255 van de Gemeentewet"
    " (https://wetten.overheid.nl/BWBR0005416) en de kwijtscheldingsregeling van de gemeente."
)

# regeling, gemeente, legal basis as the letter cites it, remedy phrase, address, what comes after
CASES = [
    (
        "kwijtschelding-gemeentelijke-belastingen",
        "0344",
        KWIJTSCHELDING_GRONDSLAG,
        "in beroep gaan bij " + UTRECHT,
        GEEN_RECHTER,
    ),
    (
        "kwijtschelding-gemeentelijke-belastingen",
        "0307",
        KWIJTSCHELDING_GRONDSLAG,
        "in beroep gaan bij " + AMERSFOORT,
        GEEN_RECHTER,
    ),
    (
        "kwijtschelding-gemeentelijke-belastingen",
        "0214",
        KWIJTSCHELDING_GRONDSLAG,
        "in beroep gaan bij " + BUREN,
        GEEN_RECHTER,
    ),
    (
        "individuele-inkomenstoeslag-utrecht",
        "0344",
        "op grond van artikel 36 van de Participatiewet (https://wetten.overheid.nl/BWBR0015703)"
        " en de Beleidsregels individuele inkomenstoeslag gemeente Utrecht.",
        "bezwaar maken bij " + UTRECHT,
        RECHTER,
    ),
    (
        "woonkostentoeslag-utrecht",
        "0344",
        "op grond van artikel 35 van de Participatiewet (https://wetten.overheid.nl/BWBR0015703)"
        " en de Richtlijnen bijzondere bijstand gemeente Utrecht"
        " (https://lokaleregelgeving.overheid.nl/CVDR625727).",
        "bezwaar maken bij " + UTRECHT,
        RECHTER,
    ),
    (
        "bijdrage-sport-en-cultuur-amersfoort",
        "0307",
        "op grond van het minimabeleid van de gemeente Amersfoort",
        "bezwaar maken bij " + AMERSFOORT,
        RECHTER,
    ),
    (
        "zorgtoeslag",
        None,
        "op grond van artikel 2 van de Wet op de zorgtoeslag (https://wetten.overheid.nl/BWBR0018451).",
        "bezwaar maken bij " + TOESLAGEN,
        RECHTER,
    ),
    (
        "huurtoeslag",
        None,
        "op grond van artikel 21 van de Wet op de huurtoeslag"
        " (https://wetten.overheid.nl/BWBR0008659).",
        "bezwaar maken bij " + TOESLAGEN,
        RECHTER,
    ),
    (
        "kindgebonden-budget",
        None,
        "op grond van artikel 2 van de Wet op het kindgebonden budget"
        " (https://wetten.overheid.nl/BWBR0022751).",
        "bezwaar maken bij " + TOESLAGEN,
        RECHTER,
    ),
]


@pytest.fixture(scope="module")
def catalogus() -> Catalogus:
    return Catalogus.from_directory(RULES)


def uitkomst(catalogus: Catalogus, regeling_id: str, recht: bool) -> Resultaat:
    """The result of the regeling's own test case with this outcome (the first one)."""
    regel = catalogus.regel(regeling_id, OP)
    case = next(c for c in regel.regeling.tests if c.verwacht.recht is recht)
    huishouden = Huishouden.model_validate(case.huishouden)
    (resultaat,) = catalogus.evaluate(
        huishouden, case.peildatum, regelingen=[regeling_id]
    ).resultaten
    assert resultaat.recht is recht
    return resultaat


def tekst(
    catalogus: Catalogus,
    regeling_id: str,
    gemeente: str | None,
    besluit: AanvraagStatus,
    motivering: str | None = None,
) -> str:
    regeling = catalogus.regel(regeling_id, OP).regeling
    resultaat = uitkomst(catalogus, regeling_id, besluit is TOEGEKEND)
    return beschikkingstekst(regeling, resultaat, besluit, OP, gemeente, motivering)


@pytest.mark.parametrize("besluit", [TOEGEKEND, AFGEWEZEN])
@pytest.mark.parametrize(("regeling_id", "gemeente", "grondslag", "rechtsmiddel", "daarna"), CASES)
def test_the_beschikking_names_its_legal_basis_remedy_body_address_and_six_weeks(
    catalogus: Catalogus,
    regeling_id: str,
    gemeente: str | None,
    grondslag: str,
    rechtsmiddel: str,
    daarna: str,
    besluit: AanvraagStatus,
) -> None:
    # When the beschikking is written for this regeling, gemeente and outcome
    brief = tekst(catalogus, regeling_id, gemeente, besluit)
    # Then it cites the legal basis, and says where, how and until when to contest it
    assert grondslag in brief
    assert f"Dan kunt u binnen zes weken na 2 maart 2026 {rechtsmiddel}" in brief
    assert brief.endswith(daarna)
    # And it never names a body without its address, nor garbles the citation
    assert "heffingsambtenaar" not in brief
    assert "; Uitvoeringsregeling" not in brief


def test_kwijtschelding_is_contested_by_beroep_not_bezwaar(catalogus: Catalogus) -> None:
    brief = tekst(catalogus, "kwijtschelding-gemeentelijke-belastingen", "0344", AFGEWEZEN)
    assert "in beroep gaan bij" in brief
    assert "bezwaar" not in brief


def test_a_granted_kwijtschelding_states_the_amount(catalogus: Catalogus) -> None:
    regeling_id = "kwijtschelding-gemeentelijke-belastingen"
    resultaat = uitkomst(catalogus, regeling_id, True)
    brief = tekst(catalogus, regeling_id, "0344", TOEGEKEND)
    assert resultaat.bedrag_eenmalig is not None
    euros = f"{int(float(resultaat.bedrag_eenmalig)):,}".replace(",", ".")
    assert f"U krijgt Kwijtschelding gemeentelijke belastingen: € {euros}," in brief


def test_a_refusal_without_motivering_gives_the_unmet_conditions(catalogus: Catalogus) -> None:
    regeling_id = "individuele-inkomenstoeslag-utrecht"
    resultaat = uitkomst(catalogus, regeling_id, False)
    redenen = [v.uitleg for v in resultaat.voorwaarden if v.voldaan is False]
    brief = tekst(catalogus, regeling_id, "0344", AFGEWEZEN)
    assert redenen
    assert all(reden in brief for reden in redenen)


@pytest.mark.parametrize("besluit", [TOEGEKEND, AFGEWEZEN])
def test_the_gemeentes_motivering_is_part_of_its_own_decision(
    catalogus: Catalogus, besluit: AanvraagStatus
) -> None:
    # Given a gemeente that decides with a motivering
    motivering = (
        "Uw inkomen is de afgelopen drie jaar laag geweest; zie het gesprek van 12 februari."
    )
    # When the beschikking is written
    brief = tekst(catalogus, "individuele-inkomenstoeslag-utrecht", "0344", besluit, motivering)
    # Then the motivering is in it, before the legal basis
    assert f"Toelichting van de gemeente: {motivering}" in brief
    assert brief.index(motivering) < brief.index("op grond van")
