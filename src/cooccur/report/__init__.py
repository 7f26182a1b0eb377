"""Offline HTML reports: Altair charts on self-contained pages."""
