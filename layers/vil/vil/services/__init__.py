"""Use cases: each takes its ports as arguments; no event or HTTP types here."""
