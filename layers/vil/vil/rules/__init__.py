"""The rules engine: load regelingen as data, validate them, evaluate a household, explain."""

from vil.rules.catalogus import Catalogus
from vil.rules.laden import RegelFout

__all__ = ["Catalogus", "RegelFout"]
