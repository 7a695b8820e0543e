"""Functional zones from flows: LMA/TTWA, nodal regions, Leiden, Intramax, and their metrics."""
