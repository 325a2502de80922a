"""The loket's login and sessions over fakes: PKCE, state and nonce, a new id after logging in,
15 minutes idle, the token's end, CSRF (vil.services.sessies)."""

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes import FakeInlogdienst, FakeSessies, FakeSleutels
from vil.fouten import NietGeauthenticeerd
from vil.models.identiteit import Principalsoort
from vil.models.sessie import Sessie
from vil.ports import Tokens
from vil.services import sessies
from vil.services.diensten import Inlogclient, Sessiediensten
from vil_local import tokens

NU = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
CLIENT = "loket-test"


class Tijd:
    def __init__(self) -> None:
        self.nu = NU

    def __call__(self) -> datetime:
        return self.nu


def diensten(tijd: Tijd, nonce: str = "", bsn: str = "999993653") -> Sessiediensten:
    """Tokens as the dev issuer signs them; the id token carries `nonce`."""
    return Sessiediensten(
        sessies=FakeSessies(),
        inlogdienst=FakeInlogdienst(
            Tokens(tokens.burger_token(bsn), tokens.id_token(bsn, nonce, CLIENT))
        ),
        tokens=tokens.tokencontrole(FakeSleutels()),
        authorize_url="https://digid.test/authorize",
        client_id=CLIENT,
        redirect_uri="https://vil.test/loket/inloggen/terug",
        tijd=tijd,
    )


def begonnen(tijd: Tijd) -> tuple[Sessiediensten, sessies.Nieuw, dict[str, str]]:
    """A login begun; the id token will carry this attempt's nonce."""
    d = diensten(tijd)
    nieuw, url = sessies.begin(d, "/loket/aanvragen")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert nieuw.sessie.inlog is not None
    d = diensten(tijd, nonce=nieuw.sessie.inlog.nonce)
    d.sessies.bewaar(nieuw.sessie, tijd() + sessies.INLOGTIJD)
    return d, nieuw, query


def test_the_authorization_request_carries_state_nonce_and_the_s256_challenge() -> None:
    _, nieuw, query = begonnen(Tijd())
    poging = nieuw.sessie.inlog
    assert poging is not None
    digest = hashlib.sha256(poging.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert query["code_challenge_method"] == "S256"
    assert (query["state"], query["nonce"]) == (poging.state, poging.nonce)
    assert 43 <= len(poging.code_verifier) <= 128  # RFC 7636 4.1
    assert query["client_id"] == CLIENT
    assert nieuw.sessie.sleutel == sessies.sleutel(nieuw.cookie) != nieuw.cookie


def test_the_callback_logs_in_under_a_new_id_with_the_verifier() -> None:
    tijd = Tijd()
    d, nieuw, query = begonnen(tijd)
    ingelogd = sessies.rond_af(d, nieuw.sessie, "de-code", query["state"])
    assert ingelogd.sessie.principal is not None
    assert ingelogd.sessie.principal.soort is Principalsoort.burger
    assert ingelogd.cookie != nieuw.cookie
    assert d.sessies.haal(nieuw.sessie.sleutel) is None  # the attempt is gone
    poging = nieuw.sessie.inlog
    assert isinstance(d.inlogdienst, FakeInlogdienst)
    assert poging is not None
    assert d.inlogdienst.gevraagd == [("de-code", poging.code_verifier, d.redirect_uri)]
    assert ingelogd.sessie.stap["terug"] == "/loket/aanvragen"


def test_another_state_or_another_nonce_logs_no_one_in() -> None:
    tijd = Tijd()
    d, nieuw, query = begonnen(tijd)
    with pytest.raises(NietGeauthenticeerd):
        sessies.rond_af(d, nieuw.sessie, "de-code", "een-andere-state")
    ander = diensten(tijd, nonce="een-andere-nonce")
    with pytest.raises(NietGeauthenticeerd):
        sessies.rond_af(ander, nieuw.sessie, "de-code", query["state"])
    with pytest.raises(NietGeauthenticeerd):
        sessies.rond_af(d, None, "de-code", query["state"])


def test_a_session_ends_after_15_minutes_without_a_request() -> None:
    tijd = Tijd()
    d, nieuw, query = begonnen(tijd)
    ingelogd = sessies.rond_af(d, nieuw.sessie, "de-code", query["state"])
    tijd.nu += timedelta(minutes=14)
    assert sessies.huidige(d, ingelogd.cookie) is not None  # and the idle time starts again
    tijd.nu += timedelta(minutes=14)
    assert sessies.huidige(d, ingelogd.cookie) is not None
    tijd.nu += timedelta(minutes=15)
    assert sessies.huidige(d, ingelogd.cookie) is None
    assert d.sessies.haal(ingelogd.sessie.sleutel) is None


def test_a_session_ends_when_the_access_token_does() -> None:
    tijd = Tijd()
    d, nieuw, query = begonnen(tijd)
    ingelogd = sessies.rond_af(d, nieuw.sessie, "de-code", query["state"])
    einde = ingelogd.sessie.inlog_geldig_tot
    assert einde is not None
    tijd.nu = einde - timedelta(minutes=1)
    sessie = d.sessies.haal(ingelogd.sessie.sleutel)
    assert sessie is not None
    d.sessies.bewaar(sessie.model_copy(update={"laatst_actief": tijd.nu}), einde)
    tijd.nu = einde
    assert sessies.huidige(d, ingelogd.cookie) is None


def test_only_the_sessions_own_csrf_token_passes() -> None:
    tijd = Tijd()
    _, nieuw, _ = begonnen(tijd)
    assert sessies.csrf_klopt(nieuw.sessie, nieuw.sessie.csrf)
    assert not sessies.csrf_klopt(nieuw.sessie, "geraden")
    assert not sessies.csrf_klopt(nieuw.sessie, None)
    assert not sessies.csrf_klopt(None, nieuw.sessie.csrf)


# eHerkenning: the loket's second client (hulpverleners, a gemeente's beheerders).
UTRECHT = "00000001000000344000"
EHERKENNING = "eherkenning-test"


def met_eherkenning(tijd: Tijd, access: str, nonce: str = "", issuer: str = "") -> Sessiediensten:
    """Both clients; the eHerkenning one hands out `access` and an id token of `issuer` (the
    eHerkenning issuer by default) with `nonce`."""
    id_token = tokens.id_token("mw", nonce, EHERKENNING, issuer or tokens.EHERKENNING_ISSUER)
    return replace(
        diensten(tijd),
        eherkenning=Inlogclient(
            authorize_url="https://eherkenning.test/authorize",
            client_id=EHERKENNING,
            inlogdienst=FakeInlogdienst(Tokens(access, id_token)),
            scope="openid urn:etoegang:1.9:service:vil",
        ),
        gemeenten={f"oin:{UTRECHT}": "0344"},
    )


def eherkenning_login(access: str, issuer: str = "") -> Sessie:
    tijd = Tijd()
    d = met_eherkenning(tijd, access)
    nieuw, url = sessies.begin(d, "/beheer/regelingen", "eherkenning")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith("https://eherkenning.test/authorize?")
    assert (query["client_id"], query["scope"]) == (
        EHERKENNING,
        "openid urn:etoegang:1.9:service:vil",
    )
    assert nieuw.sessie.inlog is not None
    d = met_eherkenning(tijd, access, nieuw.sessie.inlog.nonce, issuer)
    d.sessies.bewaar(nieuw.sessie, tijd() + sessies.INLOGTIJD)
    return sessies.rond_af(d, nieuw.sessie, "de-code", query["state"]).sessie


def test_a_gemeentes_employee_with_the_beheer_role_logs_in_with_eherkenning_as_beheerder() -> None:
    sessie = eherkenning_login(tokens.hulpverlener_token("anne", oin=UTRECHT, rol="beheerder"))
    assert sessie.principal is not None
    assert sessie.principal.soort is Principalsoort.beheerder
    assert (sessie.principal.gemeentecode, sessie.principal.medewerker) == ("0344", "anne")


@pytest.mark.parametrize(
    "access",
    [
        tokens.hulpverlener_token("anne", oin=UTRECHT, rol="wijkteam"),  # another role
        tokens.hulpverlener_token("anne", kvk="90000017", rol="beheerder"),  # not a gemeente
    ],
)
def test_anyone_else_from_eherkenning_is_an_organisations_hulpverlener(access: str) -> None:
    sessie = eherkenning_login(access)
    assert sessie.principal is not None
    assert sessie.principal.soort is Principalsoort.hulpverlener
    assert sessie.principal.gemeentecode is None


def test_eherkenning_logs_in_no_resident_and_takes_only_its_issuers_id_token() -> None:
    with pytest.raises(NietGeauthenticeerd):  # a DigiD token through the eHerkenning client
        eherkenning_login(tokens.burger_token("999993653"))
    with pytest.raises(NietGeauthenticeerd):  # an id token of the DigiD broker
        eherkenning_login(
            tokens.hulpverlener_token("mw-1", kvk="90000017"), issuer=tokens.BURGER_ISSUER
        )


def test_without_an_eherkenning_client_everyone_logs_in_through_digid() -> None:
    d = diensten(Tijd())
    nieuw, url = sessies.begin(d, "/beheer/regelingen", "eherkenning")
    assert url.startswith("https://digid.test/authorize?")
    assert nieuw.sessie.inlog is not None
    assert nieuw.sessie.inlog.middel == "digid"
