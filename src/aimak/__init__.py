"""aimak: evidence for territorial reform and tools for local democracy in Kyrgyzstan.

The core library has no web dependencies. Data flows through plain tables:
Dataset -> TravelTimes -> Flows -> Zones -> Plans -> reports.
"""

__version__ = "0.1.0"
