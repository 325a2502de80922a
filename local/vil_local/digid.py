"""The "DigiD simulatie": the dev issuer's authorization and token endpoints for the loket.

Local only, never in the template: a page lists the test persons, the test machtigingen of
DigiD Machtigen (a person acting for a test person), a few hulpverleners and a gemeente's
beheerders (the /beheer/ pages); the choice becomes an authorization code, and the
token endpoint exchanges it (with the PKCE verifier, RFC 7636) for an access token as the
authorizer knows it and an id token with the nonce. Codes live in memory for a minute and are
used once.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode

from stdnum.nl import bsn as bsn_nummer

from vil_local import tokens
from vil_local.overheid import PERSONEN, Testpersoon

AUTHORIZE_PATH = "/_local/digid/authorize"
TOKEN_PATH = "/_local/digid/token"  # noqa: S105 (a path, not a secret)
CLIENT_ID = "vil-local-loket"
# The loket's second client, for eHerkenning: confidential, its secret in (moto's) Secrets
# Manager as on AWS; the simulation checks it at the token endpoint (HTTP Basic).
EHERKENNING_CLIENT_ID = "vil-local-eherkenning"
EHERKENNING_GEHEIM = "lokaal-eherkenning-geheim-niet-echt"  # local only, not a secret
CODE_GELDIG = 60.0  # seconds
# Hulpverleners of two organisations (kvk), as `vil local token --hulpverlener` makes them.
HULPVERLENERS = {
    "mw-1": ("90000017", "Wijkteam Utrecht-Oost, medewerker mw-1"),
    "mw-2": ("90000029", "Schuldhulp Amersfoort, medewerker mw-2"),
}

# DigiD Machtigen: a person logs in with their own DigiD and acts for a test person who machtigde
# them for VIL's service (`vil local token --bsn <gemachtigde> --namens <vertegenwoordigde>`).
# The gemachtigde need not be a test person: VIL never reads their data.
MACHTIGINGEN = {
    ("999990408", "999993653"): "Buurman 999990408 handelt namens 999993653 (Utrecht)",
    ("999996630", "999996708"): "Partner 999996630 handelt namens 999996708 (Amersfoort)",
}

# A gemeente's beheerders (eHerkenning in real life), as `vil local token --rol beheerder` makes
# them: two of Utrecht, so that one proposes and the other approves (four eyes), one of Amersfoort.
BEHEERDERS = {
    "anne": ("0344", "Anne, beheerder gemeente Utrecht"),
    "bram": ("0344", "Bram, beheerder gemeente Utrecht"),
    "cor": ("0307", "Cor, beheerder gemeente Amersfoort"),
}
# Through the eHerkenning client a beheerder is an employee of their gemeente (an OIN, made up
# for the simulation) with the role `beheerder`; the loket knows which OIN is which gemeente.
GEMEENTE_OIN = {"0344": "00000001000000344000", "0307": "00000001000000307000"}
GEMEENTEN = ",".join(f"oin:{oin}={code}" for code, oin in GEMEENTE_OIN.items())

Reply = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class _Code:
    # 'bsn:<bsn>', 'machtigen:<gemachtigde>:<vertegenwoordigde>', 'hulpverlener:<medewerker>'
    # or 'beheerder:<medewerker>'
    keuze: str
    challenge: str
    redirect_uri: str
    nonce: str
    verloopt: float
    client_id: str = CLIENT_ID


class DigidSimulatie:
    """`personen`: the fake government's test persons now (copies made with `vil local kopie`
    included), so that every test person can log in."""

    def __init__(self, personen: Callable[[], Mapping[str, Testpersoon]]) -> None:
        self.personen = personen
        self.codes: dict[str, _Code] = {}
        self.lock = threading.Lock()

    def route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        headers: Mapping[str, str] | None = None,
    ) -> Reply | None:
        if path == AUTHORIZE_PATH:
            return self.pagina(query) if method == "GET" else self.kies(body)
        if method == "POST" and path == TOKEN_PATH:
            return self.token(body, (headers or {}).get("authorization", ""))
        return None

    def pagina(self, query: dict[str, str]) -> Reply:
        """The simulated login page: one button per test person and hulpverlener."""
        fout = _controleer(query)
        if fout:
            return _html(400, f"<p>{html.escape(fout)}</p>")
        verborgen = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(query[k])}">'
            for k in ("redirect_uri", "state", "nonce", "code_challenge", "client_id")
        )
        if query["client_id"] == EHERKENNING_CLIENT_ID:
            return _html(200, self._eherkenning(verborgen))
        personen = "".join(
            _knop(verborgen, f"bsn:{bsn}", f"BSN {bsn}", p.situatie)
            for bsn, p in PERSONEN.items()
            if not p.situatie.startswith(("Kind", "Partner"))
        )
        # A copy (`vil local kopie`) by its number: copies are many, a list would be endless.
        ander = (
            f'<form method="post" action="{AUTHORIZE_PATH}">{verborgen}'
            '<p><label for="bsn">Een ander test-BSN (een kopie)</label> '
            '<input type="text" id="bsn" name="bsn" inputmode="numeric" autocomplete="off"> '
            '<button type="submit">Inloggen met dit BSN</button></p></form>'
        )
        machtigen = "".join(
            _knop(verborgen, f"machtigen:{wie}:{namens}", naam, "DigiD Machtigen")
            for (wie, namens), naam in MACHTIGINGEN.items()
        )
        # For a copy (a new resident in a test): both numbers typed.
        machtigen_ander = (
            f'<form method="post" action="{AUTHORIZE_PATH}">{verborgen}'
            '<p><label for="gemachtigde">BSN van de gemachtigde</label> '
            '<input type="text" id="gemachtigde" name="gemachtigde" inputmode="numeric"'
            ' autocomplete="off"></p>'
            '<p><label for="namens">Namens test-BSN (een kopie)</label> '
            '<input type="text" id="namens" name="namens" inputmode="numeric" autocomplete="off">'
            ' <button type="submit">Inloggen met deze machtiging</button></p></form>'
        )
        hulp = "".join(
            _knop(verborgen, f"hulpverlener:{mw}", naam, f"KvK {kvk}")
            for mw, (kvk, naam) in HULPVERLENERS.items()
        )
        beheer = "".join(
            _knop(verborgen, f"beheerder:{mw}", naam, f"gemeentecode {code}")
            for mw, (code, naam) in BEHEERDERS.items()
        )
        body = (
            '<div class="simulatie"><p><strong>Simulatie.</strong> Dit is niet DigiD. Alleen op'
            " uw eigen computer (vil local) kiest u hier met wie u inlogt.</p></div>"
            "<h1>DigiD simulatie</h1><h2>Inloggen als inwoner</h2>"
            f'<ul class="keuzes">{personen}</ul>{ander}'
            "<h2>Inloggen met DigiD Machtigen (namens een ander)</h2>"
            "<p>Test-machtigingen: u logt in met uw eigen DigiD en handelt namens de inwoner die"
            " u heeft gemachtigd.</p>"
            f'<ul class="keuzes">{machtigen}</ul>{machtigen_ander}'
            f'<h2>Inloggen als hulpverlener (eHerkenning)</h2><ul class="keuzes">{hulp}</ul>'
            "<h2>Inloggen als beheerder van een gemeente (eHerkenning)</h2>"
            f'<ul class="keuzes">{beheer}</ul>'
        )
        return _html(200, body)

    def _eherkenning(self, verborgen: str) -> str:
        """The page for the eHerkenning client: only organisations' employees log in there."""
        hulp = "".join(
            _knop(verborgen, f"hulpverlener:{mw}", naam, f"KvK {kvk}")
            for mw, (kvk, naam) in HULPVERLENERS.items()
        )
        beheer = "".join(
            _knop(verborgen, f"beheerder:{mw}", naam, f"OIN {GEMEENTE_OIN[code]}, rol beheerder")
            for mw, (code, naam) in BEHEERDERS.items()
        )
        return (
            '<div class="simulatie"><p><strong>Simulatie.</strong> Dit is niet DigiD en niet'
            " eHerkenning. Alleen op uw eigen computer (vil local) kiest u hier met wie u"
            " inlogt.</p></div>"
            "<h1>eHerkenning in de DigiD simulatie</h1>"
            f'<h2>Inloggen als hulpverlener</h2><ul class="keuzes">{hulp}</ul>'
            "<h2>Inloggen als beheerder van een gemeente</h2>"
            f'<ul class="keuzes">{beheer}</ul>'
        )

    def kies(self, body: bytes) -> Reply:
        """The choice: a code, and the browser back to the loket (redirect_uri)."""
        formulier = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        fout = _controleer(formulier)
        keuze = formulier.get("keuze") or _getypt(formulier)
        client_id = formulier.get("client_id", "")
        if fout or not self._bekend(keuze, client_id):
            return _html(400, f"<p>{html.escape(fout or 'Onbekende keuze.')}</p>")
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = _Code(
                keuze,
                formulier["code_challenge"],
                formulier["redirect_uri"],
                formulier["nonce"],
                time.monotonic() + CODE_GELDIG,
                client_id,
            )
        terug = (
            formulier["redirect_uri"] + "?" + urlencode({"code": code, "state": formulier["state"]})
        )
        return 302, {"Location": terug, "Cache-Control": "no-store"}, b""

    def _bekend(self, keuze: str, client_id: str) -> bool:
        soort, _, wie = keuze.partition(":")
        if client_id == EHERKENNING_CLIENT_ID and soort not in ("hulpverlener", "beheerder"):
            return False  # eHerkenning: organisations only
        if soort == "bsn":
            return wie in self.personen()
        if soort == "beheerder":
            return wie in BEHEERDERS
        if soort == "machtigen":
            gemachtigde, _, namens = wie.partition(":")
            return (
                bsn_nummer.is_valid(gemachtigde)
                and gemachtigde != namens
                and namens in self.personen()
            )
        return soort == "hulpverlener" and wie in HULPVERLENERS

    def token(self, body: bytes, authorization: str = "") -> Reply:
        """The token endpoint: code, verifier, redirect_uri and the client (its id in the body,
        or for eHerkenning id and secret by HTTP Basic) must match."""
        formulier = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self.lock:
            code = self.codes.pop(formulier.get("code", ""), None)
        verifier = formulier.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            code is None
            or code.verloopt < time.monotonic()
            or not secrets.compare_digest(challenge, code.challenge)
            or formulier.get("redirect_uri") != code.redirect_uri
            or not _client_klopt(code.client_id, formulier, authorization)
            or formulier.get("grant_type") != "authorization_code"
        ):
            return _json(400, {"error": "invalid_grant"})
        soort, _, wie = code.keuze.partition(":")
        issuer = tokens.BURGER_ISSUER
        if code.client_id == EHERKENNING_CLIENT_ID:
            issuer = tokens.EHERKENNING_ISSUER
            access = _eherkenning_token(soort, wie)
        elif soort == "bsn":
            access = tokens.burger_token(wie)
        elif soort == "beheerder":
            access = tokens.gemeente_token(BEHEERDERS[wie][0], "beheerder", wie)
        elif soort == "machtigen":
            wie, _, namens = wie.partition(":")  # the id token names who logged in
            access = tokens.machtigen_token(wie, namens)
        else:
            access = tokens.hulpverlener_token(wie, kvk=HULPVERLENERS[wie][0])
        return _json(200, {
            "access_token": access,
            "id_token": tokens.id_token(wie, code.nonce, code.client_id, issuer),
            "token_type": "Bearer",
            "expires_in": int(tokens.GELDIGHEID.total_seconds()),
        })  # fmt: skip


def _client_klopt(client_id: str, formulier: dict[str, str], authorization: str) -> bool:
    """The public DigiD client names itself in the body; the confidential eHerkenning client
    authenticates with its id and secret (client_secret_basic, RFC 6749 2.3.1)."""
    if client_id != EHERKENNING_CLIENT_ID:
        return formulier.get("client_id") == CLIENT_ID
    schema, _, waarde = authorization.partition(" ")
    try:
        gebruiker, _, wachtwoord = base64.b64decode(waarde).decode().partition(":")
    except ValueError:
        return False
    return (
        schema.lower() == "basic"
        and unquote_plus(gebruiker) == EHERKENNING_CLIENT_ID
        and secrets.compare_digest(unquote_plus(wachtwoord), EHERKENNING_GEHEIM)
    )


def _eherkenning_token(soort: str, wie: str) -> str:
    """An organisation's employee as the eHerkenning broker passes them: a hulpverlener of
    their organisation, or a beheerder as an employee of the gemeente with the beheer role."""
    if soort == "beheerder":
        return tokens.hulpverlener_token(wie, oin=GEMEENTE_OIN[BEHEERDERS[wie][0]], rol="beheerder")
    return tokens.hulpverlener_token(wie, kvk=HULPVERLENERS[wie][0])


def _getypt(formulier: dict[str, str]) -> str:
    """The choice typed in one of the two forms for a copy: a BSN, or a machtiging."""
    if "gemachtigde" in formulier:
        gemachtigde = formulier.get("gemachtigde", "").strip()
        return f"machtigen:{gemachtigde}:{formulier.get('namens', '').strip()}"
    return f"bsn:{formulier.get('bsn', '').strip()}"


def _controleer(velden: dict[str, str]) -> str | None:
    for naam in ("redirect_uri", "state", "nonce", "code_challenge"):
        if not velden.get(naam):
            return f"{naam} ontbreekt."
    if velden.get("client_id") not in (CLIENT_ID, EHERKENNING_CLIENT_ID):
        return "Onbekende client_id."
    if velden.get("code_challenge_method", "S256") != "S256":
        return "Alleen PKCE met S256."
    if not velden["redirect_uri"].startswith("http://127.0.0.1:"):
        return "De redirect_uri hoort bij het lokale loket."
    return None


def _knop(verborgen: str, keuze: str, naam: str, uitleg: str) -> str:
    return (
        f'<li><form method="post" action="{AUTHORIZE_PATH}">{verborgen}'
        f'<button type="submit" name="keuze" value="{html.escape(keuze)}">{html.escape(naam)}'
        f"</button> <span>{html.escape(uitleg)}</span></form></li>"
    )


_STIJL = (
    "body{font-family:sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}"
    ".simulatie{border:4px dashed #b30000;padding:.5rem 1rem;background:#fff4f4}"
    ".keuzes{list-style:none;padding:0}.keuzes li{margin:.5rem 0}"
    "button{font:inherit;padding:.4rem .8rem;margin-right:.5rem;cursor:pointer}"
)


def _html(status: int, inhoud: str) -> Reply:
    pagina = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>DigiD simulatie (niet echt)</title><style>{_STIJL}</style></head>"
        f"<body><main>{inhoud}</main></body></html>"
    )
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action http://127.0.0.1:*",
    }
    return status, headers, pagina.encode()


def _json(status: int, body: Any) -> Reply:
    return (
        status,
        {"Content-Type": "application/json", "Cache-Control": "no-store"},
        json.dumps(body).encode(),
    )
