"""The reads the loket's pages make, over in-memory fakes: who read my data a page at a time,
a client named without a BSN, all meldingen in one read, and the machtiging form read into the
API's own request (docs/loket.md). The pages themselves run over HTTP in
tests/integration/test_loket_web.py and in chromium in tests/browser/."""

from datetime import date, timedelta

import pytest

from tests.fakes import MOMENT, FakeAuditlog, FakeBrongegevens, FakeMaandchecks, toestemmingdiensten
from vil.fouten import NietGevonden, OngeldigVerzoek
from vil.loket import machtigen
from vil.loket.weergave import clientnaam
from vil.models.identiteit import Principal, Principalsoort
from vil.models.maandcheck import Melding, MeldingSoort
from vil.models.machtiging import NieuweMachtiging, OrganisatieKvk, Recht
from vil.models.toestemming import Bron
from vil.services import inzage, machtigingen, meldingen

ANNA = Principal(soort=Principalsoort.burger, pseudoniem="v1.anna", bsn_versleuteld="bsn-anna")
WIJKTEAM = Principal(
    soort=Principalsoort.hulpverlener, organisatie="kvk:90000017", medewerker="mw-1"
)
VANDAAG = MOMENT.date()  # 2026-06-15


def test_who_read_my_data_comes_a_page_at_a_time_newest_first() -> None:
    d = toestemmingdiensten()
    audit = d.audit
    assert isinstance(audit, FakeAuditlog)
    for i in range(5):
        audit.schrijf("v1.anna", f"lezen-{i}", "burger", "aanvragen", "ok", "t", MOMENT)
    gezien: list[str] = []
    cursor = None
    while True:
        pagina, cursor = inzage.verwerkingen(d, ANNA, cursor, 2)
        gezien += [v["verwerking"] for v in pagina]
        if cursor is None:
            break
    # The read of the first page is itself recorded, and is the newest of all
    assert gezien == ["inzage", "lezen-4", "lezen-3", "lezen-2", "lezen-1", "lezen-0"]
    # Each page read is recorded (three pages: three more)
    assert [r["verwerking"] for r in audit.records].count("inzage") == 3
    with pytest.raises(OngeldigVerzoek):
        inzage.verwerkingen(d, ANNA, "geen-cursor", 2)


def test_all_meldingen_in_one_read() -> None:
    d = toestemmingdiensten()
    maandchecks = d.maandchecks
    assert isinstance(maandchecks, FakeMaandchecks)
    maandchecks.gemeld["v1.anna"] = [
        Melding(id=f"m{i}", soort=MeldingSoort.gegevens_gewijzigd, regeling=None,
                tekst=f"melding {i}", aangemaakt=MOMENT - timedelta(days=i))
        for i in range(150)
    ]  # fmt: skip
    assert [m.id for m in meldingen.van(d, ANNA)] == [f"m{i}" for i in range(150)]


def _machtig(d: object, rechten: list[Recht]) -> str:
    verzoek = NieuweMachtiging(
        organisatie=OrganisatieKvk(kvk="90000017"),
        rechten=rechten,
        geldig_vanaf=VANDAAG,
        geldig_tot=VANDAAG + timedelta(days=100),
    )
    return machtigingen.verleen(d, ANNA, verzoek).id  # type: ignore[arg-type]


def test_a_client_is_named_by_the_brp_birth_date_only_with_the_right_to_see() -> None:
    d = toestemmingdiensten()
    brongegevens = d.brongegevens
    assert isinstance(brongegevens, FakeBrongegevens)
    brongegevens.bewaar_gegevens(
        "v1.anna", {Bron.brp: {"huishouden.aanvrager.geboortedatum": "1971-03-14"}}, {}
    )
    kijken = _machtig(d, [Recht.inzien])
    client = machtigingen.client(d, WIJKTEAM, kijken)
    assert client.geboortedatum == date(1971, 3, 14)
    assert client.geldig_vanaf == VANDAAG
    assert clientnaam(client) == f"inwoner geboren op 14-03-1971 (machtiging {kijken[:8]})"
    # Without inzien, no birth date: only the machtiging names the client
    meldingen_ = _machtig(d, [Recht.meldingen_ontvangen])
    zonder = machtigingen.client(d, WIJKTEAM, meldingen_)
    assert zonder.geboortedatum is None
    assert clientnaam(zonder) == f"cliënt met machtiging {meldingen_[:8]} van 15-06-2026"
    assert "999" not in clientnaam(client) + clientnaam(zonder)
    # The caseload lists the same, and a machtiging the caller does not hold is not found
    lijst, _ = machtigingen.clienten(d, WIJKTEAM, None, 10)
    assert {c.machtiging: c.geboortedatum for c in lijst} == {
        kijken: date(1971, 3, 14), meldingen_: None
    }  # fmt: skip
    elders = WIJKTEAM.model_copy(update={"organisatie": "kvk:90000025"})
    with pytest.raises(NietGevonden):
        machtigingen.client(d, elders, kijken)


def formulier(**velden: object) -> machtigen.Formulier:
    standaard: dict[str, object] = {
        "soort": "kvk", "nummer": "90000017", "medewerker": "", "rechten": ["inzien"],
        "vanaf": "15-06-2026", "tot": "31-12-2026",
    }  # fmt: skip
    return machtigen.Formulier(**{**standaard, **velden})  # type: ignore[arg-type]


def test_the_machtiging_form_becomes_the_apis_request() -> None:
    nieuw, fouten = machtigen.lees(formulier(medewerker="mw-1", rechten=["inzien", "aanvragen"]))
    assert fouten == []
    assert nieuw == NieuweMachtiging(
        organisatie=OrganisatieKvk(kvk="90000017"),
        medewerker="mw-1",
        rechten=[Recht.inzien, Recht.aanvragen],
        geldig_vanaf=date(2026, 6, 15),
        geldig_tot=date(2026, 12, 31),
    )
    assert machtigen.gemachtigde(nieuw) == (
        "De organisatie met KvK-nummer 90000017, alleen medewerker mw-1"
    )


def test_every_error_of_the_machtiging_form_at_its_field_in_the_forms_order() -> None:
    _, fouten = machtigen.lees(formulier(nummer="", rechten=[], vanaf="", tot="morgen"))
    assert [f.veld for f in fouten] == ["nummer", "rechten", "vanaf", "tot"]
    assert fouten[0].tekst == "Vul het nummer van de organisatie in."
    _, fouten = machtigen.lees(formulier(nummer="1234", medewerker="mw 1"))
    assert [f.veld for f in fouten] == ["nummer", "medewerker"]
    assert "8 cijfers" in fouten[0].tekst
    _, fouten = machtigen.lees(formulier(soort="", nummer="1234"))
    assert [f.veld for f in fouten] == ["soort-kvk"]  # one error, not the number's too
    _, fouten = machtigen.lees(formulier(soort="oin", nummer="90000017"))
    assert "20 cijfers" in fouten[0].tekst


def test_the_services_refusal_of_the_dates_is_put_at_the_date_fields() -> None:
    d = toestemmingdiensten()
    nieuw, _ = machtigen.lees(formulier(vanaf="01-06-2026", tot="31-05-2026"))
    assert nieuw is not None
    with pytest.raises(OngeldigVerzoek) as fout:
        machtigingen.verleen(d, ANNA, nieuw)
    teksten = {(f.veld, f.tekst) for f in machtigen.bij_velden(fout.value.velden)}
    assert teksten == {
        ("tot", "De laatste dag ligt voor de eerste dag."),
        ("tot", "De laatste dag ligt voor vandaag (15-06-2026)."),
    }
