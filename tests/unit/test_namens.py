"""Acting for someone over in-memory fakes: which resident a request is about, and when the
caller may not act for them (vil.services.namens, docs/machtigingen.md). The same rules run over
HTTP for every route in tests/integration/test_machtigingen.py."""

from datetime import date, timedelta

import pytest

from tests.fakes import MOMENT, FakeMaandchecks, FakeRegister, toestemmingdiensten
from vil.fouten import (
    Conflict,
    GeenRecht,
    NietBeschikbaar,
    NietGeauthenticeerd,
    NietGevonden,
    OngeldigVerzoek,
)
from vil.models.identiteit import Principal, Principalsoort
from vil.models.maandcheck import Melding, MeldingSoort
from vil.models.machtiging import (
    Machtiging,
    Machtigingbron,
    NieuweMachtiging,
    OrganisatieKvk,
    Recht,
    Registratie,
    Vastgelegd,
    Vertegenwoordiging,
)
from vil.services import audit, machtigingen, meldingen, namens
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


# Wettelijke vertegenwoordiging: the register's entry, read on every request.

BEWINDKANTOOR = Principal(
    soort=Principalsoort.hulpverlener, organisatie="kvk:90000029", medewerker="bw-1"
)
ZUS = Principal(soort=Principalsoort.burger, pseudoniem="v1.p999990135", bsn_versleuteld="z")


def inschrijf(
    d: Toestemmingdiensten,
    soort: Vertegenwoordiging,
    organisaties: tuple[str, ...] = ("kvk:90000029",),
    personen: tuple[str, ...] = (),
    tot: date | None = None,
) -> str:
    """A register entry for Anna's BSN (999993653); the X-Namens of it."""
    register = d.register
    assert isinstance(register, FakeRegister)
    nummer = str(202600001 + len(register.inschrijvingen))
    register.inschrijvingen[nummer] = Registratie(
        registratienummer=nummer, soort=soort, betrokkene_bsn="999993653",
        vertegenwoordigers_bsn=personen, vertegenwoordigers_organisatie=organisaties,
        ingangsdatum=VANDAAG - timedelta(days=100), einddatum=tot,
    )  # fmt: skip
    return f"ccbr-{nummer}"


def test_a_bewindvoerder_acts_under_the_register_without_a_stored_machtiging() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.bewind)
    wie = namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.toestemming)
    assert (wie.pseudoniem, wie.machtiging) == ("v1.p999993653", machtiging)
    assert d.sleutels.ontsleutel(wie.bsn_versleuteld or "") == "999993653"
    assert wie.vertegenwoordiger == "hulpverlener:kvk:90000029:bw-1"
    # Stored with the law's rights, so the resident sees it and cannot revoke it (409)
    (gegeven,) = machtigingen.lijst(
        d, ANNA.model_copy(update={"pseudoniem": "v1.p999993653"}), None, 10
    )[0]
    assert (gegeven.id, gegeven.bron, gegeven.soort) == (
        machtiging, Machtigingbron.ccbr, Vertegenwoordiging.bewind
    )  # fmt: skip
    assert gegeven.rechten == sorted(Recht)
    assert gegeven.geldig_tot is None
    # Every read of the register is audited for the resident, naming the bewindvoerder
    (record,) = [r for r in d.audit.van("v1.p999993653") if r["verwerking"] == "register-gelezen"]
    assert record["vertegenwoordiger"] == "hulpverlener:kvk:90000029:bw-1"
    assert record["bronnen"] == ["ccbr"]


def test_the_register_decides_on_every_request() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.curatele)
    namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.inzien)
    register = d.register
    assert isinstance(register, FakeRegister)
    nummer = machtiging.removeprefix("ccbr-")
    eind = VANDAAG - timedelta(days=1)
    register.inschrijvingen[nummer] = register.inschrijvingen[nummer].model_copy(
        update={"einddatum": eind}
    )
    with pytest.raises(NietGevonden):
        namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.inzien)
    assert register.gelezen == 2
    # The stored copy follows, so the caseload leaves it out
    assert d.machtigingen.haal(machtiging).machtiging.geldig_tot == eind  # type: ignore[union-attr]
    assert machtigingen.clienten(d, BEWINDKANTOOR, None, 10) == ([], None)


@pytest.mark.parametrize(
    "wie",
    [ELDERS, WIJKTEAM, ANNA, ZUS.model_copy(update={"pseudoniem": "v1.p999990068"})],
    ids=["another office", "the wijkteam", "the resident", "another person"],
)
def test_who_the_register_does_not_name_gets_404_and_the_read_is_audited(wie: Principal) -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.bewind, personen=("999990135",))
    with pytest.raises(NietGevonden):
        namens.betrokkene(d, wie, machtiging, Recht.inzien)
    (record,) = d.audit.van("v1.p999993653")
    assert (record["verwerking"], record["resultaat"]) == ("register-gelezen", "geweigerd")
    assert "vertegenwoordiger" not in record or not record["vertegenwoordiger"]
    assert d.machtigingen.haal(machtiging) is None


@pytest.mark.parametrize("machtiging", ["ccbr-", "ccbr-12", "ccbr-202699999", "ccbr-../x"])
def test_an_unknown_or_malformed_register_number_is_404(machtiging: str) -> None:
    d = toestemmingdiensten()
    with pytest.raises(NietGevonden):
        namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.inzien)


def test_a_person_in_the_register_acts_with_their_own_digid() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.bewind, organisaties=(), personen=("999990135",))
    assert namens.betrokkene(d, ZUS, machtiging, Recht.aanvragen).pseudoniem == "v1.p999993653"
    assert d.machtigingen.haal(machtiging).gemachtigde == "persoon:v1.p999990135"  # type: ignore[union-attr]
    # ... and then has the resident among their clients
    (client,) = machtigingen.clienten(d, ZUS, None, 10)[0]
    assert (client.machtiging, client.soort) == (machtiging, Vertegenwoordiging.bewind)


def test_a_mentor_has_no_rights_in_vil() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(
        d, Vertegenwoordiging.mentorschap, organisaties=(), personen=("999990135",)
    )
    for recht in Recht:
        with pytest.raises(GeenRecht):
            namens.betrokkene(d, ZUS, machtiging, recht)


def test_a_register_that_does_not_answer_is_503_not_404() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.bewind)
    register = d.register
    assert isinstance(register, FakeRegister)
    register.storing = True
    with pytest.raises(NietBeschikbaar):
        namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.inzien)


def test_a_register_machtiging_ends_in_the_register_not_in_vil() -> None:
    d = toestemmingdiensten()
    machtiging = inschrijf(d, Vertegenwoordiging.bewind)
    namens.betrokkene(d, BEWINDKANTOOR, machtiging, Recht.inzien)
    anna = ANNA.model_copy(update={"pseudoniem": "v1.p999993653"})
    with pytest.raises(Conflict):
        machtigingen.trek_in(d, anna, machtiging)


# Paging: GET /v1/machtigingen (both lists by one cursor) and GET /v1/meldingen.


def test_a_residents_two_lists_are_paged_by_one_cursor() -> None:
    d = toestemmingdiensten()
    gegeven = [verleen(d, [Recht.inzien]) for _ in range(3)]
    # Anna also holds one machtiging herself: the register names her as bewindvoerder
    register = d.register
    assert isinstance(register, FakeRegister)
    register.inschrijvingen["202600077"] = Registratie(
        registratienummer="202600077", soort=Vertegenwoordiging.bewind,
        betrokkene_bsn="999990135", vertegenwoordigers_bsn=("999993653",),
        ingangsdatum=VANDAAG,
    )  # fmt: skip
    anna = ANNA.model_copy(update={"pseudoniem": "v1.p999993653"})
    for machtiging_id in gegeven:  # the fakes' pseudonym of Anna's BSN gave them
        vastgelegd = d.machtigingen.haal(machtiging_id)
        assert vastgelegd is not None
        d.machtigingen.leg_vast(vastgelegd.model_copy(update={"pseudoniem": anna.pseudoniem}))
    namens.betrokkene(d, anna, "ccbr-202600077", Recht.inzien)
    paginas = []
    cursor = None
    while True:
        eigen, gehouden, cursor = machtigingen.lijst(d, anna, cursor, 2)
        paginas.append(([m.id for m in eigen], [m.id for m in gehouden]))
        if cursor is None:
            break
    nieuwste = sorted(gegeven, reverse=True)  # granted at one moment: by id
    assert paginas == [(nieuwste[:2], ["ccbr-202600077"]), (nieuwste[2:], [])]
    for fout in ("x", "a.", ".b", "a.b.c"):
        with pytest.raises(OngeldigVerzoek):
            machtigingen.lijst(d, anna, fout, 2)


def test_a_hulpverlener_pages_what_the_organisation_holds_for_them() -> None:
    d = toestemmingdiensten()
    voor_mij = verleen(d, [Recht.inzien], medewerker="mw-1")
    verleen(d, [Recht.inzien], medewerker="mw-2")
    organisatie = verleen(d, [Recht.inzien])
    eigen, eerste, cursor = machtigingen.lijst(d, WIJKTEAM, None, 1)
    assert eigen == []
    assert cursor is not None
    assert cursor.startswith("~.")  # a hulpverlener gives nothing: that list is done
    _, tweede, cursor = machtigingen.lijst(d, WIJKTEAM, cursor, 1)
    assert cursor is None
    # Granted at one moment, so newest first is by id; mw-2's is not for mw-1
    assert [m.id for m in eerste + tweede] == sorted([voor_mij, organisatie], reverse=True)


def test_meldingen_are_paged_newest_first() -> None:
    d = toestemmingdiensten()
    maandchecks = d.maandchecks
    assert isinstance(maandchecks, FakeMaandchecks)
    maandchecks.gemeld["v1.anna"] = [
        Melding(id=f"m{i}", soort=MeldingSoort.gegevens_gewijzigd, regeling=None,
                tekst=f"melding {i}", aangemaakt=MOMENT - timedelta(days=i))
        for i in range(5)
    ]  # fmt: skip
    gezien: list[str] = []
    cursor = None
    while True:
        pagina, cursor = meldingen.lijst(d, ANNA, cursor, 2)
        gezien += [m.id for m in pagina]
        assert len(pagina) <= 2
        if cursor is None:
            break
    assert gezien == ["m0", "m1", "m2", "m3", "m4"]
    with pytest.raises(OngeldigVerzoek):
        meldingen.lijst(d, ANNA, "onbekend", 2)
    assert meldingen.lijst(d, ANNA, None, 5) == (maandchecks.gemeld["v1.anna"], None)


def test_the_rights_a_page_shows_are_the_checks_betrokkene_makes() -> None:
    """The loket shows an explanation instead of an action whose right is missing: the set it
    reads agrees with `betrokkene` for the resident, a gemachtigde and a machtiging."""
    d = toestemmingdiensten()
    gemachtigde = Principal(
        soort=Principalsoort.burger, pseudoniem="v1.bert",
        namens_pseudoniem="v1.anna", namens_bsn_versleuteld="bsn-anna",
    )  # fmt: skip
    alleen_inzien = verleen(d, [Recht.inzien])
    gevallen = [(ANNA, None), (gemachtigde, None), (WIJKTEAM, alleen_inzien)]
    for wie, machtiging in gevallen:
        gegeven = namens.rechten(d, wie, machtiging)
        for recht in Recht:
            if recht in gegeven:
                namens.betrokkene(d, wie, machtiging, recht)
            else:
                with pytest.raises(GeenRecht):
                    namens.betrokkene(d, wie, machtiging, recht)
    assert namens.rechten(d, ANNA, None) == set(Recht)
    assert Recht.toestemming not in namens.rechten(d, gemachtigde, None)
    assert namens.rechten(d, WIJKTEAM, alleen_inzien) == {Recht.inzien}
    with pytest.raises(NietGevonden):
        namens.rechten(d, ELDERS, alleen_inzien)
