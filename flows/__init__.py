"""Prefect flows for cooccur: thin wrappers over the `cooccur` library, one per stage."""
