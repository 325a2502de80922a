"""The one Lambda REQUEST authorizer: every route, every caller (docs/standards.md 3b).

It has no identity source and no result caching (docs/libraries.md 5): without an
Authorization header the caller is anonymous, and the route decides what anonymous may do; a
header that is not a valid token is always 401, never anonymous. Allowed requests carry the
`Principal` as the authorizer context.
"""

import re
from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil.fouten import NietGeauthenticeerd
from vil.observability import gebeurtenis, instrumented, logger
from vil.samenstelling import tokencontrole

# Characters Powertools refuses in a policy path (a ':' or '%' in a path parameter) become '*'.
# Without result caching a policy serves this one request, so the wildcard widens nothing.
_NOT_IN_POLICY = re.compile(r"[^/.a-zA-Z0-9_-]")


# Not `@event_source`: its middleware would log every 401 as an ERROR with a traceback.
@instrumented  # the event carries the token: never logged or traced
def lambda_handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = APIGatewayAuthorizerRequestEvent(raw)
    try:
        principal = tokencontrole().principal(event.headers.get("Authorization"))
    except NietGeauthenticeerd as fout:
        logger.info("Token geweigerd", reden=fout.detail)
        gebeurtenis("TokenGeweigerd")
        # API Gateway answers 401 only to exactly this error message.
        raise Exception("Unauthorized") from None
    # The invoked method ARN, path taken whole: Powertools' parser stops at a ':' in the path.
    _, _, method, path = event.method_arn.split("/", 3)
    response = APIGatewayAuthorizerResponse.from_route_arn(
        event.method_arn,
        principal_id=":".join(
            filter(None, [principal.soort, principal.pseudoniem, principal.gemeentecode])
        ),
        context=principal.to_context(),
    )
    response.allow_route(method, _NOT_IN_POLICY.sub("*", path))
    return response.asdict()
