"""Implementations of vil.ports: DynamoDB, KMS, httpx source clients, ..."""
