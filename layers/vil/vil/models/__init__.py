"""Pydantic models at every edge: rule files, the household, evaluation results."""
