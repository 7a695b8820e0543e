"""Flows between settlements: observed tables, field surveys, modelled gravitation, centres."""

#: Metres within which a facility counts as being in its nearest settlement (``flows.centres``).
DEFAULT_SNAP_M = 2000.0
