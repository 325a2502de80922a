"""VIL — Virtueel Inkomsten Loket: the shared layer (rules engine, models, services, adapters)."""
