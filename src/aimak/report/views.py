"""What the HTML and PDF reports show, in the report's language: map layers, tables, charts.

``build_context`` returns one dictionary that both Jinja2 templates render, so that the two
formats never disagree on a number. Every string shown goes through ``aimak.i18n``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from aimak import __version__
from aimak.i18n import N_, _, fmt_number
from aimak.report.charts import bar_chart
from aimak.report.format import build_table, sideways
from aimak.report.layers import display_names, layer_key, plan_members
from aimak.report.model import (
    BUILT_IN,
    CHART_COLUMNS,
    COMPARISON_COLUMNS,
    HIDDEN_KEYS,
    KEY_LABELS,
    UNIT_COLUMNS,
    VALUE_LABELS,
    ZONE_COLUMNS,
    PlanReport,
    ReportInputs,
    resolve_columns,
)
from aimak.report.national import national_context, oblasts_covered, plan_anchor, unit_oblasts
from aimak.report.provenance import (
    CLASS_LABELS,
    CLASS_MEANINGS,
    municipal_population_table,
    provenance_table,
    sources_table,
    translated,
)
from aimak.report.svgmap import Canvas, MapLayer, neighbour_colours, render_svg

SETTLEMENT_KINDS = {"village": N_("village"), "town": N_("town"), "city": N_("city")}
MUNICIPALITY_KINDS = {"ayil_aimak": N_("ayil aimak"), "town": N_("town"), "city": N_("city")}
FACILITY_TYPES = {
    "hospital": N_("hospital"), "clinic": N_("clinic"), "feldsher_post": N_("feldsher post"),
    "pharmacy": N_("pharmacy"), "dentist": N_("dentist"), "laboratory": N_("laboratory"),
    "other_health": N_("other health facility"), "school": N_("school"),
    "kindergarten": N_("kindergarten"), "market": N_("market"), "bank": N_("bank"),
    "post_office": N_("post office"), "ayil_okmotu": N_("ayil okmotu (local administration)"),
    "rayon_administration": N_("rayon administration"),
}
FACILITY_COLOURS = {"health": "#d7301f", "education": "#2b8cbe", "administration": "#6a51a3",
                    "other": "#636363"}
_HEALTH = {"hospital", "clinic", "feldsher_post", "pharmacy", "dentist", "laboratory",
           "other_health"}
_EDUCATION = {"school", "kindergarten"}
_ADMIN = {"ayil_okmotu", "rayon_administration"}

#: Smallest settlement circle (SVG units of a 1000-unit-wide map), so that hamlets stay visible.
MIN_RADIUS = 2.0

#: Most flows the interactive map draws (all are in the GeoPackage).
MAX_MAP_FLOWS = 300


def _group(kind: str) -> str:
    if kind in _HEALTH:
        return "health"
    if kind in _EDUCATION:
        return "education"
    if kind in _ADMIN:
        return "administration"
    return "other"


def _prov(cls: str) -> str:
    return _(CLASS_LABELS.get(cls, cls))


def _rows(frame: pd.DataFrame, columns: dict[str, tuple[str, str, str]], lang: str,
          extra: dict[str, list[str]] | None = None) -> list[list[list[str]]]:
    """Per feature, [label, value] pairs for the click panel (value says its provenance)."""
    table = build_table(frame, columns, lang, extra)
    out = []
    for row in table.rows:
        out.append([[h, f"{v} ({_prov(p)})" if numeric and v != "–" else v]
                    for h, v, p, numeric in zip(table.headers, row, table.provenance,
                                                table.numeric, strict=True)])
    return out


def map_layers(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame]) -> list[MapLayer]:
    """The switchable layers of the map, bottom to top, with their click-panel contents."""
    pop_cls = resolve_columns({"population": ("", "", "")}, inputs)["population"][2]
    out = [_municipality_layer(inputs, layers, pop_cls)]
    if "zones" in layers:
        out.append(_zone_layer(inputs, layers["zones"], pop_cls))
    out += [_plan_layer(inputs, layers, key, plan) for key, plan in inputs.plans.items()]
    if "flows" in layers:
        out.append(_flow_layer(inputs, layers["flows"]))
    out.append(_settlement_layer(inputs, layers))
    if len(layers["facilities"]):
        out.append(_facility_layer(inputs, layers["facilities"]))
    return out


def _src(inputs: ReportInputs, value: object) -> str:
    """A row's provenance class, or "synthetic" for the whole of a synthetic input."""
    return "synthetic" if inputs.synthetic else str(value)


def _municipality_layer(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame],
                        pop_cls: str) -> MapLayer:
    lang = inputs.lang
    s_names = pd.Series(layers["settlements"]["name"].to_numpy(),
                        index=layers["settlements"]["id"].to_numpy())
    rayons = inputs.dataset.rayons
    rayon_names = dict(zip(rayons["name_en"].astype(str),
                           display_names(rayons, lang), strict=True))
    mun = layers["municipalities"]
    mun_area = mun.to_crs(inputs.dataset.metric_crs).geometry.area.to_numpy() / 1e6
    info = []
    for i in range(len(mun)):
        r = mun.iloc[i]
        info.append({"title": str(r["name"]), "rows": [
            [_("Kind"), _(MUNICIPALITY_KINDS.get(r["kind"], r["kind"]))],
            [_("Code"), str(r["code"])],
            [_("Centre"), str(s_names.get(r["centre_id"], r["centre_id"]))],
            [_("Population"), f"{fmt_number(r['population'], 'int', lang)} "
                              f"({_prov(pop_cls)})"],
            [_("Area, km²"), f"{fmt_number(mun_area[i], 'km2', lang)} "
                             f"({_prov(_src(inputs, r['territory_source']))})"],
            [_("Rayon"), str(rayon_names.get(r["rayon"], r["rayon"]))],
        ]})
    return MapLayer("municipalities", _("Current ayil aimaks and towns"), "polygon", mun,
                    fill="#f3efe6", stroke="#7a6f5a", coverage=True, info=info,
                    note=_("Territories: official or approximate, see the sources."))


def _zone_layer(inputs: ReportInputs, z: gpd.GeoDataFrame, pop_cls: str) -> MapLayer:
    lang = inputs.lang
    zinfo = [{"title": _("Zone {zone}").format(zone=r["zone"]), "rows": [
        [_("Settlements"), fmt_number(r["n_settlements"], "int", lang)],
        [_("Population"), f"{fmt_number(r['population'], 'int', lang)} "
                          f"({_prov(pop_cls)})"],
        [_("Area, km²"), f"{fmt_number(r['area_km2'], 'km2', lang)} "
                         f"({_prov(_src(inputs, 'approximate'))})"],
        [_("Method"), str(r["method"]) or "–"],
    ]} for _i, r in z.iterrows()]
    return MapLayer("zones", _("Functional zones"), "polygon", z,
                    fill=neighbour_colours(z.to_crs(inputs.dataset.metric_crs)),
                    stroke="#444444", visible=False, coverage=True, info=zinfo,
                    opacity=0.85, note=_("Modelled from flows; outlines approximate."))


def _plan_layer(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame], key: str,
                plan) -> MapLayer:
    lk = layer_key(key)
    p = layers[lk]
    extra = _services(p)
    if "centre_name" in p.columns:
        extra["centre"] = p["centre_name"].tolist()
    rows = _rows(p, resolve_columns(UNIT_COLUMNS, inputs), inputs.lang, extra)
    titles = (p["centre_name"] if "centre_name" in p.columns else p["new_unit"]).astype(str)
    pinfo = [{"title": t, "rows": r} for t, r in zip(titles, rows, strict=True)]
    return MapLayer(lk, _("Plan: {title}").format(title=_(plan.title)), "polygon", p,
                    fill=neighbour_colours(p.to_crs(inputs.dataset.metric_crs)),
                    stroke="#222222", visible=False, coverage=True, info=pinfo,
                    opacity=0.85, note=_("Modelled; unions of current territories."))


def _flow_layer(inputs: ReportInputs, f: gpd.GeoDataFrame) -> MapLayer:
    if "service" in f.columns:  # one line per pair on the map, all services summed
        keys = ["origin", "destination", "source"]
        first = f.drop_duplicates(keys).set_index(keys)
        total = f.groupby(keys)["flow"].sum()
        f = gpd.GeoDataFrame(first.drop(columns=["flow", "service"]).assign(flow=total)
                             .reset_index(), geometry="geometry", crs=f.crs)
        f = f.sort_values("flow", ascending=False, kind="stable")
    f = f.head(MAX_MAP_FLOWS)
    fmax = float(f["flow"].max()) if len(f) else 1.0
    width = 0.6 + 5.0 * np.sqrt(f["flow"].to_numpy(float) / max(fmax, 1e-12))
    finfo = [{"title": f"{r['origin_name']} → {r['destination_name']}", "rows": [
        [_("Flow, people or trips"), f"{fmt_number(r['flow'], 'float1', inputs.lang)} "
                                    f"({_prov(_src(inputs, r['source']))})"],
    ]} for _i, r in f.iterrows()]
    return MapLayer("flows", _("Main flows"), "line", f, fill="#c2185b", size=width,
                    visible=False, info=finfo, opacity=0.6,
                    note=_("The {count} largest flows between settlements.").format(
                        count=len(f)))


def _settlement_layer(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame]) -> MapLayer:
    lang = inputs.lang
    st = layers["settlements"]
    mun = layers["municipalities"]
    unit_centres = {
        key: dict(zip(layers[layer_key(key)]["new_unit"],
                      layers[layer_key(key)].get("centre_name", pd.Series(dtype=str)).astype(str),
                      strict=False))
        for key in inputs.plans}
    m_names = pd.Series(mun["name"].to_numpy(), index=mun["code"].to_numpy())
    pop = st["population"].to_numpy(float)
    pmax = np.nanmax(pop) if len(pop) and np.isfinite(pop).any() else 1.0
    radius = np.maximum(MIN_RADIUS, 12.0 * np.sqrt(np.nan_to_num(pop) / max(pmax, 1.0)))
    sinfo = []
    for i in range(len(st)):
        r = st.iloc[i]
        rows = [[_("Kind"), _(SETTLEMENT_KINDS.get(r["kind"], r["kind"]))],
                [_("Population"), f"{fmt_number(r['population'], 'int', lang)} "
                                  f"({_prov(_src(inputs, r['population_source']))}, "
                                  f"{r['population_year']})"],
                [_("Municipality"), str(m_names.get(r["municipality_code"],
                                                    r["municipality_code"]))]]
        if "zone" in st.columns:
            rows.append([_("Functional zone"), fmt_number(r["zone"], "text", lang)])
        for key, plan in inputs.plans.items():
            unit = r[layer_key(key)]
            centre = unit_centres[key].get(unit, "")
            rows.append([_(plan.title), _("unit centred on {centre}").format(centre=centre)
                         if centre else fmt_number(unit, "text", lang)])
        sinfo.append({"title": str(r["name"]), "rows": rows})
    return MapLayer("settlements", _("Settlements sized by population"), "point", st,
                    fill="#1f1f1f", stroke="#ffffff", size=radius, info=sinfo,
                    note=_("Circle area proportional to population; the smallest circles "
                           "are enlarged to stay visible."))


def _facility_layer(inputs: ReportInputs, fac: gpd.GeoDataFrame) -> MapLayer:
    groups = fac["type"].map(_group)
    finfo = [{"title": str(r["name"]) if isinstance(r["name"], str) and r["name"]
              else _(FACILITY_TYPES.get(r["type"], r["type"])), "rows": [
        [_("Type"), _(FACILITY_TYPES.get(r["type"], r["type"]))],
        [_("Source"), f"{r['source']} ({_prov(_src(inputs, 'observed'))})"],
    ]} for _i, r in fac.iterrows()]
    return MapLayer("facilities", _("Facilities"), "point", fac,
                    fill=groups.map(FACILITY_COLOURS).tolist(), stroke="#ffffff",
                    size=3.0, visible=False, info=finfo,
                    note=_("Red: health; blue: education; violet: administration."))


def _static(layers: list[MapLayer], show: set[str], outline: bool = False) -> list[MapLayer]:
    """Copies of the layers for a static map: only ``show`` visible; municipalities as outlines
    over the other polygons when ``outline``."""
    out = []
    for layer in layers:
        if layer.id not in show:
            continue
        out.append(dataclasses.replace(layer, visible=True))
    if outline:
        mun = next(x for x in layers if x.id == "municipalities")
        out.insert(-1, dataclasses.replace(mun, id="borders", fill="none", visible=True))
    return out


def _region_name(inputs: ReportInputs) -> str:
    """The oblast(s) covered, named in the report's language when the oblasts layer has it."""
    ds = inputs.dataset
    present = list(dict.fromkeys(ds.municipalities["oblast"].astype(str)))
    names = dict(zip(ds.oblasts["name_en"].astype(str),
                     display_names(ds.oblasts, inputs.lang), strict=True))
    return ", ".join(names.get(o, o) for o in present)


def _chart_values(comparison: pd.DataFrame, col: str) -> list[float]:
    values = pd.to_numeric(comparison[col], errors="coerce").to_numpy(float)
    return [float(v) if math.isfinite(v) else math.nan for v in values]


def build_context(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame],
                  interactive: bool) -> dict[str, Any]:
    """Everything the report templates need, translated and formatted."""
    lang = inputs.lang
    ds = inputs.dataset
    mlayers = map_layers(inputs, layers)
    canvas = Canvas.around([layers["municipalities"], layers["settlements"]], ds.metric_crs)
    ctx: dict[str, Any] = {"lang": lang, "_": _, "version": __version__,
                           "generated": dt.date.today().isoformat(),
                           "synthetic": inputs.synthetic}
    region = inputs.region or _region_name(inputs)
    ctx["region"] = region
    ctx["title"] = inputs.title or _("Territorial reform evidence: {region}").format(
        region=region)
    cls = resolve_columns({"population": ("", "", ""), "n": ("", "", "official"),
                           "f": ("", "", "observed")}, inputs)
    ctx["figures"] = [
        # settlement points come from gazetteers (GeoNames, WOF): observed, as the methods say
        [_("Settlements"), fmt_number(len(ds.settlements), "int", lang), _prov(cls["f"][2])],
        [_("Current municipalities"), fmt_number(len(ds.municipalities), "int", lang),
         _prov(cls["n"][2])],
        [_("Population"), fmt_number(ds.settlements["population"].sum(), "int", lang),
         _prov(cls["population"][2])],
        [_("Facilities"), fmt_number(len(ds.facilities), "int", lang), _prov(cls["f"][2])],
    ]
    if interactive:
        ctx["map_svg"] = render_svg(mlayers, canvas, interactive=True, title=ctx["title"])
        ctx["map_layers"] = [{"id": m.id, "title": m.title, "visible": m.visible,
                              "note": m.note, "kind": m.kind,
                              "swatch": m.fill[0] if isinstance(m.fill, list) and m.fill
                              else m.fill if isinstance(m.fill, str) else "#ccc",
                              "stroke": m.stroke} for m in mlayers]
        ctx["map_info"] = {m.id: m.info for m in mlayers}
    else:
        views = [(_("Current ayil aimaks and towns"), {"municipalities", "settlements"}, False)]
        if "zones" in layers:
            views.append((_("Functional zones"), {"zones", "settlements"}, True))
        for key, plan in inputs.plans.items():
            views.append((_("Plan: {title}").format(title=_(plan.title)),
                          {layer_key(key), "settlements"}, True))
        ctx["static_maps"] = []
        for t, show, outline in views:
            chosen = _static(mlayers, show, outline)
            caption = " ".join(dict.fromkeys(f"{m.title}: {m.note}" for m in chosen
                                             if m.note and m.id != "borders"))
            ctx["static_maps"].append({"title": t, "caption": caption, "svg": render_svg(
                chosen, canvas, interactive=False, title=t)})

    comp = inputs.comparison_table()
    comp = comp.assign(title=comp["title"].astype(str).map(_))
    columns = resolve_columns(COMPARISON_COLUMNS, inputs)
    ctx["comparison"] = sideways(build_table(comp, columns, lang))
    is_current = [str(k).lower() in ("current", "today", "status_quo") for k in comp.index]
    labels = comp["title"].astype(str).map(_).tolist()
    ctx["charts"] = []
    for col in CHART_COLUMNS:
        if col in comp.columns:
            label, kind, _prov_cls = COMPARISON_COLUMNS[col]
            values = _chart_values(comp, col)
            scale = 100.0 if kind == "percent" else 1.0
            ctx["charts"].append(bar_chart(
                _(label), labels, [v * scale for v in values],
                [fmt_number(v, kind, lang) for v in values], highlight=is_current))
    ctx["chart_note"] = _("Grey: today's municipalities; blue: proposed plans.")

    ctx["zones"] = None
    if "zones" in layers:
        z = layers["zones"]
        metrics = _pairs(inputs.zone_metrics, lang)
        ctx["zones"] = {"count": len(z), "metrics": metrics,
                        "table": build_table(z.sort_values("population", ascending=False),
                                             resolve_columns(ZONE_COLUMNS, inputs), lang)}
    ctx["national"] = national_context(inputs, layers, cls["population"][2], _prov)
    ctx["plans"] = [_plan_context(inputs, key, plan, layers, ctx["national"] is not None)
                    for key, plan in inputs.plans.items()]
    ctx["forecast"] = _forecast_context(inputs.forecast, lang) if inputs.forecast else None
    ctx["official"] = None
    if inputs.official is not None:
        from aimak.report.official import official_context

        mun, sett = ds.municipalities, ds.settlements
        names = dict(zip(mun["code"].astype(str), display_names(mun, lang), strict=True))
        names.update(zip(sett["id"].astype(str), display_names(sett, lang), strict=True))
        ctx["official"] = official_context(inputs.official, lang, inputs.synthetic,
                                           cls["population"][2], names)
    prov = translated(provenance_table(inputs))
    ctx["provenance"] = prov.to_dict("records")
    sources = sources_table(inputs)
    for col in ("description", "licence"):  # the registry's texts are in the catalogs
        sources[col] = sources[col].map(_)
    ctx["sources"] = sources.to_dict("records")
    obtained = municipal_population_table(inputs)
    ctx["municipal_population"] = {"headers": list(obtained.columns),
                                   "rows": obtained.astype(str).values.tolist()}
    ctx["classes"] = [[_(CLASS_LABELS[c]), _(CLASS_MEANINGS[c])] for c in CLASS_MEANINGS]
    ctx["prov_label"] = _prov
    ctx["summary_class"] = "synthetic" if inputs.synthetic else "modelled"
    return ctx




def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dictionaries (TOML tables) as dotted keys: {'a': {'b': 1}} -> {'a.b': 1}."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _pairs(values: dict[str, Any], lang: str) -> list[list[str]]:
    """[label, value] rows of a summary, metrics or criteria dictionary."""
    out = []
    for key, value in _flatten(values).items():
        if key in HIDDEN_KEYS:
            continue
        label = _(KEY_LABELS[key]) if key in KEY_LABELS else str(key)
        kind = "float2" if isinstance(value, float) and not float(value).is_integer() else "text"
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, str):
            value = translate_value(value)
        elif isinstance(value, list | tuple):
            value = [translate_value(v) if isinstance(v, str) else v for v in value]
        out.append([label, fmt_number(value, kind, lang)])
    return out


def translate_value(value: str) -> str:
    """An enumerated value (``rayon``, ``optimal``, ``lma``...) in the report's language."""
    if value in VALUE_LABELS:
        return _(VALUE_LABELS[value])
    if value in FACILITY_TYPES:
        return _(FACILITY_TYPES[value])
    if value.endswith(BUILT_IN):
        return _("{file} (built into aimak)").format(file=value[:-len(BUILT_IN)])
    return value


def _services(units: pd.DataFrame) -> dict[str, list[str]]:
    """The ``services_in_centre`` column with facility types named in the report language."""
    if "services_in_centre" not in units.columns:
        return {}

    def name(text: object) -> str:
        kinds = [k.strip() for k in str(text).split(",") if k.strip() and str(text) != "nan"]
        return ", ".join(_(FACILITY_TYPES.get(k, k)) for k in kinds) or "–"
    return {"services_in_centre": units["services_in_centre"].map(name).tolist()}


def _plan_context(inputs: ReportInputs, key: str, plan: PlanReport,
                  layers: dict[str, gpd.GeoDataFrame], by_oblast: bool = False
                  ) -> dict[str, Any]:
    """A plan's section; with ``by_oblast`` its units table is split by oblast, each part
    with an anchor the national overview links to."""
    members = plan_members(inputs, key)
    units = plan.units.assign(members=plan.units["new_unit"].map(members).fillna(""))
    extra = _services(units)
    if "centre" in units.columns:
        s = inputs.dataset.settlements
        names = pd.Series(display_names(s, inputs.lang).to_numpy(), index=s["id"].to_numpy())
        extra["centre"] = units["centre"].map(names).fillna(units["centre"]).tolist()
    if "below_minimum_projected" in units.columns:
        extra["below_minimum_projected"] = [
            "–" if pd.isna(v) else _("yes") if v else _("no")
            for v in units["below_minimum_projected"]]
    criteria = _pairs(plan.criteria, inputs.lang)
    summary = _pairs(plan.summary, inputs.lang)
    columns = resolve_columns(UNIT_COLUMNS, inputs)
    groups = []
    if by_oblast:
        oblast = unit_oblasts(inputs, plan).to_numpy()
        names = dict(zip(inputs.dataset.oblasts["name_en"].astype(str),
                         display_names(inputs.dataset.oblasts, inputs.lang), strict=True))
        for name in oblasts_covered(inputs):
            rows = np.flatnonzero(oblast == name)
            sub = {k: [v[i] for i in rows] for k, v in extra.items()}
            groups.append({"id": plan_anchor(key, name), "title": names.get(name, name),
                           "table": build_table(units.iloc[rows], columns, inputs.lang, sub)})
    return {"key": key, "id": layer_key(key), "title": _(plan.title),
            "description": plan.description, "criteria": criteria, "summary": summary,
            "table": build_table(units, columns, inputs.lang, extra), "groups": groups}


#: Columns of the forecast section's tables: (label, format, provenance class).
BACKTEST_COLUMNS = {
    "horizon": (N_("Years ahead"), "text", "modelled"),
    "forecasts": (N_("Forecasts scored"), "int", "modelled"),
    "mae_model": (N_("Mean absolute error: model"), "float2", "modelled"),
    "mae_naive": (N_("Mean absolute error: last value"), "float2", "modelled"),
    "mae_drift": (N_("Mean absolute error: drift"), "float2", "modelled"),
    "mape_model": (N_("Mean absolute % error: model"), "float1", "modelled"),
    "mape_naive": (N_("Mean absolute % error: last value"), "float1", "modelled"),
    "skill": (N_("Skill against the better naive forecast"), "float2", "modelled"),
    "coverage": (N_("Actual values inside the interval"), "percent", "modelled"),
}
FORECAST_COLUMNS = {
    "entity": (N_("Rayon"), "text", "official"),
    "year": (N_("Year"), "text", "modelled"),
    "value": (N_("Forecast, %"), "float1", "modelled"),
    "lower": (N_("Lower bound, %"), "float1", "modelled"),
    "upper": (N_("Upper bound, %"), "float1", "modelled"),
}
RATE_COLUMNS = {
    "rayon": (N_("Rayon"), "text", "official"),
    "basis": (N_("Figures compared"), "text", "official"),
    "rate": (N_("Growth per year, %"), "float2", "projected"),
}


def _forecast_context(f: dict[str, Any], lang: str) -> dict[str, Any]:
    """The forecast section: verdict, backtest, forecast table, chart and projection method."""
    facts = f["facts"]
    scores = pd.DataFrame(f["scores"])
    fc = pd.DataFrame(f["forecast"])
    last = fc.groupby("entity")["year"].transform("max") == fc["year"]
    rates = pd.DataFrame(f["projection"]["rates"]).assign(rate=lambda r: 100 * r["rate"])
    won = scores.loc[scores["skill"] > 0, "horizon"].astype(int).tolist() if len(scores) else []
    if not won:
        verdict = _("The model does not beat the naive forecasts at any horizon.")
    elif len(won) == len(scores):
        verdict = _("The model beats both naive forecasts at every horizon.")
    else:
        verdict = _("The model beats both naive forecasts only {years} year(s) ahead; elsewhere "
                    "a naive forecast does as well or better.").format(
            years=", ".join(map(str, won)))
    return {
        "year": f["projection"]["year"],
        "projection_methods": f["projection"]["methods"],
        "rates": build_table(rates, RATE_COLUMNS, lang),
        "method": facts["method"],
        "facts": [
            [_("Observations"), fmt_number(facts["observations"], "int", lang)],
            [_("Rayons pooled"), fmt_number(facts["entities"], "int", lang)],
            [_("Flagged values left out"), fmt_number(facts["flagged_excluded"], "int", lang)],
            [_("Rows left out: the previous year is missing or was left out"),
             fmt_number(facts["rows_left_out"], "int", lang)],
            [_("Prediction interval"), facts["interval"]],
        ],
        "drivers": ", ".join(f["drivers"]) or "–",
        # the scenario's own words unless every driver is simply held at its last value
        "scenario": "" if fc.empty or all("held at" in part for part in str(
            fc["scenario"].iloc[0]).split("; ")) else str(fc["scenario"].iloc[0]),
        "verdict": verdict,
        "beats": bool(won),
        "backtest": build_table(scores, BACKTEST_COLUMNS, lang),
        "table": build_table(fc[last], FORECAST_COLUMNS, lang),
        "horizon_year": int(fc["year"].max()) if len(fc) else None,
        "chart": f["chart"],
        "sources": f["sources"],
    }
