"""A dataset declares its own region: points must lie within its oblasts, and the metric CRS
follows the data, so that aimak can analyse another country's municipalities too."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from aimak.crs import KYRGYZSTAN_LAEA
from aimak.dataset import Dataset
from aimak.errors import InputError
from test_pipeline import synthetic_dataset


def _moved(dlon: float, dlat: float) -> Dataset:
    """The SYNTHETIC pipeline dataset moved by (dlon, dlat) degrees."""
    ds = synthetic_dataset()
    for name in ("settlements", "municipalities", "rayons", "oblasts", "facilities"):
        layer = getattr(ds, name)
        layer["geometry"] = layer.geometry.translate(dlon, dlat)
    return Dataset(ds.settlements, ds.municipalities, ds.rayons, ds.oblasts, ds.facilities)


def test_kyrgyz_data_measures_in_the_kyrgyz_projection(tmp_path: Path) -> None:
    synthetic_dataset().write(tmp_path / "kg.gpkg")
    assert Dataset.read(tmp_path / "kg.gpkg").metric_crs == KYRGYZSTAN_LAEA


def test_another_country_gets_a_projection_centred_on_it(tmp_path: Path) -> None:
    _moved(-28.0, 1.0).write(tmp_path / "ge.gpkg")  # near Tbilisi, 44 E 42 N
    ds = Dataset.read(tmp_path / "ge.gpkg")
    assert ds.metric_crs != KYRGYZSTAN_LAEA
    centre = ds.oblasts.to_crs(ds.metric_crs).geometry.iloc[0].centroid
    assert abs(centre.x) < 2_000 and abs(centre.y) < 2_000  # the projection is centred here
    # one degree of longitude at 42 N is 82.9 km: measured without a far centre's distortion
    ends = gpd.GeoSeries([shapely.Point(44, 42), shapely.Point(45, 42)], crs=4326)
    ends = ends.to_crs(ds.metric_crs)
    assert ends.iloc[0].distance(ends.iloc[1]) == pytest.approx(82_870, rel=0.005)


def test_points_outside_the_dataset_oblasts_are_named(tmp_path: Path) -> None:
    ds = synthetic_dataset()
    ds.settlements.loc[4, "geometry"] = shapely.Point(75.5, 42.5)  # in Kyrgyzstan, not here
    ds.write(tmp_path / "bad.gpkg")
    with pytest.raises(InputError) as exc:
        Dataset.read(tmp_path / "bad.gpkg")
    text = str(exc.value)
    assert "layer settlements), row 5, column 'geometry'" in text
    assert "outside the dataset's oblasts (Synthetic)" in text
