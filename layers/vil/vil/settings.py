"""Settings as models: the only place that reads os.environ."""

import os
from pathlib import Path

from pydantic import BaseModel, Field

# In a checkout the rules sit next to the layer; in Lambda the rules layer mounts at /opt/rules.
_CHECKOUT_RULES = Path(__file__).resolve().parents[3] / "rules"
_LAYER_RULES = Path("/opt/rules")


class RulesSettings(BaseModel):
    """Where the rules engine finds the regelingen (`VIL_RULES_DIR`)."""

    rules_dir: Path = Field(
        default_factory=lambda: _CHECKOUT_RULES if _CHECKOUT_RULES.is_dir() else _LAYER_RULES
    )

    @classmethod
    def from_environ(cls) -> "RulesSettings":
        given = os.environ.get("VIL_RULES_DIR")
        return cls(rules_dir=Path(given)) if given else cls()
