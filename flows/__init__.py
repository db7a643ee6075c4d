"""Prefect flows: thin wiring around `corpus` stages. The CLI calls these."""
