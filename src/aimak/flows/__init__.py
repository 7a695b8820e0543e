"""Flows between settlements: observed tables, field surveys, modelled gravitation, centres."""
