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


#: Kyrgyzstan's extent in WGS84 with a small margin (lon_min, lat_min, lon_max, lat_max).
KYRGYZSTAN_BOUNDS = (69.0, 39.0, 80.5, 43.5)


def metric_crs_for(bounds: tuple[float, float, float, float]) -> CRS:
    """The metric CRS for data within ``bounds`` (WGS84 degrees): Kyrgyzstan's own projection
    for Kyrgyz data, else an equal-area projection centred on the data, so that analyses of
    another country measure in metres without distortion."""
    lon0, lat0, lon1, lat1 = bounds
    k0, k1, k2, k3 = KYRGYZSTAN_BOUNDS
    if lon0 >= k0 and lat0 >= k1 and lon1 <= k2 and lat1 <= k3:
        return KYRGYZSTAN_LAEA
    lon, lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +x_0=0 +y_0=0 +datum=WGS84 +units=m"
    )
