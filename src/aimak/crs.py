"""Coordinate reference systems: store in WGS84, measure in a metric projection for Kyrgyzstan."""

from __future__ import annotations

from pyproj import CRS

#: Storage CRS of every layer aimak writes.
WGS84 = CRS.from_epsg(4326)

#: Lambert azimuthal equal-area centred on Kyrgyzstan (41.5 N, 74.5 E): areas are exact and
#: distances are within 0.5% over the whole country, unlike a single UTM zone (KG spans 69-80 E,
#: i.e. UTM zones 42-44).
KYRGYZSTAN_LAEA = CRS.from_proj4(
    "+proj=laea +lat_0=41.5 +lon_0=74.5 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)


def metric_crs_for(lon: float, lat: float) -> CRS:
    """Return a metric equal-area CRS centred on (lon, lat) for data outside Kyrgyzstan."""
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +x_0=0 +y_0=0 +datum=WGS84 +units=m"
    )
