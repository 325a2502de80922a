"""The authorizer, called as API Gateway would: anonymous, citizens, gemeenten, and every 401."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import HttpUrl

from functions.authorizer import app
from tests.kms import moto_sleutels
from vil.adapters.sleutels import KmsSleutels
from vil.models.identiteit import Principal, Principalsoort
from vil.samenstelling import tokencontrole
from vil.services.identiteit import (
    Machtigen,
    Organisatieclaims,
    Tokencontrole,
    Tokenuitgever,
    jwks,
)
from vil_local.stack import Context
from vil_local.tokens import InProcessJwks

BSN = "999993653"
OIDC = "https://digid-broker.test"
M2M = "https://auth.gemeenten.test"
AUDIENCE = "vil-api"
KID = "test-key"
METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/api/GET/v1/aanvragen/01J"

TRUSTED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWKS = {
    "keys": [{**jwt.algorithms.RSAAlgorithm.to_jwk(TRUSTED.public_key(), as_dict=True), "kid": KID}]
}


def vertrouw(keys: jwt.PyJWKClient, sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the handler validate with these keys and these KMS keys."""
    controle = Tokencontrole(
        Tokenuitgever(OIDC, AUDIENCE, keys), Tokenuitgever(M2M, AUDIENCE, keys), sleutels
    )
    monkeypatch.setattr(app, "tokencontrole", lambda: controle)


@pytest.fixture(autouse=True)
def sleutels(monkeypatch: pytest.MonkeyPatch) -> Iterator[KmsSleutels]:
    """The real handler and validator, with moto KMS and the test JWKS in-process."""
    with moto_sleutels() as sleutels:
        vertrouw(InProcessJwks(JWKS), sleutels, monkeypatch)
        yield sleutels


def token(iss: str = OIDC, key: Any = TRUSTED, algorithm: str = "RS256", **claims: Any) -> str:
    """A token valid for an hour; a claim given as None is left out."""
    now = datetime.now(UTC)
    standaard: dict[str, Any] = {
        "iss": iss,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    if iss == OIDC:
        standaard |= {"acr": "http://eidas.europa.eu/LoA/substantial", "bsn": BSN}
    else:
        standaard |= {"gemeentecode": "0344", "rol": "gemeente"}
    payload = {k: v for k, v in (standaard | claims).items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": KID})


def authorize(authorization: str | None, method_arn: str = METHOD_ARN) -> dict[str, Any]:
    headers = {"Host": "api.vil.test"} | ({"Authorization": authorization} if authorization else {})
    event = {
        "type": "REQUEST",
        "methodArn": method_arn,
        "resource": "/v1/aanvragen/{id}",
        "path": "/v1/aanvragen/01J",
        "httpMethod": "GET",
        "headers": headers,
        "queryStringParameters": {},
        "pathParameters": {"id": "01J"},
        "stageVariables": {},
        "requestContext": {"stage": "api", "requestId": "test-request"},
    }
    response: dict[str, Any] = app.lambda_handler(event, Context("AuthorizerFunction"))
    return response


def allowed(response: dict[str, Any], method_arn: str = METHOD_ARN) -> Principal:
    """The principal of an Allow for exactly the invoked method."""
    (statement,) = response["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == [method_arn]
    return Principal.from_context(response["context"])


def test_no_authorization_header_is_anonymous() -> None:
    assert allowed(authorize(None)) == Principal()


def test_a_citizen_is_known_by_pseudonym_and_encrypted_bsn(sleutels: KmsSleutels) -> None:
    response = authorize(f"Bearer {token()}")

    principal = allowed(response)
    assert principal.soort == Principalsoort.burger
    assert principal.pseudoniem == sleutels.pseudoniem(BSN)
    assert principal.bsn_versleuteld is not None
    assert sleutels.ontsleutel(principal.bsn_versleuteld) == BSN
    assert BSN not in json.dumps(response)


def test_a_sector_coded_bsn_is_the_same_citizen(sleutels: KmsSleutels) -> None:
    principal = allowed(authorize(f"Bearer {token(bsn=f's00000000:{BSN}')}"))
    assert principal.pseudoniem == sleutels.pseudoniem(BSN)


@pytest.mark.parametrize("rol", ["gemeente", "beheerder"])
def test_a_gemeente_or_beheerder_is_known_by_gemeentecode(rol: str) -> None:
    principal = allowed(authorize(f"Bearer {token(M2M, rol=rol)}"))
    assert principal == Principal(soort=Principalsoort(rol), gemeentecode="0344")


def test_a_beheerder_is_known_by_the_medewerker_in_the_token_too() -> None:
    principal = allowed(authorize(f"Bearer {token(M2M, rol='beheerder', medewerker='bram')}"))
    assert principal.medewerker == "bram"


def test_an_odd_character_in_the_path_widens_only_that_part_of_the_policy() -> None:
    arn = METHOD_ARN.replace("01J", "a:b%20c")
    (statement,) = authorize(None, arn)["policyDocument"]["Statement"]
    assert statement["Resource"] == [arn.replace("a:b%20c", "a*b*20c")]


def _verlopen() -> str:
    now = datetime.now(UTC)
    return token(iat=now - timedelta(hours=2), exp=now - timedelta(hours=1))


INVALID = {
    "expired": _verlopen,
    "not yet valid": lambda: token(nbf=datetime.now(UTC) + timedelta(hours=1)),
    "issued in the future": lambda: token(iat=datetime.now(UTC) + timedelta(hours=1)),
    "wrong issuer": lambda: token(iss="https://elders.test"),
    "wrong audience": lambda: token(aud="een-ander"),
    "no expiry": lambda: token(exp=None),
    "HS256": lambda: token(key="een-gedeeld-geheim-van-32-tekens!", algorithm="HS256"),
    "alg none": lambda: token(key=None, algorithm="none"),
    "signed by another key": lambda: token(key=OTHER),
    "acr low": lambda: token(acr="http://eidas.europa.eu/LoA/low"),
    "acr unknown": lambda: token(acr="urn:iets"),
    "no acr": lambda: token(acr=None),
    "no BSN claim": lambda: token(bsn=None),
    "BSN failing the elfproef": lambda: token(bsn="999993654"),
    "BSN as a number": lambda: token(bsn=999993653),
    "BSN of another sector": lambda: token(bsn=f"s00000099:{BSN}"),
    "gemeentecode of 3 digits": lambda: token(M2M, gemeentecode="344"),
    "gemeentecode as a number": lambda: token(M2M, gemeentecode=344),
    "unknown rol": lambda: token(M2M, rol="admin"),
    "no rol": lambda: token(M2M, rol=None),
    "medewerker as a number": lambda: token(M2M, rol="beheerder", medewerker=7),
    "medewerker with a space": lambda: token(M2M, rol="beheerder", medewerker="an ne"),
}
HEADERS = {
    "Basic scheme": "Basic dXNlcjpwYXNz",
    "Bearer alone": "Bearer",
    "Bearer and spaces": "Bearer   ",
    "garbage token": "Bearer not.a.jwt",
    "garbage header": "garbage",
}


@pytest.mark.parametrize("maak", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_token_is_401(maak: Any) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$") as raised:
        authorize(f"Bearer {maak()}")
    assert raised.type is Exception


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_a_malformed_authorization_header_is_401(header: str) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(header)


def test_a_rejection_logs_why_but_not_the_token(caplog: pytest.LogCaptureFixture) -> None:
    ongeldig = token(bsn="999993654")
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {ongeldig}")
    (record,) = [r for r in caplog.records if r.name == "vil"]
    assert record.reden == "Het token bevat geen geldig BSN."
    assert ongeldig not in str(vars(record))
    assert "999993654" not in str(vars(record))


def test_an_unreachable_jwks_is_a_server_error_not_a_401(
    monkeypatch: pytest.MonkeyPatch, sleutels: KmsSleutels
) -> None:
    vertrouw(jwks(HttpUrl("http://127.0.0.1:9/jwks.json")), sleutels, monkeypatch)  # port 9: none
    with pytest.raises(jwt.PyJWKClientConnectionError):
        authorize(f"Bearer {token()}")


def test_settings_are_read_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {
        "OIDC_ISSUER": OIDC,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_JWKS_URL": "https://digid-broker.test/jwks",
        "M2M_ISSUER": M2M,
        "M2M_AUDIENCE": AUDIENCE,
        "M2M_JWKS_URL": "https://auth.gemeenten.test/jwks",
        "PSEUDONIEM_SLEUTEL": "alias/pseudoniem",
        "GEGEVENS_SLEUTEL": "alias/gegevens",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    tokencontrole.cache_clear()  # the real factory, imported before the fixture replaced it
    controle = tokencontrole()
    assert (controle.burger.issuer, controle.m2m.issuer) == (OIDC, M2M)
    assert controle.burger.sleutels.uri == "https://digid-broker.test/jwks"
    assert tokencontrole() is controle
    tokencontrole.cache_clear()


# Acting for someone: DigiD Machtigen and organisations' hulpverleners (docs/machtigingen.md).

ANDER = "999990408"  # the represented resident
EHERKENNING = "https://eherkenning-broker.test"
DIENST = "urn:nl:digid:machtigen:dienst:vil"


def vertrouw_ook(
    sleutels: KmsSleutels,
    monkeypatch: pytest.MonkeyPatch,
    machtigen: Any,
    organisatieclaims: Organisatieclaims = Organisatieclaims(),  # noqa: B008 (frozen)
) -> None:
    keys = InProcessJwks(JWKS)
    controle = Tokencontrole(
        Tokenuitgever(OIDC, AUDIENCE, keys),
        Tokenuitgever(M2M, AUDIENCE, keys),
        sleutels,
        bsn_claim=machtigen.pop("bsn_claim", "bsn"),
        organisatie=Tokenuitgever(EHERKENNING, AUDIENCE, keys),
        machtigen=Machtigen(dienst=DIENST, **machtigen),
        organisatieclaims=organisatieclaims,
    )
    monkeypatch.setattr(app, "tokencontrole", lambda: controle)


def test_digid_machtigen_names_the_represented_resident(
    sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    vertrouw_ook(sleutels, monkeypatch, {})
    represents = {"sub": f"s00000000:{ANDER}", "sub_id_type": "urn:nl-eid-gdi:1.0:id:BSN"}
    response = authorize(f"Bearer {token(represents=represents, service_id=DIENST)}")
    principal = allowed(response)
    assert principal.soort is Principalsoort.burger
    assert principal.pseudoniem == sleutels.pseudoniem(BSN)  # the gemachtigde
    assert principal.namens_pseudoniem == sleutels.pseudoniem(ANDER)
    assert principal.namens_bsn_versleuteld is not None
    assert sleutels.ontsleutel(principal.namens_bsn_versleuteld) == ANDER
    assert principal.bsn_versleuteld is None  # the gemachtigde's own BSN is not passed on
    assert ANDER not in json.dumps(response)
    assert BSN not in json.dumps(response)


def test_a_brokers_claim_names_are_configuration(
    sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    # acting_nin holds the gemachtigde, nin the represented resident
    broker = {"bsn_claim": "nin", "claim": "acting_nin", "houdt": "gemachtigde",
              "dienst_claim": "dienst"}  # fmt: skip
    vertrouw_ook(sleutels, monkeypatch, broker)
    machtigen = token(bsn=None, nin=ANDER, acting_nin=BSN, dienst=DIENST)
    principal = allowed(authorize(f"Bearer {machtigen}"))
    assert principal.pseudoniem == sleutels.pseudoniem(BSN)
    assert principal.namens_pseudoniem == sleutels.pseudoniem(ANDER)
    zelf = allowed(authorize(f"Bearer {token(bsn=None, nin=BSN)}"))
    assert (zelf.pseudoniem, zelf.namens_pseudoniem) == (sleutels.pseudoniem(BSN), None)


def test_without_a_configured_service_a_represents_claim_changes_nothing(
    sleutels: KmsSleutels,
) -> None:
    # The default composition of the tests above: DigiD Machtigen not configured
    principal = allowed(authorize(f"Bearer {token(represents={'sub': ANDER})}"))
    assert (principal.pseudoniem, principal.namens_pseudoniem) == (sleutels.pseudoniem(BSN), None)


def test_an_organisations_hulpverlener_is_known_by_organisation_and_employee(
    sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    vertrouw_ook(sleutels, monkeypatch, {})
    claims = {"acr": "http://eidas.europa.eu/LoA/substantial", "medewerker": "mw-1",
              "rol": "wijkteam", "gemeentecode": None}  # fmt: skip
    kvk = allowed(authorize(f"Bearer {token(EHERKENNING, kvk='90000017', **claims)}"))
    assert kvk == Principal(
        soort=Principalsoort.hulpverlener, organisatie="kvk:90000017", medewerker="mw-1"
    )
    oin = allowed(authorize(f"Bearer {token(EHERKENNING, oin='0' * 20, **claims)}"))
    assert oin.organisatie == f"oin:{'0' * 20}"


def test_an_organisation_brokers_claim_names_are_configuration(
    sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broker that passes eHerkenning's attributes under their URNs
    urn = Organisatieclaims(
        kvk="urn:etoegang:1.9:EntityConcernedID:KvKnr",
        oin="urn:etoegang:1.9:EntityConcernedID:OIN",
        medewerker="urn:etoegang:1.9:ActingSubjectID",
        rol="urn:vil:rol",
    )
    vertrouw_ook(sleutels, monkeypatch, {}, urn)
    claims = {"acr": "http://eidas.europa.eu/LoA/substantial", "gemeentecode": None,
              urn.kvk: "90000017", urn.medewerker: "mw-1", urn.rol: "wijkteam"}  # fmt: skip
    principal = allowed(authorize(f"Bearer {token(EHERKENNING, **claims)}"))
    assert (principal.organisatie, principal.medewerker) == ("kvk:90000017", "mw-1")
    # The short names are then no organisation token at all
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {token(EHERKENNING, **ORGANISATIE)}")


def test_the_claim_names_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {
        "OIDC_ISSUER": OIDC, "OIDC_AUDIENCE": AUDIENCE, "OIDC_JWKS_URL": f"{OIDC}/jwks",
        "M2M_ISSUER": M2M, "M2M_AUDIENCE": AUDIENCE, "M2M_JWKS_URL": f"{M2M}/jwks",
        "PSEUDONIEM_SLEUTEL": "alias/pseudoniem", "GEGEVENS_SLEUTEL": "alias/gegevens",
        "BSN_CLAIM": "nin", "MACHTIGEN_DIENST": DIENST, "MACHTIGEN_CLAIM": "acting_nin",
        "MACHTIGEN_HOUDT": "gemachtigde", "MACHTIGEN_DIENST_CLAIM": "dienst",
        "EHERKENNING_ISSUER": EHERKENNING, "EHERKENNING_AUDIENCE": AUDIENCE,
        "EHERKENNING_JWKS_URL": f"{EHERKENNING}/jwks", "EHERKENNING_KVK_CLAIM": "kvk_nummer",
        "EHERKENNING_OIN_CLAIM": "oin_nummer", "EHERKENNING_MEDEWERKER_CLAIM": "sub",
        "EHERKENNING_ROL_CLAIM": "organisatierol",
    }  # fmt: skip
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    tokencontrole.cache_clear()
    try:
        controle = tokencontrole()
        assert controle.organisatieclaims == Organisatieclaims(
            kvk="kvk_nummer", oin="oin_nummer", medewerker="sub", rol="organisatierol"
        )
        assert controle.bsn_claim == "nin"
        assert controle.machtigen == Machtigen(
            dienst=DIENST, dienst_claim="dienst", claim="acting_nin", houdt="gemachtigde"
        )
    finally:
        tokencontrole.cache_clear()


ORGANISATIE = {"acr": "http://eidas.europa.eu/LoA/substantial", "medewerker": "mw-1",
               "rol": "wijkteam", "kvk": "90000017", "gemeentecode": None}  # fmt: skip
INVALID_NAMENS = {
    "machtigen for another service": {"represents": {"sub": ANDER}, "service_id": "elders"},
    "machtigen without a service": {"represents": {"sub": ANDER}},
    "nested represents": {"represents": {"sub": ANDER, "represents": {"sub": BSN}},
                          "service_id": DIENST},
    "represents no valid BSN": {"represents": {"sub": "123456789"}, "service_id": DIENST},
    "represents oneself": {"represents": {"sub": BSN}, "service_id": DIENST},
    "represents in another sector": {"represents": {"sub": f"s00000099:{ANDER}"},
                                     "service_id": DIENST},
}  # fmt: skip
INVALID_ORGANISATIE = {
    "no organisation": {"kvk": None},
    "kvk and oin": {"oin": "0" * 20},
    "kvk of 7 digits": {"kvk": "9000001"},
    "no medewerker": {"medewerker": None},
    "medewerker with a space": {"medewerker": "mw 1"},
    "no rol": {"rol": None},
    "acr low": {"acr": "http://eidas.europa.eu/LoA/low"},
}


@pytest.mark.parametrize("claims", INVALID_NAMENS.values(), ids=INVALID_NAMENS.keys())
def test_an_invalid_machtigen_token_is_401(
    claims: dict[str, Any], sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    vertrouw_ook(sleutels, monkeypatch, {})
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {token(**claims)}")


@pytest.mark.parametrize("claims", INVALID_ORGANISATIE.values(), ids=INVALID_ORGANISATIE.keys())
def test_an_invalid_hulpverlener_token_is_401(
    claims: dict[str, Any], sleutels: KmsSleutels, monkeypatch: pytest.MonkeyPatch
) -> None:
    vertrouw_ook(sleutels, monkeypatch, {})
    allowed(authorize(f"Bearer {token(EHERKENNING, **ORGANISATIE)}"))  # valid as it stands
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {token(EHERKENNING, **(ORGANISATIE | claims))}")


def test_an_organisation_token_is_refused_when_no_eherkenning_issuer_is_configured() -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {token(EHERKENNING, **ORGANISATIE)}")
