"""The national overview of a report that covers more than one oblast.

One row per oblast: today's municipalities, the population and the share of it that has an
observed or official figure, and per plan its units, the population-weighted mean travel time to
the unit centres (as ``aimak.plans.evaluate.plan_indicators`` computes it for the whole plan) and
the parts (rayons or oblasts solved on their own) with no feasible plan. A unit belongs to the
oblast of its centre settlement (under the shipped criteria units never cross an oblast border).
A map shows the oblasts, each linking to its part of the report.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from aimak.i18n import _, fmt_number
from aimak.report.layers import display_names
from aimak.report.model import PlanReport, ReportInputs, layer_key
from aimak.report.svgmap import Canvas, neighbour_colours, point_xy, polygon_paths


def oblast_slug(name: str) -> str:
    """An HTML id fragment for an oblast: 'Jalal-Abad' -> 'jalal-abad'."""
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "oblast"


def oblasts_covered(inputs: ReportInputs) -> list[str]:
    """The oblasts (English names) of the dataset's municipalities, sorted."""
    return sorted(set(inputs.dataset.municipalities["oblast"].dropna().astype(str)))


def unit_oblasts(inputs: ReportInputs, plan: PlanReport) -> pd.Series:
    """Oblast of each new unit (index ``new_unit``): that of its centre settlement, else that of
    its first municipality."""
    ds = inputs.dataset
    by_code = pd.Series(ds.municipalities["oblast"].astype(str).to_numpy(),
                        index=ds.municipalities["code"].astype(str).to_numpy())
    first = plan.mapping.drop_duplicates("new_unit").set_index("new_unit")["old_code"]
    out = first.astype(str).map(by_code)
    if "centre" in plan.units.columns:
        by_id = pd.Series(ds.settlements["oblast"].astype(str).to_numpy(),
                          index=ds.settlements["id"].astype(str).to_numpy())
        centres = plan.units.set_index("new_unit")["centre"].astype(str).map(by_id)
        out = centres.combine_first(out)
    return out.reindex(plan.units["new_unit"].astype(str))


def _part_oblasts(inputs: ReportInputs) -> dict[str, str]:
    """Part name (a rayon or an oblast) -> its oblast."""
    m = inputs.dataset.municipalities
    out = dict(zip(m["rayon"].astype(str), m["oblast"].astype(str), strict=True))
    out.update({o: o for o in m["oblast"].astype(str)})
    return out


def overview_frame(inputs: ReportInputs) -> pd.DataFrame | None:
    """The overview's figures by oblast (index: English oblast names), or None for one oblast.

    Columns: ``municipalities``, ``population``, ``real_share`` (0-1) and per plan key ``k``:
    ``units:k``, ``minutes:k``, ``infeasible:k`` (NaN when the plan did not report its parts).
    """
    oblasts = oblasts_covered(inputs)
    if len(oblasts) < 2:
        return None
    ds = inputs.dataset
    s = ds.settlements
    real = s["population"].where(s["population_source"].isin(["observed", "official"]), 0.0)
    pop = s.groupby("oblast")["population"].sum()
    out = pd.DataFrame(index=pd.Index(oblasts, name="oblast"))
    out["municipalities"] = ds.municipalities.groupby("oblast")["code"].count()
    out["population"] = pop
    out["real_share"] = real.groupby(s["oblast"]).sum() / pop.where(pop > 0)
    part_oblast = _part_oblasts(inputs)
    for key, plan in inputs.plans.items():
        u = plan.units.assign(oblast=unit_oblasts(inputs, plan).to_numpy())
        out[f"units:{key}"] = u.groupby("oblast")["new_unit"].count().reindex(oblasts).fillna(0)
        if "mean_minutes" in u.columns and "population" in u.columns:
            weighted = (u["mean_minutes"].astype(float) * u["population"]).groupby(
                u["oblast"]).apply(lambda v: np.nansum(v))
            total = u.groupby("oblast")["population"].sum()
            out[f"minutes:{key}"] = weighted / total.where(total > 0)
        parts = plan.parts
        if parts is not None and len(parts) and {"name", "status"} <= set(parts.columns):
            bad = parts.loc[parts["status"] == "infeasible", "name"].astype(str).map(part_oblast)
            out[f"infeasible:{key}"] = bad.value_counts().reindex(oblasts).fillna(0)
        else:
            out[f"infeasible:{key}"] = np.nan
    return out


def overview_layer(inputs: ReportInputs) -> gpd.GeoDataFrame | None:
    """The overview as a ``results.gpkg`` layer: one oblast polygon per row, fixed English
    column names (``units_<plan>``, ``minutes_<plan>``, ``infeasible_<plan>``); None for one
    oblast."""
    frame = overview_frame(inputs)
    if frame is None:
        return None
    table = frame.rename(columns=lambda c: c.replace(":", "_")).reset_index()
    oblasts = inputs.dataset.oblasts
    shapes = pd.Series(oblasts.geometry.to_numpy(), index=oblasts["name_en"].astype(str))
    return gpd.GeoDataFrame(table, geometry=table["oblast"].map(shapes).to_numpy(),
                            crs=oblasts.crs)


def plan_anchor(plan_key: str, oblast: str) -> str:
    """HTML id of an oblast's part of a plan's section."""
    return f"{layer_key(plan_key)}-{oblast_slug(oblast)}"


def national_context(inputs: ReportInputs, layers: dict[str, Any], pop_class: str,
                     prov_label: Any) -> dict[str, Any] | None:
    """The overview's table (cells with optional links) and map, or None for one oblast."""
    frame = overview_frame(inputs)
    if frame is None:
        return None
    lang = inputs.lang
    names = _oblast_names(inputs)
    modelled = "synthetic" if inputs.synthetic else "modelled"
    real_class = pop_class  # a share of the population is as good as the population
    official_class = "synthetic" if inputs.synthetic else "official"
    headers = [(_("Oblast"), ""), (_("Current municipalities"), prov_label(official_class)),
               (_("Population"), prov_label(pop_class)),
               (_("Observed or official share of the population"), prov_label(real_class))]
    plans = list(inputs.plans.items())
    for _key, plan in plans:
        title = _(plan.title)
        headers += [(_("{plan}: units").format(plan=title), prov_label(modelled)),
                    (_("{plan}: mean travel time to centre, min").format(plan=title),
                     prov_label(modelled)),
                    (_("{plan}: parts with no feasible plan").format(plan=title),
                     prov_label(modelled))]
    rows = []
    for oblast, r in frame.iterrows():
        first = plan_anchor(plans[0][0], oblast) if plans else ""
        cells = [{"text": names.get(oblast, oblast), "href": first, "num": False},
                 {"text": fmt_number(r["municipalities"], "int", lang), "href": "", "num": True},
                 {"text": fmt_number(r["population"], "int", lang), "href": "", "num": True},
                 {"text": fmt_number(r["real_share"], "percent", lang), "href": "",
                  "num": True}]
        for key, _plan in plans:
            cells += [{"text": fmt_number(r[f"units:{key}"], "int", lang),
                       "href": plan_anchor(key, oblast), "num": True},
                      {"text": fmt_number(r.get(f"minutes:{key}", np.nan), "minutes", lang),
                       "href": "", "num": True},
                      {"text": fmt_number(r[f"infeasible:{key}"], "int", lang), "href": "",
                       "num": True}]
        rows.append({"id": f"oblast-{oblast_slug(oblast)}", "cells": cells})
    # for printed pages: the oblast columns, then one narrower table per plan
    spans = [list(range(4))] + [[0, 4 + 3 * k, 5 + 3 * k, 6 + 3 * k] for k in range(len(plans))]
    split = [{"headers": [headers[j] for j in cols],
              "rows": [{"id": "", "cells": [r["cells"][j] for j in cols]} for r in rows]}
             for cols in spans]
    return {"headers": headers, "rows": rows, "split": split,
            "map": oblast_map(inputs, layers, frame, names,
                              {o: plan_anchor(plans[0][0], o) for o in frame.index}
                              if plans else {}),
            "map_note": _("Each oblast is labelled with the observed or official share of its "
                          "population; click it to go to its part of the first plan."),
            "note": _("A unit counts in the oblast of its centre. Travel times are the "
                      "population-weighted mean over the oblast's units. A part is a rayon or "
                      "oblast solved on its own; one with no feasible plan keeps today's "
                      "municipalities.")}


def _oblast_names(inputs: ReportInputs) -> dict[str, str]:
    ob = inputs.dataset.oblasts
    return dict(zip(ob["name_en"].astype(str), display_names(ob, inputs.lang), strict=True))


def oblast_map(inputs: ReportInputs, layers: dict[str, Any], frame: pd.DataFrame,
               names: dict[str, str], links: dict[str, str]) -> str:
    """A static SVG map of the oblasts (today's municipalities dissolved by oblast), each
    labelled with its name and observed or official share, and linking to its part."""
    mun = layers["municipalities"]
    oblast_of = dict(zip(inputs.dataset.municipalities["code"].astype(str),
                         inputs.dataset.municipalities["oblast"].astype(str), strict=True))
    dissolved = mun.assign(oblast=mun["code"].astype(str).map(oblast_of)).dissolve(
        by="oblast", as_index=False)[["oblast", "geometry"]]
    metric = inputs.dataset.metric_crs
    canvas = Canvas.around([dissolved], metric, width=600.0)
    paths = polygon_paths(dissolved, canvas)
    fills = neighbour_colours(dissolved.to_crs(metric))
    xy = point_xy(dissolved, canvas)
    items, labels = [], []
    for i, oblast in enumerate(dissolved["oblast"]):
        name = names.get(oblast, oblast)
        share = fmt_number(frame.at[oblast, "real_share"], "percent", inputs.lang)
        tip = escape(f"{name}: {share}")
        path = f'<path d="{paths[i]}" fill="{fills[i]}"><title>{tip}</title></path>'
        href = links.get(oblast)
        items.append(f'<a href="#{escape(href)}">{path}</a>' if href else path)
        labels.append(f'<text x="{xy[i, 0]}" y="{xy[i, 1]}" text-anchor="middle" '
                      f'font-size="13">{escape(name)}<tspan x="{xy[i, 0]}" dy="15" '
                      f'font-size="11">{escape(share)}</tspan></text>')
    title = escape(_("Oblasts"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="national-map" class="national-map" '
            f'viewBox="0 0 {canvas.width:.0f} {canvas.height:.0f}" role="img">'
            f'<title>{title}</title><g stroke="#555555" stroke-width="0.8">{"".join(items)}</g>'
            f'<g fill="#1f1f1f">{"".join(labels)}</g></svg>')


def overview_sheet(inputs: ReportInputs, pop_class: str
                   ) -> tuple[pd.DataFrame, list[tuple[str, str, str]]] | None:
    """The overview as a spreadsheet table (numbers kept as numbers) with, per column, its
    header, number format and provenance class; None for one oblast."""
    frame = overview_frame(inputs)
    if frame is None:
        return None
    modelled = "synthetic" if inputs.synthetic else "modelled"
    official = "synthetic" if inputs.synthetic else "official"
    names = _oblast_names(inputs)
    columns: list[tuple[str, str, str, str]] = [
        ("municipalities", _("Current municipalities"), "int", official),
        ("population", _("Population"), "int", pop_class),
        ("real_share", _("Observed or official share of the population"), "percent",
         pop_class)]
    for key, plan in inputs.plans.items():
        title = _(plan.title)
        columns += [(f"units:{key}", _("{plan}: units").format(plan=title), "int", modelled),
                    (f"minutes:{key}", _("{plan}: mean travel time to centre, min").format(
                        plan=title), "minutes", modelled),
                    (f"infeasible:{key}", _("{plan}: parts with no feasible plan").format(
                        plan=title), "int", modelled)]
    table = pd.DataFrame({_("Oblast"): [names.get(o, o) for o in frame.index]})
    for col, header, _kind, _cls in columns:
        table[header] = frame[col].to_numpy() if col in frame.columns else np.nan
    meta = [(_("Oblast"), "", "")] + [(h, k, c) for _col, h, k, c in columns]
    return table, meta
