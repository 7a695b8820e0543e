"""Bad input gets a clear error naming the file, row, column and what was expected."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from aimak.crs import KYRGYZSTAN_BOUNDS
from aimak.errors import InputError
from aimak.io import atomic_path, read_table, write_layers
from aimak.schema import FACILITIES, FLOWS, MUNICIPALITIES, SETTLEMENTS, validate

GOOD = """id,name_ru,name_ky,name_en,kind,population,population_year,population_source,\
municipality_code,rayon,oblast,is_municipal_centre,lat,lon
s1,Ала-Бука,Ала-Бука,Ala-Buka,village,15426,2021,official,41703204808000,Ala-Buka,Jalal-Abad,yes,41.40,71.42
s2,Достук,,Dostuk,village,1200,2018,estimated,41703204808000,Ala-Buka,Jalal-Abad,no,41.38,71.45
"""


def write(tmp_path: Path, text: str, name: str = "settlements.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> pd.DataFrame:
    return validate(read_table(path), SETTLEMENTS, file=path.name, bounds=KYRGYZSTAN_BOUNDS,
                    region="Kyrgyzstan")


def problems_of(exc: pytest.ExceptionInfo[InputError]) -> list[tuple]:
    return [(Path(p.file).name if p.file else None, p.row, p.column)
            for p in exc.value.problems]


def test_good_csv_loads_with_types_and_wgs84(tmp_path: Path) -> None:
    s = load(write(tmp_path, GOOD))
    assert list(s["id"]) == ["s1", "s2"]
    assert s["population"].tolist() == [15426.0, 1200.0]
    assert s["is_municipal_centre"].tolist() == [True, False]
    assert s.crs.to_epsg() == 4326
    assert s.geometry.iloc[0].x == pytest.approx(71.42)


def test_missing_id_names_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace("s2,", ",", 1)))
    assert ("settlements.csv", 2, "id") in problems_of(exc)
    assert "a value is required" in str(exc.value)


def test_duplicate_id_lists_both_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace("s2,", "s1,", 1)))
    assert "the id 's1' appears more than once (rows 1, 2)" in str(exc.value)


def test_unparseable_coordinate(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace("41.38", "41°38'")))
    assert ("settlements.csv", 2, "lat") in problems_of(exc)
    assert "'41°38'' is not a coordinate" in str(exc.value)


def test_decimal_comma_coordinates_are_accepted(tmp_path: Path) -> None:
    text = GOOD.replace(",41.38,71.45", ',"41,38","71,45"')
    assert load(write(tmp_path, text)).geometry.iloc[1].y == pytest.approx(41.38)


def test_point_outside_region_suggests_swapped_coordinates(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace("41.38,71.45", "71.45,41.38")))
    assert ("settlements.csv", 2, "geometry") in problems_of(exc)
    assert "outside Kyrgyzstan" in str(exc.value) and "swapped" in str(exc.value)


@pytest.mark.parametrize("value,expected", [("-5", "is negative"),
                                            ("many", "is not a number")])
def test_bad_population(tmp_path: Path, value: str, expected: str) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace(",1200,", f",{value},")))
    assert ("settlements.csv", 2, "population") in problems_of(exc)
    assert expected in str(exc.value)


def test_bad_choice_and_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, GOOD.replace("estimated", "guessed")))
    assert "'guessed' is not one of: observed, official, estimated" in str(exc.value)
    no_kind = GOOD.replace(",kind,", ",sort,")
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, no_kind))
    assert "the column 'kind' (village, town or city) is missing" in str(exc.value)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("15426", "-1").replace("s2,", ",", 1)
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, text))
    assert len(exc.value.problems) == 2
    assert str(exc.value).startswith("2 problems in the input:")


def test_flows_naming_unknown_settlements(tmp_path: Path) -> None:
    path = write(tmp_path, "origin,destination,flow\ns1,s2,10\ns1,s9,3\n", "flows.csv")
    with pytest.raises(InputError) as exc:
        validate(read_table(path), FLOWS, file=path.name,
                 known={"origin": {"s1", "s2"}, "destination": {"s1", "s2"}})
    assert problems_of(exc) == [("flows.csv", 2, "destination")]
    assert "'s9' is not a known id" in str(exc.value)


def test_invalid_polygon_geometry(tmp_path: Path) -> None:
    bowtie = shapely.Polygon([(71, 41), (72, 42), (72, 41), (71, 42)])
    frame = gpd.GeoDataFrame({"code": ["1"], "name_ru": ["а"], "name_en": ["a"],
                              "name_ky": [None], "kind": ["ayil_aimak"], "rayon": ["r"],
                              "oblast": ["o"], "centre_id": ["s1"], "population": [1.0],
                              "territory_source": ["approximate"]},
                             geometry=[bowtie], crs=4326)
    path = tmp_path / "m.gpkg"
    frame.to_file(path, layer="municipalities")
    with pytest.raises(InputError) as exc:
        validate(read_table(path), MUNICIPALITIES, file=path.name)
    assert problems_of(exc) == [("m.gpkg", 1, "geometry")]
    assert "Self-intersection" in str(exc.value)


def test_projected_geojson_is_transformed_to_wgs84(tmp_path: Path) -> None:
    pt = gpd.GeoDataFrame({"id": ["f1"], "type": ["hospital"], "name": ["ЦРБ"],
                           "source": ["test (synthetic)"]},
                          geometry=[shapely.Point(71.42, 41.40)], crs=4326).to_crs(32643)
    path = tmp_path / "f.geojson"
    pt.to_file(path, driver="GeoJSON")
    got = validate(read_table(path), FACILITIES, bounds=KYRGYZSTAN_BOUNDS)
    assert got.crs.to_epsg() == 4326
    assert got.geometry.iloc[0].x == pytest.approx(71.42, abs=1e-6)


def test_projected_csv_needs_its_crs(tmp_path: Path) -> None:
    xy = gpd.GeoSeries([shapely.Point(71.42, 41.40)], crs=4326).to_crs(32643).iloc[0]
    path = write(tmp_path, f"id,x,y\nf1,{xy.x},{xy.y}\n", "p.csv")
    with pytest.raises(InputError, match="give their coordinate system"):
        read_table(path)
    got = read_table(path, crs="EPSG:32643")
    assert got.geometry.iloc[0].y == pytest.approx(41.40, abs=1e-6)


def test_xlsx_and_shapefile_readers(tmp_path: Path) -> None:
    frame = pd.read_csv(pd.io.common.StringIO(GOOD), dtype=str)
    xlsx = tmp_path / "s.xlsx"
    frame.to_excel(xlsx, index=False)
    assert list(load(xlsx)["id"]) == ["s1", "s2"]
    shp = tmp_path / "s.shp"
    gdf = load(write(tmp_path, GOOD))
    gdf[["id", "geometry"]].to_crs(32643).to_file(shp)
    back = read_table(shp)
    assert back.crs.to_epsg() == 4326
    assert back.geometry.iloc[1].x == pytest.approx(71.45, abs=1e-6)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"unsupported file type '\.doc'"):
        read_table(write(tmp_path, "x", "a.doc"))


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.gpkg"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_layers_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyogrio

    target = tmp_path / "out.gpkg"
    good = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(71, 41)], crs=4326)
    real = pyogrio.write_dataframe

    def second_layer_fails(frame, path, layer=None, **kw):
        if layer == "bad":
            raise OSError("disk full")
        return real(frame, path, layer=layer, **kw)

    monkeypatch.setattr(pyogrio, "write_dataframe", second_layer_fails)
    with pytest.raises(OSError, match="disk full"):
        write_layers(target, {"good": good, "bad": pd.DataFrame({"x": [1]})})
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_semicolon_csv_from_a_russian_locale_spreadsheet(tmp_path: Path) -> None:
    text = GOOD.replace(",", ";").replace("41.40", "41,40").replace("71.42", "71,42")
    s = load(write(tmp_path, text))
    assert list(s["id"]) == ["s1", "s2"]
    assert s.geometry.iloc[0].y == pytest.approx(41.40)


@pytest.mark.parametrize("cell,expected", [
    ("12 345", 12345.0), ("12\u00a0345,5", 12345.5), ("1\u202f234\u202f567", 1234567.0),
    ("1,5", 1.5), (" 7 ", 7.0)])
def test_numbers_with_digit_groups(tmp_path: Path, cell: str, expected: float) -> None:
    path = write(tmp_path, f'origin,destination,flow\na,b,"{cell}"\n', "flows.csv")
    assert validate(read_table(path), FLOWS, file=path.name)["flow"].tolist() == [expected]


@pytest.mark.parametrize("cell,message", [
    ("1 2 3", "'1 2 3' is not a number"), ("12 34", "'12 34' is not a number"),
    ("inf", "'inf' is not a finite number"), ("1e309", "'1e309' is not a finite number"),
    ("-inf", "'-inf' is not a finite number"), ("true", "'true' is not a number"),
    ("x" * 100_000, "'" + "x" * 55 + "...' is not a number")])
def test_numbers_that_are_not(tmp_path: Path, cell: str, message: str) -> None:
    path = write(tmp_path, f"origin,destination,flow\na,b,{cell}\n", "flows.csv")
    with pytest.raises(InputError) as exc:
        validate(read_table(path), FLOWS, file=path.name)
    assert str(exc.value).startswith(f"flows.csv, row 1, column 'flow': {message}")
    assert len(str(exc.value)) < 200


def test_blank_source_takes_the_default(tmp_path: Path) -> None:
    from aimak.flows.observed import read_flows

    path = write(tmp_path, "origin,destination,flow,source\na,b,3,\nb,a,2,surveyed\n",
                 "flows.csv")
    assert read_flows(path)["source"].tolist() == ["observed", "surveyed"]
