"""Amalgamation plans: criteria, exact and heuristic solvers, ensembles, evaluation."""
