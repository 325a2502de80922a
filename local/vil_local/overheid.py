"""The fake government: BRP, Belastingdienst, UWV, SVB and the Centraal Curatele- en
Bewindregister on loopback, with test persons, their register entries and test organisations.

Each source listens on its own port and speaks the contract in docs/sources.md, so the real
httpx clients run against it. The persons below are peildatum-independent: an income history
is generated for whatever months are asked. For demos a person's fact can be changed while it
runs (`set_fact`, or `POST /_local/personen/{bsn}` on any of the ports), and a single person can
be copied under a new BSN (`kopie`) so that a story can start afresh; for tests each source can
be made slow, down (connection refused) or answer an error status for the next calls.
"""

import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Annotated, Any, Final, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from stdnum.nl import bsn as elfproef

from vil.models.huishouden import Gemeentecode
from vil.models.toestemming import Bron
from vil.settings import SourcesSettings

Bsn = Annotated[str, Field(pattern=r"^[0-9]{9}$")]
Maand = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Testpersoon(BaseModel):
    """One person as all four sources know them (JSON names camelCase, as on the local route)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    situatie: str
    # 'jjjj-mm-dd', or incomplete as the BRP may have it: 'jjjj-mm', 'jjjj'; None: unknown.
    geboortedatum: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None
    gemeentecode: Gemeentecode
    partner: Bsn | None = None
    kinderen: tuple[Bsn, ...] = ()
    toetsingsinkomen: Decimal = Decimal(0)
    vermogen: Decimal = Decimal(0)  # on 1 January, of every year
    zorgverzekerd: bool = True
    netto_inkomen: Decimal = Decimal(0)  # per month: now, and in every month of any period
    kinderbijslag: tuple[Bsn, ...] = ()  # the children this person receives kinderbijslag for
    aow: bool = False
    in_onderzoek: frozenset[Literal["geboortedatum", "verblijfplaats"]] = frozenset()


PERSONEN: dict[str, Testpersoon] = {
    "999993653": Testpersoon(
        situatie=(
            "Alleenstaande in Utrecht, al jaren € 1.380 netto per maand en weinig vermogen:"
            " recht op de individuele inkomenstoeslag"
        ),
        geboortedatum="1971-03-14",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(17500),
        vermogen=Decimal(1200),
        netto_inkomen=Decimal(1380),
    ),
    "999996708": Testpersoon(
        situatie=(
            "Ouder in Amersfoort met een partner en twee kinderen (8 en 13 in 2026), samen"
            " € 2.150 netto: recht op de bijdrage sport en cultuur"
        ),
        geboortedatum="1986-09-02",
        gemeentecode="0307",
        partner="999996630",
        kinderen=("999996642", "999996654"),
        toetsingsinkomen=Decimal(24000),
        vermogen=Decimal(3000),
        netto_inkomen=Decimal(1700),
        kinderbijslag=("999996642", "999996654"),
    ),
    "999996630": Testpersoon(
        situatie="Partner van 999996708 in Amersfoort, met een kleine baan",
        geboortedatum="1988-01-20",
        gemeentecode="0307",
        partner="999996708",
        kinderen=("999996642", "999996654"),
        toetsingsinkomen=Decimal(6000),
        netto_inkomen=Decimal(450),
    ),
    "999996642": Testpersoon(
        situatie="Kind (2018) van het gezin in Amersfoort",
        geboortedatum="2018-04-11",
        gemeentecode="0307",
    ),
    "999996654": Testpersoon(
        situatie="Kind (2012) van het gezin in Amersfoort",
        geboortedatum="2012-11-30",
        gemeentecode="0307",
    ),
    "999996666": Testpersoon(
        situatie=(
            "Student in Utrecht met een bijbaan; dat hij studeert vult hij zelf in (DUO is geen"
            " bron): geen individuele inkomenstoeslag"
        ),
        geboortedatum="2003-02-01",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(9000),
        vermogen=Decimal(500),
        netto_inkomen=Decimal(750),
    ),
    "999996678": Testpersoon(
        situatie="AOW-gerechtigde in Utrecht: geen individuele inkomenstoeslag",
        geboortedatum="1957-04-22",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(21000),
        vermogen=Decimal(20000),
        netto_inkomen=Decimal(1520),
        aow=True,
    ),
    "999999230": Testpersoon(
        situatie="Hoog inkomen in Amersfoort: geen zorgtoeslag en geen andere regeling",
        geboortedatum="1979-06-05",
        gemeentecode="0307",
        toetsingsinkomen=Decimal(86000),
        vermogen=Decimal(40000),
        netto_inkomen=Decimal(4900),
    ),
    "999995844": Testpersoon(
        situatie=(
            "Laag inkomen in Utrecht, maar € 160.000 vermogen: geen zorgtoeslag en geen"
            " individuele inkomenstoeslag"
        ),
        geboortedatum="1965-10-12",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(16000),
        vermogen=Decimal(160000),
        netto_inkomen=Decimal(1250),
    ),
    "999990007": Testpersoon(
        situatie=(
            "Geboortedatum en adres in onderzoek bij de BRP (Utrecht): uitkomsten die erop"
            " steunen zijn indicatief"
        ),
        geboortedatum="1990-07-15",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(19000),
        vermogen=Decimal(800),
        netto_inkomen=Decimal(1450),
        in_onderzoek=frozenset({"geboortedatum", "verblijfplaats"}),
    ),
    "999990019": Testpersoon(
        situatie=("Aanvrager in Buren met een partner die niet verzekerd is: de halve zorgtoeslag"),
        geboortedatum="1975-01-30",
        gemeentecode="0214",
        partner="999990020",
        toetsingsinkomen=Decimal(26000),
        vermogen=Decimal(5000),
        netto_inkomen=Decimal(1900),
    ),
    "999990020": Testpersoon(
        situatie="Partner van 999990019, zonder Nederlandse zorgverzekering",
        geboortedatum="1978-08-08",
        gemeentecode="0214",
        partner="999990019",
        zorgverzekerd=False,
    ),
    "999990123": Testpersoon(
        situatie=(
            "Alleenstaande in Utrecht onder beschermingsbewind, € 1.300 netto: de bewindvoerder"
            " (KvK 90000029) handelt namens hem met registernummer 202500017; zijn zus"
            " (999990135) is zijn mentor (202500029: geen rechten in VIL)"
        ),
        geboortedatum="1968-11-03",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(16800),
        vermogen=Decimal(300),
        netto_inkomen=Decimal(1300),
    ),
    "999990135": Testpersoon(
        situatie="Zus en mentor van 999990123, in Utrecht, met een baan",
        geboortedatum="1965-02-17",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(41000),
        vermogen=Decimal(12000),
        netto_inkomen=Decimal(2600),
    ),
    "999990032": Testpersoon(
        situatie=(
            "De BRP kent alleen jaar en maand van geboorte (mei 1969): de geboortedatum"
            " ontbreekt en de inwoner vult haar aan"
        ),
        geboortedatum="1969-05",
        gemeentecode="0344",
        toetsingsinkomen=Decimal(18000),
        vermogen=Decimal(2500),
        netto_inkomen=Decimal(1400),
    ),
}


class Inschrijving(BaseModel):
    """One entry of the Centraal Curatele- en Bewindregister: who is represented, how, by whom
    ('bsn:<nummer>' for a person, 'kvk:<nummer>' or 'oin:<nummer>' for an office)."""

    model_config = ConfigDict(frozen=True)

    soort: Literal["bewind", "curatele", "mentorschap"]
    betrokkene: Bsn
    vertegenwoordigers: tuple[
        Annotated[str, Field(pattern=r"^(bsn:[0-9]{9}|kvk:[0-9]{8}|oin:[0-9]{20})$")], ...
    ]
    ingangsdatum: date
    einddatum: date | None = None


# Organisations of the examples: VIL keeps no register of them, a token names them by number.
ORGANISATIES = {
    "90000017": "Wijkteam Utrecht Noordwest (hulpverlening; machtigingen van inwoners)",
    "90000029": "Bewindvoering Domstad (bewindvoerder van 999990123, in het register)",
}

REGISTER: dict[str, Inschrijving] = {
    "202500017": Inschrijving(
        soort="bewind",
        betrokkene="999990123",
        vertegenwoordigers=("kvk:90000029",),
        ingangsdatum=date(2025, 3, 1),
    ),
    "202500029": Inschrijving(
        soort="mentorschap",
        betrokkene="999990123",
        vertegenwoordigers=("bsn:999990135",),
        ingangsdatum=date(2025, 3, 1),
    ),
}

CCBR: Final = "ccbr"  # the register, served beside the four sources
Dienst = Bron | Literal["ccbr"]
DIENSTEN: tuple[Dienst, ...] = (*Bron, CCBR)
# Each source's base URL path; the client appends the operation (e.g. '/personen').
BASE_PATHS: dict[Dienst, str] = {
    Bron.brp: "/haalcentraal/api/brp",
    Bron.belastingdienst: "",
    Bron.uwv: "",
    Bron.svb: "",
    CCBR: "/ccbr",
}
HOST = "127.0.0.1"  # loopback only: test persons, no authentication
LOCAL_ROUTE = "/_local/personen/"
GEMEENTEN = {"0344": "Utrecht", "0307": "Amersfoort", "0214": "Buren"}
MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
# When the fake's investigations started (any date will do; the API delivers one).
ONDERZOEK_SINDS = {"type": "Datum", "datum": "2026-01-05", "langFormaat": "5 januari 2026"}
BRP_FIELDS = Literal[
    "burgerservicenummer",
    "geboorte.datum",
    "gemeenteVanInschrijving",
    "verblijfplaats.type",
    "partners.burgerservicenummer",
    "partners.geboorte.datum",
    "partners.ontbindingHuwelijkPartnerschap.datum",
    "kinderen.burgerservicenummer",
    "kinderen.geboorte.datum",
]


class _Vraag(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")


class _PersonenVraag(_Vraag):
    type: Literal["RaadpleegMetBurgerservicenummer"]
    burgerservicenummer: list[Bsn] = Field(min_length=1, max_length=20)
    fields: list[BRP_FIELDS] = Field(min_length=1, max_length=130)


class _InkomensgegevensVraag(_Vraag):
    burgerservicenummer: Bsn
    belastingjaar: int


class _NettoInkomensVraag(_Vraag):
    burgerservicenummers: list[Bsn] = Field(min_length=1, max_length=2)
    vanaf: Maand
    tot_en_met: Maand


class _UitkeringenVraag(_Vraag):
    burgerservicenummer: Bsn
    peildatum: date


class _RegistratieVraag(_Vraag):
    registratienummer: Annotated[str, Field(pattern=r"^[0-9]{6,12}$")]


class _FeitWijziging(_Vraag):
    pad: str
    waarde: Any


@dataclass
class _Storing:
    """What is wrong with one source for now."""

    vertraging: float = 0.0  # seconds before every answer
    status: int = 0  # answer this status ...
    keer: int = 0  # ... for this many more calls
    retry_after: int | None = None


Vraag = TypeVar("Vraag", bound=_Vraag)


class _Antwoord(Exception):
    """An answer other than 200 (problem+json), raised from deep inside a route."""

    def __init__(
        self, status: int, title: str, invalid: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(title)
        self.status = status
        self.body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": title,
        }
        if invalid:
            self.body["invalidParams"] = invalid
        self.headers: dict[str, str] = {}


# The BSNs of copies: valid (elfproef), in the test range, and apart from the test persons.
_KOPIEEN = (str(n) for n in itertools.count(999_980_000) if elfproef.is_valid(str(n)))


class Overheid:
    """The four sources and the register on 127.0.0.1; `with Overheid() as overheid:` starts
    and stops them."""

    def __init__(
        self,
        personen: Mapping[str, Testpersoon] = PERSONEN,
        ports: Mapping[Dienst, int] | None = None,
        register: Mapping[str, Inschrijving] = REGISTER,
    ) -> None:
        _check_references(personen)
        self._initial = dict(personen)
        self._initial_register = dict(register)
        self.personen = dict(personen)
        self.register = dict(register)
        self.ports = {bron: (ports or {}).get(bron, 0) for bron in DIENSTEN}  # 0: any free port
        self.calls: Counter[Dienst] = Counter()  # calls that reached each source (not /_local/)
        self._storingen: dict[Dienst, _Storing] = {}
        self._servers: dict[Dienst, ThreadingHTTPServer] = {}
        self._lock = threading.Lock()

    def start(self) -> Self:
        for bron in DIENSTEN:
            self.up(bron)
        return self

    def stop(self) -> None:
        for bron in list(self._servers):
            self.down(bron)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def url(self, bron: Dienst) -> str:
        return f"http://{HOST}:{self.ports[bron]}{BASE_PATHS[bron]}"

    def settings(self, timeout: float = 3.0) -> SourcesSettings:
        """Settings that point the real clients here."""
        return SourcesSettings(
            brp_url=self.url(Bron.brp),
            belastingdienst_url=self.url(Bron.belastingdienst),
            uwv_url=self.url(Bron.uwv),
            svb_url=self.url(Bron.svb),
            bron_timeout_seconden=timeout,
        )

    # Faults, for tests and demos.

    def up(self, bron: Dienst) -> None:
        """Listen for `bron` again, on the same port as before."""
        if bron in self._servers:
            return
        server = ThreadingHTTPServer((HOST, self.ports[bron]), self._handler(bron))
        server.daemon_threads = True  # a delayed answer must not hold up stop()
        self.ports[bron] = server.server_address[1]
        self._servers[bron] = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def down(self, bron: Dienst) -> None:
        """Stop listening for `bron`: its clients get 'connection refused'."""
        server = self._servers.pop(bron, None)
        if server is not None:
            server.shutdown()
            server.server_close()

    def slow(self, bron: Dienst, seconds: float) -> None:
        """Delay every answer of `bron` by `seconds` (0: no delay)."""
        with self._lock:
            self._storingen.setdefault(bron, _Storing()).vertraging = seconds

    def fail(
        self, bron: Dienst, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` calls of `bron` with `status` (and Retry-After, if given)."""
        with self._lock:
            storing = self._storingen.setdefault(bron, _Storing())
            storing.status, storing.keer, storing.retry_after = status, times, retry_after

    def reset(self) -> None:
        """As started: no faults, every source up, the persons as given, no calls counted."""
        with self._lock:
            self._storingen.clear()
            self.personen = dict(self._initial)
            self.register = dict(self._initial_register)
            self.calls.clear()
        for bron in DIENSTEN:
            self.up(bron)

    # Test persons.

    def set_fact(self, bsn: str, pad: str, waarde: Any) -> Testpersoon:
        """Change one fact of a person by its JSON name ('vermogen', 'nettoInkomen', ...)."""
        with self._lock:
            data = self.personen[bsn].model_dump(by_alias=True)
            if pad not in data:
                raise ValueError(f"Onbekend gegeven '{pad}'; bekend: {', '.join(data)}.")
            updated = Testpersoon.model_validate({**data, pad: waarde})
            _check_references({**self.personen, bsn: updated})
            self.personen[bsn] = updated
            return updated

    def kopie(self, zoals: str) -> str:
        """A new BSN that every source knows as the single person `zoals`.

        Raises:
            ValueError: no such person, or one with a partner or children (a family refers to
                its members).
        """
        with self._lock:
            persoon = self.personen.get(zoals)
            if persoon is None:
                raise ValueError(f"De nep-overheid kent geen persoon met BSN {zoals}.")
            if persoon.partner or persoon.kinderen:
                raise ValueError(
                    "Een persoon met een partner of kinderen kan niet gekopieerd worden."
                )
            nummer = next(n for n in _KOPIEEN if n not in self.personen)
            self.personen[nummer] = persoon
            return nummer

    def registreer(self, inschrijving: Inschrijving) -> str:
        """A new register entry (a court's decision); its registration number."""
        with self._lock:
            nummer = str(300_000_000 + len(self.register))
            self.register[nummer] = inschrijving
            return nummer

    def beeindig(self, nummer: str, einddatum: date) -> None:
        """The court ends the entry on `einddatum` (its last day)."""
        with self._lock:
            self.register[nummer] = self.register[nummer].model_copy(
                update={"einddatum": einddatum}
            )

    # HTTP.

    def _handler(self, bron: Dienst) -> type[BaseHTTPRequestHandler]:
        overheid = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                overheid._serve(bron, self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # request lines would name BSNs of the local route, and clutter output

        return Handler

    def _serve(self, bron: Dienst, request: BaseHTTPRequestHandler) -> None:
        headers: dict[str, str] = {}
        try:
            body = json.loads(request.rfile.read(int(request.headers["Content-Length"] or 0)))
            if request.path.startswith(LOCAL_ROUTE):
                answer = self._local(request.path.removeprefix(LOCAL_ROUTE), body)
            else:
                self._fault(bron)
                answer = self._route(bron, request.path, body)
            status = 200
        except _Antwoord as error:
            status, answer, headers = error.status, error.body, error.headers
        except (ValueError, TypeError):
            status, answer = 400, _Antwoord(400, "De body is geen geldige JSON.").body
        data = json.dumps(answer).encode()
        try:
            request.send_response(status)
            kind = "application/json" if status == 200 else "application/problem+json"
            for name, value in {**headers, "Content-Type": kind}.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (its timeout): nobody to answer

    def _fault(self, bron: Dienst) -> None:
        """Count the call, then delay it or fail it as the source's fault says."""
        with self._lock:
            self.calls[bron] += 1
            storing = self._storingen.get(bron, _Storing())
            failing = storing.keer > 0
            if failing:
                storing.keer -= 1
        if storing.vertraging:
            # A sleep, not a timed wait: under libfaketime timed lock waits can hang.
            time.sleep(storing.vertraging)
        if failing:
            error = _Antwoord(storing.status, "Storing (nep-overheid).")
            if storing.retry_after is not None:
                error.headers["Retry-After"] = str(storing.retry_after)
            raise error

    def _route(self, bron: Dienst, path: str, body: Any) -> dict[str, Any]:
        routes = {
            (Bron.brp, "/personen"): self._personen,
            (Bron.belastingdienst, "/inkomensgegevens"): self._inkomensgegevens,
            (Bron.uwv, "/netto-inkomens"): self._netto_inkomens,
            (Bron.svb, "/uitkeringen"): self._uitkeringen,
            (CCBR, "/registraties"): self._registratie,
        }
        route = routes.get((bron, path.removeprefix(BASE_PATHS[bron])))
        if route is None:
            raise _Antwoord(404, "Deze bron kent dit pad niet.")
        return route(body)

    def _personen(self, body: Any) -> dict[str, Any]:
        vraag = _validated(_PersonenVraag, body)
        personen = [
            _select(self._brp_persoon(bsn), vraag.fields)
            for bsn in vraag.burgerservicenummer
            if bsn in self.personen
        ]
        return {"type": vraag.type, "personen": personen}

    def _inkomensgegevens(self, body: Any) -> dict[str, Any]:
        vraag = _validated(_InkomensgegevensVraag, body)
        persoon = self._persoon(vraag.burgerservicenummer)
        return {
            "burgerservicenummer": vraag.burgerservicenummer,
            "belastingjaar": vraag.belastingjaar,
            "toetsingsinkomen": _euro(persoon.toetsingsinkomen),
            "vermogen": _euro(persoon.vermogen),
            "zorgverzekerd": persoon.zorgverzekerd,
        }

    def _netto_inkomens(self, body: Any) -> dict[str, Any]:
        vraag = _validated(_NettoInkomensVraag, body)
        totaal = _euro(
            sum((self._persoon(b).netto_inkomen for b in vraag.burgerservicenummers), Decimal(0))
        )
        maanden = [
            {"maand": m, "nettoInkomen": totaal} for m in _months(vraag.vanaf, vraag.tot_en_met)
        ]
        return {"nettoInkomenPerMaand": totaal, "maanden": maanden}

    def _uitkeringen(self, body: Any) -> dict[str, Any]:
        vraag = _validated(_UitkeringenVraag, body)
        persoon = self._persoon(vraag.burgerservicenummer)
        return {
            "kinderbijslag": [{"burgerservicenummer": k} for k in persoon.kinderbijslag],
            "aow": persoon.aow,
        }

    def _registratie(self, body: Any) -> dict[str, Any]:
        vraag = _validated(_RegistratieVraag, body)
        inschrijving = self.register.get(vraag.registratienummer)
        if inschrijving is None:
            raise _Antwoord(404, "Het register kent geen inschrijving met dit nummer.")
        namen = {"bsn": "burgerservicenummer", "kvk": "kvkNummer", "oin": "oin"}
        return {
            "registratienummer": vraag.registratienummer,
            "soort": inschrijving.soort,
            "betrokkene": {"burgerservicenummer": inschrijving.betrokkene},
            "vertegenwoordigers": [
                {namen[soort]: nummer}
                for soort, _, nummer in (v.partition(":") for v in inschrijving.vertegenwoordigers)
            ],
            "ingangsdatum": inschrijving.ingangsdatum.isoformat(),
            "einddatum": inschrijving.einddatum.isoformat() if inschrijving.einddatum else None,
        }

    def _local(self, bsn: str, body: Any) -> dict[str, Any]:
        wijziging = _validated(_FeitWijziging, body)
        self._persoon(bsn)
        try:
            updated = self.set_fact(bsn, wijziging.pad, wijziging.waarde)
        except ValidationError as error:
            raise _Antwoord(400, "Ongeldige waarde.", _invalid(error)) from None
        except ValueError as error:
            raise _Antwoord(400, str(error)) from None
        return updated.model_dump(mode="json", by_alias=True)

    def _persoon(self, bsn: str) -> Testpersoon:
        persoon = self.personen.get(bsn)
        if persoon is None:
            raise _Antwoord(404, "Deze bron kent geen persoon met dit burgerservicenummer.")
        return persoon

    def _brp_persoon(self, bsn: str) -> dict[str, Any]:
        """Everything this fake BRP knows of a person, as the API names it."""
        persoon = self.personen[bsn]
        verblijfplaats: dict[str, Any] = {"type": "Adres"}
        if "verblijfplaats" in persoon.in_onderzoek:
            verblijfplaats["inOnderzoek"] = {"type": True, "datumIngangOnderzoek": ONDERZOEK_SINDS}
        gemeente = persoon.gemeentecode
        relaties = {
            "partners": [persoon.partner] if persoon.partner else [],
            "kinderen": persoon.kinderen,
        }
        return {
            "burgerservicenummer": bsn,
            "geboorte": self._geboorte(bsn),
            "gemeenteVanInschrijving": {"code": gemeente, "omschrijving": GEMEENTEN.get(gemeente)},
            "verblijfplaats": verblijfplaats,
            **{
                relatie: [{"burgerservicenummer": b, "geboorte": self._geboorte(b)} for b in bsns]
                for relatie, bsns in relaties.items()
            },
        }

    def _geboorte(self, bsn: str) -> dict[str, Any]:
        persoon = self.personen[bsn]
        geboorte: dict[str, Any] = {"datum": _datum(persoon.geboortedatum)}
        if "geboortedatum" in persoon.in_onderzoek:
            geboorte["inOnderzoek"] = {"datum": True, "datumIngangOnderzoek": ONDERZOEK_SINDS}
        return geboorte


def _check_references(personen: Mapping[str, Testpersoon]) -> None:
    """Every partner and child must be a test person too (the BRP delivers their data)."""
    for persoon in personen.values():
        for bsn in (persoon.partner, *persoon.kinderen, *persoon.kinderbijslag):
            if bsn is not None and bsn not in personen:
                raise ValueError(f"{bsn} is geen testpersoon.")


def _validated(model: type[Vraag], body: Any) -> Vraag:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise _Antwoord(400, "Ongeldig verzoek.", _invalid(error)) from None


def _invalid(error: ValidationError) -> list[dict[str, str]]:
    # Without the input: it may be a BSN.
    return [
        {"name": ".".join(str(p) for p in item["loc"]), "reason": item["msg"]}
        for item in error.errors(include_input=False, include_url=False)
    ]


def _select(persoon: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Only the asked fields, each with the inOnderzoek of its group (as the BRP API does)."""
    selected: dict[str, Any] = {}
    for path in fields:
        _copy(persoon, selected, path.split("."))
    return selected


def _copy(source: Mapping[str, Any], target: dict[str, Any], parts: list[str]) -> None:
    name, *rest = parts
    value = source.get(name)
    if value is None or value == []:
        return  # absent data is left out, not null
    if not rest:
        target[name] = value
    elif isinstance(value, list):
        items = target.setdefault(name, [{} for _ in value])
        for item, into in zip(value, items, strict=True):
            _copy(item, into, rest)
    else:
        into = target.setdefault(name, {})
        if "inOnderzoek" in value:
            into["inOnderzoek"] = value["inOnderzoek"]
        _copy(value, into, rest)


def _datum(text: str | None) -> dict[str, Any]:
    """A BRP polymorphic date from 'jjjj-mm-dd', 'jjjj-mm', 'jjjj' or None."""
    if text is None:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    jaar, maand, dag = [*map(int, text.split("-")), None, None][:3]
    if maand is None:
        return {"type": "JaarDatum", "jaar": jaar, "langFormaat": str(jaar)}
    lang = f"{MAANDEN[maand - 1]} {jaar}"
    if dag is None:
        return {"type": "JaarMaandDatum", "jaar": jaar, "maand": maand, "langFormaat": lang}
    return {"type": "Datum", "datum": text, "langFormaat": f"{dag} {lang}"}


def _months(vanaf: str, tot_en_met: str) -> list[str]:
    """Every month 'jjjj-mm' from `vanaf` through `tot_en_met`."""
    first, last = (int(m[:4]) * 12 + int(m[5:]) - 1 for m in (vanaf, tot_en_met))
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def _euro(amount: Decimal) -> str:
    return f"{amount:.2f}"
