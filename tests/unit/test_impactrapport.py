"""The impact report of a version over in-memory fakes: a run over the gemeente's stored
households (frozen once per version), the synthetic population, small runs in the request and
large ones by message, scope, and the approval that names the report.

The population's answer is known by construction, as in test_impact.py: twelve copies of the IIT
rule file's single person (eligible on 1 March 2026 at € 276, the 2024 amount) and eleven of the
same person at € 3.000 a month (never eligible). The proposed € 290 from 1 March 2026 is a test
value: each of the twelve gets € 14 more, more than +5%.
"""

import copy
import hashlib
import json
import logging
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.fakes import FakeImpactrapporten, FakeWachtrij, beheerdiensten
from tests.unit.test_beheer import EERSTE, GEVAL_ALLEENSTAANDE, TWEEDE, vervangende_gevallen
from vil.fouten import Conflict, NietGevonden, OngeldigVerzoek
from vil.models.beheer import (
    GoedkeuringRequest,
    ImpactBericht,
    Impactstatus,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.models.identiteit import Principal, Principalsoort
from vil.rules import Catalogus
from vil.services import beheer, impactrapport, synthetisch
from vil.services.diensten import Impactstartdiensten

IIT = "individuele-inkomenstoeslag-utrecht"
AMERSFOORT = Principal(soort=Principalsoort.beheerder, gemeentecode="0307", medewerker="cor")
BSN = "999993653"
VINGERAFDRUK = "10b1b6d7d957bab4898dd6d71af81b44fb7efb707731b70261364c098ea5d014"


def bevolking(catalogus: Catalogus) -> list[tuple[str, dict[str, Any]]]:
    regeling = catalogus.regel(IIT, date(2026, 3, 1)).regeling
    alleen = next(t for t in regeling.tests if t.naam == GEVAL_ALLEENSTAANDE).huishouden
    rijk = copy.deepcopy(alleen)
    rijk["inkomenshistorie"] = [{**m, "nettoInkomen": 3000} for m in alleen["inkomenshistorie"]]
    return [(f"pseudo-{i:02d}", alleen if i < 12 else rijk) for i in range(23)]


@pytest.fixture(autouse=True)
def kleiner(monkeypatch: pytest.MonkeyPatch) -> None:
    """A smaller synthetic population: the same draw, its first 200 households."""
    monkeypatch.setattr(synthetisch, "AANTAL", 200)


@pytest.fixture
def diensten(catalogus: Catalogus) -> Impactstartdiensten:
    diensten = beheerdiensten(catalogus)
    assert isinstance(diensten.impactrapporten, FakeImpactrapporten)
    diensten.impactrapporten.bewoners["0344"] = bevolking(catalogus)
    return diensten


def versie(diensten: Impactstartdiensten, catalogus: Catalogus) -> int:
    """A version of € 290 for a single person from 1 March 2026, submitted for approval."""
    gevallen = vervangende_gevallen(catalogus, "290.00")
    verzoek = VersievoorstelRequest.model_validate({
        "ingangsdatum": "2026-03-01", "toelichting": "Test.", "tests": gevallen,
        "waarden": [{"parameter": "bedragAlleenstaande", "vanaf": "2026-03-01", "waarde": "290",
                     "bron": "testwaarde", "status": "bevestigd"}],
    })  # fmt: skip
    nummer = beheer.stel_voor(diensten, EERSTE, IIT, verzoek).versie
    beheer.wijzig_status(
        diensten, EERSTE, IIT, nummer, VersiestatusRequest(status="ter-goedkeuring")
    )
    return nummer


def test_a_small_run_finishes_in_the_request_with_the_known_figures(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    rapport = impactrapport.start(diensten, TWEEDE, IIT, versie(diensten, catalogus))

    assert rapport.status is Impactstatus.klaar
    assert rapport.momentopname is not None
    assert rapport.momentopname.huishoudens == 23
    assert rapport.regelingen is not None
    cijfers = rapport.regelingen[IIT]
    assert cijfers["huishoudens"] == 23
    assert Decimal(cijfers["jaarkostenVerschil"]) == 12 * (290 - 276)
    assert cijfers["bedragen"]["meer dan +5%"] == 12
    assert cijfers["gewonnen"] is None
    assert cijfers["verloren"] is None  # 0: below k
    assert rapport.hash == impactrapport.rapporthash(rapport)
    assert rapport.hash is not None
    assert rapport.hash.startswith("sha256:")
    assert diensten.impactrapporten.rapport(IIT, "0344", rapport.versie, rapport.id) == rapport


def test_every_run_of_a_version_reads_the_same_frozen_households(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    nummer = versie(diensten, catalogus)
    eerste = impactrapport.start(diensten, TWEEDE, IIT, nummer)
    assert isinstance(diensten.impactrapporten, FakeImpactrapporten)
    diensten.impactrapporten.bewoners["0344"] += bevolking(catalogus)  # residents evaluated since

    tweede = impactrapport.start(diensten, EERSTE, IIT, nummer)

    assert eerste.id != tweede.id
    assert eerste.momentopname is not None
    assert tweede.momentopname == eerste.momentopname
    assert tweede.regelingen == eerste.regelingen


def test_the_snapshot_and_the_report_hold_no_bsn_and_no_pseudonym(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    nummer = versie(diensten, catalogus)
    rapport = impactrapport.start(diensten, TWEEDE, IIT, nummer)

    bevroren = diensten.impactrapporten.momentopname(IIT, "0344", nummer, diensten.nu())
    assert bevroren is not None
    tekst = json.dumps(bevroren[1], default=str) + rapport.model_dump_json()
    assert "pseudo-" not in tekst
    assert BSN not in tekst
    # Each resident whose household was frozen has an audit record under their pseudonym
    assert diensten.audit.van("pseudo-00")[0]["verwerking"] == "impact-momentopname"


def test_few_stored_households_add_a_synthetic_population_reported_apart(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    rapport = impactrapport.start(diensten, TWEEDE, IIT, versie(diensten, catalogus))

    assert rapport.synthetisch is not None
    assert rapport.synthetisch.huishoudens == synthetisch.AANTAL
    assert rapport.synthetisch.seed == synthetisch.seed("0344", date(2026, 3, 1))
    assert rapport.synthetisch.regelingen[IIT]["huishoudens"] == synthetisch.AANTAL
    assert rapport.regelingen is not None
    assert rapport.regelingen[IIT]["huishoudens"] == 23


def test_the_synthetic_population_is_the_same_for_the_same_seed_and_differs_per_gemeente() -> None:
    een = synthetisch.bevolking("0344", date(2026, 3, 1), 200)
    twee = synthetisch.bevolking("0344", date(2026, 3, 1), 200)
    ander = synthetisch.bevolking("0307", date(2026, 3, 1), 200)

    assert [h.model_dump() for h in een] == [h.model_dump() for h in twee]
    assert [h.model_dump() for h in een] != [h.model_dump() for h in ander]
    assert {h.gemeentecode for h in een} == {"0344"}
    # The draw's fingerprint: a change of the generator or its seed shows here (and in the
    # synthetic figures of every report), so it is made on purpose and documented
    tekst = json.dumps([h.model_dump(mode="json") for h in een], sort_keys=True)
    assert hashlib.sha256(tekst.encode()).hexdigest() == VINGERAFDRUK


def test_a_large_run_continues_by_message_and_the_worker_finishes_it(
    diensten: Impactstartdiensten, catalogus: Catalogus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(impactrapport, "SYNCHROON", 10)
    nummer = versie(diensten, catalogus)

    lopend = impactrapport.start(diensten, TWEEDE, IIT, nummer)

    assert lopend.status is Impactstatus.lopend
    assert lopend.momentopname is None
    assert isinstance(diensten.impactwachtrij, FakeWachtrij)
    (bericht,) = diensten.impactwachtrij.berichten
    assert BSN not in bericht
    assert "pseudo-" not in bericht
    klaar = impactrapport.bereken(diensten, ImpactBericht.model_validate_json(bericht))
    assert klaar is not None
    assert klaar.status is Impactstatus.klaar
    assert impactrapport.haal(diensten, TWEEDE, IIT, nummer, lopend.id) == klaar
    # The same message again leaves the finished report as it is
    assert impactrapport.bereken(diensten, ImpactBericht.model_validate_json(bericht)) == klaar


def test_a_failed_run_says_so(
    diensten: Impactstartdiensten, catalogus: Catalogus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(impactrapport, "SYNCHROON", 10)
    nummer = versie(diensten, catalogus)
    lopend = impactrapport.start(diensten, TWEEDE, IIT, nummer)
    bericht = ImpactBericht(regeling=IIT, gemeentecode="0344", versie=nummer, rapport=lopend.id)

    impactrapport.mislukt(diensten, bericht, "De berekening mislukte.")

    gevonden = impactrapport.haal(diensten, TWEEDE, IIT, nummer, lopend.id)
    assert (gevonden.status, gevonden.fout) == (Impactstatus.mislukt, "De berekening mislukte.")


def test_another_gemeente_sees_no_report_and_a_decided_version_gets_no_run(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    nummer = versie(diensten, catalogus)
    rapport = impactrapport.start(diensten, TWEEDE, IIT, nummer)
    with pytest.raises(NietGevonden):
        impactrapport.haal(diensten, AMERSFOORT, IIT, nummer, rapport.id)
    with pytest.raises(NietGevonden):
        impactrapport.start(diensten, AMERSFOORT, IIT, nummer)
    with pytest.raises(NietGevonden):
        impactrapport.haal(diensten, TWEEDE, IIT, nummer, "0" * 32)
    beheer.keur(diensten, TWEEDE, IIT, nummer,
                GoedkeuringRequest(besluit="afkeuren", reden="Nee."))  # fmt: skip
    with pytest.raises(Conflict):
        impactrapport.start(diensten, TWEEDE, IIT, nummer)


def test_the_approval_names_a_finished_report_of_the_version_with_its_hash(
    diensten: Impactstartdiensten, catalogus: Catalogus, monkeypatch: pytest.MonkeyPatch
) -> None:
    nummer = versie(diensten, catalogus)
    andere = versie(diensten, catalogus)
    klaar = impactrapport.start(diensten, TWEEDE, IIT, nummer)
    van_andere = impactrapport.start(diensten, TWEEDE, IIT, andere)
    monkeypatch.setattr(impactrapport, "SYNCHROON", 10)
    lopend = impactrapport.start(diensten, TWEEDE, IIT, nummer)

    def keur(rapport_id: str, hash_: str | None) -> object:
        verzoek = GoedkeuringRequest.model_validate(
            {"besluit": "goedkeuren", "impactrapport": {"id": rapport_id, "hash": hash_}}
        )
        return beheer.keur(diensten, TWEEDE, IIT, nummer, verzoek)

    with pytest.raises(OngeldigVerzoek) as fout:  # no report named
        beheer.keur(diensten, TWEEDE, IIT, nummer, GoedkeuringRequest(besluit="goedkeuren"))
    assert [veld for veld, _ in fout.value.velden] == ["body.impactrapport"]
    with pytest.raises(Conflict):  # still running
        keur(lopend.id, "sha256:" + "0" * 64)
    with pytest.raises(Conflict):  # a report of another version
        keur(van_andere.id, van_andere.hash)
    with pytest.raises(Conflict):  # not the hash the report has
        keur(klaar.id, "sha256:" + "0" * 64)
    assert klaar.hash is not None

    verzoek = GoedkeuringRequest.model_validate(
        {"besluit": "goedkeuren", "impactrapport": {"id": klaar.id, "hash": klaar.hash}}
    )
    goedgekeurd = beheer.keur(diensten, TWEEDE, IIT, nummer, verzoek)

    assert goedgekeurd.impactrapport is not None
    assert (goedgekeurd.impactrapport.id, goedgekeurd.impactrapport.hash) == (klaar.id, klaar.hash)
    assert beheer.versie(diensten, EERSTE, IIT, nummer).impactrapport == goedgekeurd.impactrapport


def test_a_very_large_run_fans_out_in_groups_and_the_last_adds_them_up(
    diensten: Impactstartdiensten,
    catalogus: Catalogus,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="vil")
    heel = impactrapport.start(diensten, TWEEDE, IIT, versie(diensten, catalogus))
    monkeypatch.setattr(impactrapport, "SYNCHROON", 10)
    monkeypatch.setattr(impactrapport, "PER_DEEL", 5)  # 23 households: 5 parts
    monkeypatch.setattr(impactrapport, "PER_GROEP", 2)  # 3 groups of at most 2 parts
    nummer = versie(diensten, catalogus)
    lopend = impactrapport.start(diensten, TWEEDE, IIT, nummer)
    assert isinstance(diensten.impactwachtrij, FakeWachtrij)
    (opdracht,) = diensten.impactwachtrij.berichten
    impactrapport.bereken(diensten, ImpactBericht.model_validate_json(opdracht))
    groepen = [ImpactBericht.model_validate_json(b) for b in diensten.impactwachtrij.berichten[1:]]
    assert [(g.groep, g.groepen) for g in groepen] == [(0, 3), (1, 3), (2, 3)]

    tussen = [impactrapport.bereken(diensten, groepen[0]) for _ in range(2)]  # twice: counts once
    assert {r.status for r in tussen if r} == {Impactstatus.lopend}
    impactrapport.bereken(diensten, groepen[2])
    klaar = impactrapport.bereken(diensten, groepen[1])

    assert klaar is not None
    assert klaar.status is Impactstatus.klaar
    assert klaar.id == lopend.id
    assert klaar.regelingen == heel.regelingen  # the same figures as one run over all 23
    assert klaar.synthetisch is None  # the groups count real households only
    # and each group's worker logged how many households it decided, in how much CPU time
    beslist = [r.__dict__ for r in caplog.records if r.getMessage() == "Impactgroep beslist"]
    assert sorted(r["huishoudens"] for r in beslist) == [3, 10, 10, 10]  # the first one twice
    assert {r["regelingen"] for r in beslist} == {len(klaar.regelingen)}
    assert all(isinstance(r["cpu_ms"], int) and r["cpu_ms"] >= 0 for r in beslist)


def test_the_impact_covers_the_regelingen_that_read_the_outcome_of_the_version_s_regeling() -> None:
    """A gemeente regeling (the proef regeling: a tenth of the room under its grens, per year)
    and a rijksregeling that pays half of its outcome (afgeleid, `afhankelijkVan: [proef]`).
    Twelve households in Utrecht with € 10.000: under a grens of € 20.000 proef gives € 1.000
    and afgeleid € 500; under € 30.000 from 1 July proef gives € 2.000 and afgeleid € 1.000. So
    both count twelve raises of more than +5%, proef € 12.000 a year more, afgeleid € 6.000."""
    from tests.proefregeling import SHARED, VALID
    from tests.unit.test_afhankelijkheden import afgeleid

    proef = {**copy.deepcopy(VALID), "soort": "gemeente", "gemeenten": {"0344": "Utrecht"}}
    proef["tests"][0]["huishouden"]["gemeentecode"] = "0344"
    catalogus = Catalogus.from_data(
        SHARED, [("rules/proef.yaml", proef), ("rules/afgeleid.yaml", afgeleid())]
    )
    diensten = beheerdiensten(catalogus)
    assert isinstance(diensten.impactrapporten, FakeImpactrapporten)
    huishouden = {"gemeentecode": "0344", "aanvrager": {"toetsingsinkomen": 10000}}
    diensten.impactrapporten.bewoners["0344"] = [(f"p{i}", huishouden) for i in range(12)]
    verzoek = VersievoorstelRequest.model_validate({
        "ingangsdatum": "2026-07-01", "toelichting": "Een hogere grens.",
        "waarden": [{"parameter": "grens", "vanaf": "2026-07-01", "waarde": "30000",
                     "bron": "Gemeenteblad 2026, 1 (testwaarde)", "status": "bevestigd"}],
    })  # fmt: skip
    versie = beheer.stel_voor(diensten, EERSTE, "proef", verzoek)
    assert impactrapport.gedekte_regelingen(catalogus, versie) == ["proef", "afgeleid"]

    rapport = impactrapport.start(diensten, TWEEDE, "proef", versie.versie)

    assert rapport.regelingen is not None
    cijfers = {
        regeling: (r["huishoudens"], r["bedragen"]["meer dan +5%"], r["jaarkostenVerschil"])
        for regeling, r in rapport.regelingen.items()
    }
    assert cijfers == {"proef": (12, 12, "12000.00"), "afgeleid": (12, 12, "6000.00")}
