"""Consent and the monthly schedule never disagree (issue 4: a hypothesis state machine over
give / revoke / re-give): a schedule exists exactly while some source is consented for the
monthly check — after any sequence of requests through the API."""

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.integration.conftest import burger
from tests.integration.hulp import nieuwe_bsn
from vil import samenstelling
from vil_local.lokaal import LokaleStack

BRONNEN = st.sampled_from(["brp", "belastingdienst", "uwv", "svb"])
DOELEN = st.lists(st.sampled_from(["aanvragen", "maandcheck"]), unique=True, max_size=2)


@pytest.fixture
def machine(stack: LokaleStack) -> type[RuleBasedStateMachine]:
    class ToestemmingEnSchema(RuleBasedStateMachine):
        """The model: the purposes per source the resident has consented to."""

        @initialize()
        def inwoner(self) -> None:
            self.api = httpx.Client(base_url=stack.url + "/v1", timeout=30)
            self.bsn = nieuwe_bsn()
            self.doelen: dict[str, set[str]] = {}

        @rule(bron=BRONNEN, doelen=DOELEN)
        def geef(self, bron: str, doelen: list[str]) -> None:
            response = self.api.put(
                f"/toestemmingen/{bron}", json={"doelen": doelen}, headers=burger(self.bsn)
            )
            assert response.status_code == 200, response.text
            self.doelen[bron] = set(doelen)

        @rule(bron=BRONNEN)
        def trek_in(self, bron: str) -> None:
            response = self.api.delete(f"/toestemmingen/{bron}", headers=burger(self.bsn))
            assert response.status_code == 200, response.text
            self.doelen[bron] = set()

        @invariant()
        def een_schema_precies_bij_toestemming(self) -> None:
            planner = samenstelling.toestemmingen().planner
            assert planner is not None
            pseudoniem = samenstelling.toestemmingen().sleutels.pseudoniem(self.bsn)
            verwacht = any("maandcheck" in doelen for doelen in self.doelen.values())
            assert planner.bestaat(pseudoniem) == verwacht

        def teardown(self) -> None:
            self.api.close()

    return ToestemmingEnSchema


def test_consent_and_schedule_never_disagree(machine: type[RuleBasedStateMachine]) -> None:
    run = settings(
        max_examples=15,
        stateful_step_count=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(machine).TestCase
    run().runTest()
