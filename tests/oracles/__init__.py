"""Oracles: independent, plain versions of what aimak computes, written apart from its code
so that a test can hold the two against each other."""
