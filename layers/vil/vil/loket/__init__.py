"""The loket's web recipe and page templates (server-rendered HTML; docs/loket.md)."""
