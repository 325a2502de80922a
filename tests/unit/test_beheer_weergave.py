"""The beheer pages' presentation without a stack: the impact page's table and chart from the
real computation (tests/unit/test_impact.py's population, whose answer is known), and the
proposal form read into the API's request with each error at its field."""

import re
from datetime import date
from types import SimpleNamespace

from tests.unit.test_impact import IIT, PEILDATUM, bevolking, met_waarde
from vil.loket.beheer import Formulier, bij_velden, lees
from vil.loket.web import Fout, omgeving
from vil.loket.weergave import euro
from vil.rules import Catalogus
from vil.services.impact import EMMERS, impact

# A version already decided: its impact page offers no run
BESLOTEN = SimpleNamespace(versie=3, status=SimpleNamespace(value="goedgekeurd"))


def impactpagina(catalogus: Catalogus, rapport: object) -> str:
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    return omgeving.get_template("beheer-impact.html").render(
        basis="", pad="/beheer/", regeling=regeling, versie=BESLOTEN,
        rapport=rapport, impactrapport=None, emmers=EMMERS, namen={IIT: regeling.naam}, euro=euro,
    )  # fmt: skip


def tekst(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_impact_page_shows_the_computed_report_as_table_and_chart(
    catalogus: Catalogus,
) -> None:
    # € 276 -> € 290 for a single person: 12 eligible single persons, each more than +5%
    voorgesteld = met_waarde(catalogus, "bedragAlleenstaande", "290")
    rapport = impact(catalogus, voorgesteld, bevolking(catalogus), PEILDATUM, [IIT])

    html = impactpagina(catalogus, rapport)

    inhoud = tekst(html)
    assert "Huishoudens bekeken 26" in inhoud
    assert "Kosten per jaar erbij € 168,00" in inhoud
    assert "Krijgen recht (winnaars) niet getoond" in inhoud  # 0 is below k, never shown
    assert "meer dan +5% 12" in inhoud
    # 3 couples are below k; the 23 single persons would follow from the total: both hidden
    assert "alleenstaand niet getoond niet getoond niet getoond niet getoond" in inhoud
    assert "paar zonder kinderen niet getoond niet getoond niet getoond niet getoond" in inhoud
    assert "tot 1500 15 niet getoond niet getoond € 168,00" in inhoud
    # The chart: one bar per bucket, the full width for the largest, none for a hidden count
    assert re.findall(r'<rect [^>]*width="([\d.]+)"', html) == ["260.0", "0.0", "0.0", "0.0", "0.0"]
    assert 'role="img"' in html


def test_without_a_report_the_page_shows_no_figure(catalogus: Catalogus) -> None:
    html = impactpagina(catalogus, None)

    assert "Er is nog geen impactrapport van deze versie in beeld" in html
    assert "Bereken de impact" not in html  # the version is decided: no run
    assert "<svg" not in html
    assert "<table" not in html


def test_the_form_becomes_the_apis_request_with_dutch_numbers_and_dates(
    catalogus: Catalogus,
) -> None:
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    formulier = Formulier(
        ingangsdatum="01-01-2027",
        waarden={"bedragAlleenstaande": "1.290,50", "inkomensgrensPercentage": "112,125"},
        bron="Gemeenteblad 2027, 1", status="onbevestigd", reden="nog niet gepubliceerd",
        toelichting="De bedragen van 2027.",
    )  # fmt: skip

    voorstel, fouten = lees(formulier, regeling)

    assert fouten == []
    assert voorstel is not None
    assert voorstel.ingangsdatum == date(2027, 1, 1)
    assert [(w.parameter, str(w.waarde), w.vanaf) for w in voorstel.waarden] == [
        ("bedragAlleenstaande", "1290.50", date(2027, 1, 1)),
        ("inkomensgrensPercentage", "112.125", date(2027, 1, 1)),
    ]
    waarde = voorstel.waarden[0]
    assert (waarde.status.value, waarde.reden) == ("onbevestigd", "nog niet gepubliceerd")


def test_the_services_errors_go_to_their_fields(catalogus: Catalogus) -> None:
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    formulier = Formulier(waarden={"bedragAlleenstaande": "", "bedragGehuwden": "99999999"})

    fouten = bij_velden([
        ("body.waarden.0.waarde", "buiten 0..10000000 (euro)"),
        ("body.waarden.0.parameter", "een wettelijke parameter (Rijk, gedeeld): alleen te lezen"),
        ("body", "het regelbestand laadt niet"),
        ("path.regeling_id", "een regeling van meerdere gemeenten"),
    ], formulier, regeling)  # fmt: skip

    assert fouten == [
        Fout("", "een regeling van meerdere gemeenten"),  # about the whole: first, unlinked
        Fout("waarden", "het regelbestand laadt niet"),
        Fout("waarde-bedragGehuwden", "buiten 0..10000000 (euro)"),
        Fout("waarde-bedragGehuwden",
             "een wettelijke parameter (Rijk, gedeeld): alleen te lezen"),
    ]  # fmt: skip


def test_extra_cases_are_yaml_and_their_errors_name_the_case(catalogus: Catalogus) -> None:
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    basis = {"ingangsdatum": "01-01-2027", "waarden": {"bedragAlleenstaande": "290"},
             "bron": "Gemeenteblad 2027, 1", "status": "bevestigd",
             "toelichting": "2027."}  # fmt: skip

    _, fouten = lees(Formulier(**basis, extra="naam: [niet, af"), regeling)
    assert [f.veld for f in fouten] == ["extra"]
    voorstel, _ = lees(Formulier(**basis, extra="- naam: Een nieuw geval\n  bron: x\n"), regeling)
    assert voorstel is not None
    assert voorstel.tests == [{"naam": "Een nieuw geval", "bron": "x"}]
    # the service then names the case's missing fields by its place in the list
    assert bij_velden([("body.tests.0.verwacht", "Field required")], Formulier(**basis),
                      regeling) == [Fout("extra", "testgeval 1: Field required")]  # fmt: skip
