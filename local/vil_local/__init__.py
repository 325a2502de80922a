"""The no-Docker local stack: API router, moto, fake government, dev tokens (development only)."""
