"""The identity provider's token endpoint over httpx: the `Inlogdienst` port."""

from collections.abc import Callable
from urllib.parse import quote_plus

import httpx

from vil.fouten import NietGeauthenticeerd
from vil.ports import Tokens


class Tokenendpoint:
    """POST the code and the PKCE verifier, get the tokens (RFC 6749 4.1.3, RFC 7636 4.5).

    Client authentication: without a secret, `client_id` in the body (a public client with
    PKCE, as the DigiD client and the local simulation take it); with one, HTTP Basic with the
    id and secret form-encoded (`client_secret_basic`, RFC 6749 2.3.1), as the eHerkenning
    broker's confidential client. `geheim` is asked at each exchange, so a rotated secret is
    used once its cache has expired. A broker that wants private_key_jwt needs it added here.
    """

    def __init__(
        self,
        url: str,
        client_id: str,
        timeout: float = 5.0,
        geheim: Callable[[], str] | None = None,
    ) -> None:
        self.url = url
        self.client_id = client_id
        self.timeout = timeout
        self.geheim = geheim

    def wissel(self, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
        }
        auth = None
        if self.geheim is None:
            data["client_id"] = self.client_id
        else:
            auth = httpx.BasicAuth(quote_plus(self.client_id), quote_plus(self.geheim()))
        antwoord = httpx.post(
            self.url,
            data=data,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=self.timeout,
        )
        if antwoord.status_code != 200:
            raise NietGeauthenticeerd("De inlogdienst weigerde de code.")
        body = antwoord.json()
        try:
            return Tokens(access_token=str(body["access_token"]), id_token=str(body["id_token"]))
        except KeyError:
            raise NietGeauthenticeerd("De inlogdienst gaf geen tokens.") from None
