"""Import a core dataset GeoPackage (``aimak data build ...``) into the places directory.

Rows are matched on their code (СОАТЕ for oblasts, rayons and municipalities, the stable
settlement id for settlements), so a re-import updates in place: no duplicated rows, and every
link to a municipality (hearings, applications, users) is kept. The core reads and validates the
file (``aimak.dataset.Dataset.read``); this module only maps its layers onto the models.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from aimak.dataset import Dataset
from aimak.names import name_key

from .models import ImportRun, Municipality, Oblast, Rayon, Settlement

#: Territories are simplified to about 100 m for the pages (degrees, WGS84).
SIMPLIFY_DEGREES = 0.001


@dataclass
class ImportCounts:
    """What one import created and updated, per model."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": self.created, "updated": self.updated}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _number(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _keys(*names: object) -> str:
    return " ".join(sorted({name_key(n) for n in names if _text(n)}))


def _geojson(geom) -> str:
    if geom is None or geom.is_empty:
        return ""
    import shapely

    simple = shapely.simplify(geom, SIMPLIFY_DEGREES, preserve_topology=True)
    return shapely.to_geojson(shapely.set_precision(simple, 1e-5))


def _upsert(model, rows: list[dict], counts: ImportCounts) -> dict[str, object]:
    """Create or update ``rows`` of ``model`` by code; return code -> instance."""
    existing = {obj.code: obj for obj in model.objects.filter(code__in=[r["code"] for r in rows])}
    new, changed = [], []
    fields = [k for k in rows[0] if k != "code"] if rows else []
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            new.append(model(**row))
            continue
        if any(getattr(obj, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(obj, k, v)
            changed.append(obj)
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=500)
    name = model._meta.model_name
    counts.created[name] = len(new)
    counts.updated[name] = len(changed)
    return {obj.code: obj for obj in model.objects.filter(code__in=[r["code"] for r in rows])}


def _population_provenance(group) -> dict[str, object]:
    """A municipality's population with its provenance, from its settlements' figures."""
    pop = group["population"].astype(float)
    total = float(pop.sum())
    observed = group["population_source"].isin(["observed", "official"])
    share = float(pop[observed].sum() / total) if total > 0 else None
    if observed.all():
        sources = set(group["population_source"])
        source = "official" if sources == {"official"} else "observed"
    elif observed.any():
        source = "mixed"
    else:
        source = "estimated"
    refs = sorted({_text(r) for r in group.get("population_ref", []) if _text(r)})
    return {
        "population": total,
        "population_year": int(group["population_year"].max()),
        "population_source": source,
        "population_ref": (f"sum of {len(group)} settlements "
                           f"({int(observed.sum())} with an observed or official figure); "
                           + "; ".join(refs[:3])),
        "observed_share": share,
    }


@transaction.atomic
def import_dataset(path: str | Path) -> ImportRun:
    """Read ``path`` with the core and create or update every place in one transaction."""
    ds = Dataset.read(path)
    counts = ImportCounts()
    oblasts = _upsert(Oblast, [
        {"code": r.code, "name_ru": r.name_ru, "name_ky": _text(r.name_ky), "name_en": r.name_en,
         "search_keys": _keys(r.name_ru, r.name_ky, r.name_en)}
        for r in ds.oblasts.itertuples()], counts)
    oblast_by_en = {o.name_en: o for o in oblasts.values()}
    rayons = _upsert(Rayon, [
        {"code": r.code, "name_ru": r.name_ru, "name_ky": _text(r.name_ky), "name_en": r.name_en,
         "kind": r.kind, "oblast": oblast_by_en[r.oblast], "territory": _geojson(r.geometry),
         "search_keys": _keys(r.name_ru, r.name_ky, r.name_en)}
        for r in ds.rayons.itertuples()], counts)
    rayon_by_en = {(r.oblast.name_en, r.name_en): r for r in rayons.values()}

    s = ds.settlements
    centres = s.set_index("id")
    areas = ds.to_metric("municipalities").geometry.area / 1e6
    prov = {code: _population_provenance(g) for code, g in s.groupby("municipality_code")}
    rows = []
    for (i, m), area in zip(ds.municipalities.iterrows(), areas, strict=True):
        centre = centres.loc[m["centre_id"]]
        rows.append({
            "code": m["code"], "name_ru": m["name_ru"], "name_ky": _text(m["name_ky"]),
            "name_en": m["name_en"], "kind": m["kind"],
            "rayon": rayon_by_en[(m["oblast"], m["rayon"])],
            "centre_name": _text(centre["name_ru"]),
            "centre_lat": float(centre.geometry.y), "centre_lon": float(centre.geometry.x),
            "centre_rule": _text(m.get("centre_rule")),
            "territory": _geojson(m.geometry), "territory_source": m["territory_source"],
            "area_km2": round(float(area), 1),
            "search_keys": _keys(m["name_ru"], m["name_ky"], m["name_en"]),
            **prov.get(m["code"], {"population": _number(m["population"])}),
        })
        del i
    munis = _upsert(Municipality, rows, counts)
    _upsert(Settlement, [
        {"code": r["id"], "name_ru": r["name_ru"], "name_ky": _text(r["name_ky"]),
         "name_en": r["name_en"], "kind": r["kind"], "municipality": munis[r["municipality_code"]],
         "lat": float(r.geometry.y), "lon": float(r.geometry.x),
         "population": _number(r["population"]),
         "population_year": int(r["population_year"]),
         "population_source": r["population_source"],
         "population_ref": _text(r.get("population_ref")),
         "population_basis": _text(r.get("population_basis")),
         "location_source": _text(r.get("location_source")),
         "is_centre": bool(r["is_municipal_centre"]),
         "search_keys": _keys(r["name_ru"], r["name_ky"], r["name_en"])}
        for _, r in s.iterrows()], counts)
    sources = json.loads(ds.sources.to_json(orient="records")) if len(ds.sources) else []
    return ImportRun.objects.create(source=str(path), counts=counts.as_dict(), sources=sources)
