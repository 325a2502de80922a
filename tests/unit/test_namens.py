"""Acting for someone over in-memory fakes: which resident a request is about, and when the
caller may not act for them (vil.services.namens, docs/machtigingen.md). The same rules run over
HTTP for every route in tests/integration/test_machtigingen.py."""

from datetime import date, timedelta

import pytest

from tests.fakes import MOMENT, toestemmingdiensten
from vil.fouten import GeenRecht, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import (
    Machtiging,
    Machtigingbron,
    NieuweMachtiging,
    OrganisatieKvk,
    Recht,
    Vastgelegd,
    Vertegenwoordiging,
)
from vil.services import audit, machtigingen, namens
from vil.services.diensten import Toestemmingdiensten

ANNA = Principal(soort=Principalsoort.burger, pseudoniem="v1.anna", bsn_versleuteld="bsn-anna")
WIJKTEAM = Principal(
    soort=Principalsoort.hulpverlener, organisatie="kvk:90000017", medewerker="mw-1"
)
COLLEGA = WIJKTEAM.model_copy(update={"medewerker": "mw-2"})
ELDERS = WIJKTEAM.model_copy(update={"organisatie": "kvk:90000025"})
VANDAAG = MOMENT.date()  # 2026-06-15


def verleen(
    d: Toestemmingdiensten,
    rechten: list[Recht],
    medewerker: str | None = None,
    vanaf: date = VANDAAG,
    tot: date = VANDAAG + timedelta(days=10),
) -> str:
    verzoek = NieuweMachtiging(
        organisatie=OrganisatieKvk(kvk="90000017"),
        medewerker=medewerker,
        rechten=rechten,
        geldig_vanaf=vanaf,
        geldig_tot=tot,
    )
    return machtigingen.verleen(d, ANNA, verzoek).id


def test_without_a_machtiging_the_caller_is_the_resident() -> None:
    d = toestemmingdiensten()
    assert namens.betrokkene(d, ANNA, None, Recht.toestemming) is ANNA


def test_a_hulpverlener_acts_as_the_resident_with_who_and_under_what() -> None:
    d = toestemmingdiensten()
    machtiging = verleen(d, [Recht.inzien])
    wie = namens.betrokkene(d, WIJKTEAM, machtiging, Recht.inzien)
    assert (wie.soort, wie.pseudoniem, wie.bsn_versleuteld) == (
        Principalsoort.burger, "v1.anna", "bsn-anna"
    )  # fmt: skip
    assert wie.vertegenwoordiger == "hulpverlener:kvk:90000017:mw-1"
    assert wie.machtiging == machtiging
    assert audit.actor(wie) == "hulpverlener"
    assert audit.namens(wie) == {
        "vertegenwoordiger": "hulpverlener:kvk:90000017:mw-1",
        "machtiging": machtiging,
        "organisatie": "kvk:90000017",
    }


def test_any_one_of_the_rights_a_route_accepts_is_enough() -> None:
    d = toestemmingdiensten()
    machtiging = verleen(d, [Recht.meldingen_ontvangen])
    keuze = (Recht.inzien, Recht.meldingen_ontvangen)
    assert namens.betrokkene(d, WIJKTEAM, machtiging, keuze).pseudoniem == "v1.anna"
    with pytest.raises(GeenRecht):
        namens.betrokkene(d, WIJKTEAM, machtiging, Recht.inzien)


@pytest.mark.parametrize(
    ("wie", "medewerker"),
    [(ELDERS, None), (COLLEGA, "mw-1"), (ANNA, None)],
    ids=["another organisation", "another employee", "the resident by id"],
)
def test_who_does_not_hold_the_machtiging_gets_404(wie: Principal, medewerker: str | None) -> None:
    d = toestemmingdiensten()
    machtiging = verleen(d, [Recht.inzien], medewerker=medewerker)
    with pytest.raises(NietGevonden):
        namens.betrokkene(d, wie, machtiging, Recht.inzien)


def test_the_machtiging_is_read_again_on_every_request() -> None:
    d = toestemmingdiensten()
    machtiging = verleen(d, [Recht.inzien])
    namens.betrokkene(d, WIJKTEAM, machtiging, Recht.inzien)
    machtigingen.trek_in(d, ANNA, machtiging)
    with pytest.raises(NietGevonden):
        namens.betrokkene(d, WIJKTEAM, machtiging, Recht.inzien)


@pytest.mark.parametrize(
    ("vanaf", "tot"),
    [(VANDAAG + timedelta(days=1), VANDAAG + timedelta(days=5)),
     (VANDAAG - timedelta(days=5), VANDAAG - timedelta(days=1)),
     (VANDAAG, VANDAAG)],
    ids=["not yet", "ended", "today only"],
)  # fmt: skip
def test_a_machtiging_holds_only_within_its_dates(vanaf: date, tot: date) -> None:
    d = toestemmingdiensten()
    machtiging = Machtiging(
        id="m1", soort=Vertegenwoordiging.machtiging, bron=Machtigingbron.inwoner,
        organisatie=OrganisatieKvk(kvk="90000017"), medewerker=None, rechten=[Recht.inzien],
        geldig_vanaf=vanaf, geldig_tot=tot, verleend_op=MOMENT,
    )  # fmt: skip
    vastgelegd = Vastgelegd(
        pseudoniem="v1.anna", bsn_versleuteld="x", gemachtigde="kvk:90000017", machtiging=machtiging
    )
    d.machtigingen.leg_vast(vastgelegd)
    if vanaf <= VANDAAG <= tot:
        assert namens.betrokkene(d, WIJKTEAM, "m1", Recht.inzien).pseudoniem == "v1.anna"
    else:
        with pytest.raises(NietGevonden):
            namens.betrokkene(d, WIJKTEAM, "m1", Recht.inzien)


def test_a_hulpverlener_names_the_machtiging() -> None:
    with pytest.raises(OngeldigVerzoek) as fout:
        namens.betrokkene(toestemmingdiensten(), WIJKTEAM, None, Recht.inzien)
    assert fout.value.velden[0][0] == "header.X-Namens"


def test_digid_machtigen_acts_for_the_token_resident_and_never_gives_consent() -> None:
    d = toestemmingdiensten()
    zoon = Principal(
        soort=Principalsoort.burger,
        pseudoniem="v1.zoon",
        namens_pseudoniem="v1.anna",
        namens_bsn_versleuteld="bsn-anna",
    )
    wie = namens.betrokkene(d, zoon, None, Recht.aanvragen)
    assert (wie.pseudoniem, wie.bsn_versleuteld) == ("v1.anna", "bsn-anna")
    assert wie.vertegenwoordiger == "gemachtigde:v1.zoon"
    with pytest.raises(GeenRecht):
        namens.betrokkene(d, zoon, None, Recht.toestemming)
    with pytest.raises(OngeldigVerzoek):  # one machtiging per request
        namens.betrokkene(d, zoon, verleen(d, [Recht.inzien]), Recht.inzien)
    with pytest.raises(NietGeauthenticeerd):  # nor may they grant for Anna
        machtigingen.volmachtgever(zoon)
