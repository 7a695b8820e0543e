"""A readable summary of a dataset: per rayon counts, population provenance, warnings."""

from __future__ import annotations

import re

import pandas as pd
from rich.console import Console
from rich.table import Table

from aimak.dataset import Dataset


def rayon_table(ds: Dataset) -> pd.DataFrame:
    """Per rayon: municipalities, settlements, population and its provenance shares (%)."""
    s = ds.settlements
    by = s.groupby("rayon")
    out = pd.DataFrame({
        "municipalities": ds.municipalities.groupby("rayon")["code"].count(),
        "settlements": by["id"].count(),
        "population": by["population"].sum(),
    }).fillna(0)
    for source in ("observed", "official", "estimated"):
        part = s[s["population_source"] == source].groupby("rayon")["population"].sum()
        out[f"{source}_%"] = (100 * part.reindex(out.index).fillna(0)
                              / out["population"].where(out["population"] > 0))
    out.loc["Total"] = [out["municipalities"].sum(), out["settlements"].sum(),
                        out["population"].sum(),
                        *[100 * s.loc[s["population_source"] == src, "population"].sum()
                          / max(s["population"].sum(), 1)
                          for src in ("observed", "official", "estimated")]]
    return out


def oblast_table(ds: Dataset) -> pd.DataFrame:
    """Per oblast: settlements, population and the share (%) that is observed or official."""
    s = ds.settlements
    real = s["population"].where(s["population_source"].isin(["observed", "official"]), 0.0)
    by = s.assign(real=real).groupby("oblast")
    out = pd.DataFrame({"settlements": by["id"].count(), "population": by["population"].sum(),
                        "real": by["real"].sum()})
    out.loc["Total"] = out.sum()
    out["observed_official_%"] = 100 * out["real"] / out["population"].where(
        out["population"] > 0)
    return out.drop(columns="real")


def print_summary(ds: Dataset, console: Console | None = None, max_names: int = 15) -> None:
    """Print the summary tables to the terminal."""
    console = console or Console()
    t = Table(title="Rayons: municipalities, settlements and population by provenance")
    for col in ("Rayon", "Municipalities", "Settlements", "Population", "Observed %",
                "Official %", "Estimated %"):
        t.add_column(col, justify="left" if col == "Rayon" else "right")
    table = rayon_table(ds)
    for rayon, row in table.iterrows():
        t.add_row(str(rayon), f"{row['municipalities']:.0f}", f"{row['settlements']:.0f}",
                  f"{row['population']:,.0f}", f"{row['observed_%']:.1f}",
                  f"{row['official_%']:.1f}", f"{row['estimated_%']:.1f}",
                  style="bold" if rayon == "Total" else None)
    console.print(t)
    if ds.settlements["oblast"].nunique() > 1:
        ot = Table(title="Oblasts: share of the population with an observed or official figure")
        for col in ("Oblast", "Settlements", "Population", "Observed or official %"):
            ot.add_column(col, justify="left" if col == "Oblast" else "right")
        for oblast, row in oblast_table(ds).iterrows():
            ot.add_row(str(oblast), f"{row['settlements']:.0f}", f"{row['population']:,.0f}",
                       f"{row['observed_official_%']:.1f}",
                       style="bold" if oblast == "Total" else None)
        console.print(ot)

    m = ds.municipalities
    kinds = m["kind"].value_counts().to_dict()
    console.print(f"Municipalities: {len(m)} ({', '.join(f'{v} {k}' for k, v in kinds.items())}); "
                  f"territories: {', '.join(m['territory_source'].unique())}.")
    for column, title in (("assignment_rule", "How settlements were assigned"),
                          ("centre_rule", "How centres were chosen")):
        frame = ds.settlements if column == "assignment_rule" else m
        if column in frame.columns:
            rt = Table(title=title)
            rt.add_column("Rule")
            rt.add_column("Count", justify="right")
            for rule, n in frame[column].fillna("").value_counts().items():
                rt.add_row(str(rule) or "(given)", str(n))
            console.print(rt)
    f = ds.facilities
    console.print("Facilities: " + ", ".join(f"{n} {k}" for k, n in
                                             f["type"].value_counts().items()))

    notes = ds.notes
    counts = notes[notes["kind"] == "location_counts"] if len(notes) else notes
    if len(counts):
        lt = Table(title="Classifier villages: located by name, placed approximately, "
                         "duplicate points dropped")
        for col in ("Oblast", "Located", "Approximate", "Duplicates dropped"):
            lt.add_column(col, justify="left" if col == "Oblast" else "right")
        for row in counts.itertuples():
            figures = [int(n) for n in re.findall(r"(\d+) ", str(row.message))[:3]]
            lt.add_row(str(row.subject), *(str(n) for n in figures))
        console.print(lt)
    if len(notes):
        unlocated = notes[notes["kind"] == "unlocated_village"]
        if len(unlocated):
            names = "; ".join(unlocated["message"].head(max_names))
            more = len(unlocated) - max_names
            console.print(f"[bold]Classifier villages without coordinates:[/] {len(unlocated)}"
                          f": {names}{f'; … and {more} more' if more > 0 else ''}",
                          highlight=False)
        names = dict(zip(ds.rayons["code"], ds.rayons["name_en"], strict=True))
        names.update(zip(m["code"], m["name_en"], strict=True))
        for kind, label in (("unmatched_name", "Unmatched names"), ("warning", "Warning"),
                            ("duplicate_point", "Duplicate point"), ("dropped", "Dropped"),
                            ("implausible_figure", "Implausible figure"),
                            ("note", "Note"), ("cross_check", "Cross-check"),
                            ("population_share", "Population")):
            for row in notes[notes["kind"] == kind].itertuples():
                subject = names.get(row.subject, row.subject)
                console.print(f"[bold]{label}[/] ({subject}): {row.message}", highlight=False)
