"""The committee's table 825 read and used (issue 26).

The workbooks here are SYNTHETIC: made in the official layout (one sheet per oblast, a title
saying «на начало 20XXг», code / name / population from row 6) with the real СОАТЕ codes and names
of two ayil aimaks of Nooken rayon, and invented figures. They live only in the tests.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xlwt
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.errors import InputError
from aimak.kyrgyzstan.nsc import ARAVAN, NARYN_CITY, read_population_table
from aimak.kyrgyzstan.official import reform_composition

#: Bürgöndü (819) and Dostuk (821) ayil aimaks of Nooken rayon, SYNTHETIC figures.
BURGONDU = [("41703215819010", "Бюргендю", 5101), ("41703215819020", "Джаны-Арык", 1202),
            ("41703215819030", "Джениш", 903), ("41703215819040", "Кичи-Бюргендю", 704),
            ("41703215819050", "Кокандык", 605), ("41703215819060", "Курама", 406),
            ("41703215819070", "Кызыл-Кыя", 307), ("41703215819080", "Ноошкен", 208),
            ("41703215819090", "Ууру-Джар", 109)]
DOSTUK = [("41703215821010", "Шамалды-Сай", 3001), ("41703215821020", "Достук", 2002),
          ("41703215821030", "Кудук", 1003)]


def _workbook(path: Path, year: int, sheets: dict[str, list[tuple[str, str, object]]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        sheet.write(0, 0, "Численность постоянного населения областей, районов, городов, "
                          f"айылных аймаков и айылов (сел) на начало {year}г")
        sheet.write(2, 0, "(SYNTHETIC test workbook, official layout)")
        sheet.write(4, 0, "Код СОАТЕ")
        sheet.write(4, 1, "Наименование")
        sheet.write(4, 2, "Численность, человек")
        for k, (code, name, pop) in enumerate(rows, start=5):
            sheet.write(k, 0, code)
            sheet.write(k, 1, name)
            sheet.write(k, 2, pop)
    book.save(str(path))
    return path


def _pre_reform(path: Path) -> Path:
    ja = [("41703000000000", "Джалал-Абадская область", 1300000),
          ("41703215000000", "Ноокенский район", 150000),
          ("41703215819000", "Бюргендинский айылный аймак", sum(p for *_, p in BURGONDU)),
          *BURGONDU,
          ("41703215821000", "Достукский айылный аймак", sum(p for *_, p in DOSTUK)),
          *DOSTUK]
    other = [("41707 000 000 00 0", "Таласская область", 270000),  # Talas: codes with spaces
             ("41707 215 000 00 0", "Бакай-Атинский район", 50000),
             ("41706211800000", "Араванский район", 140000),  # Aravan's printed code
             ("41704000000010", "г. Нарын", 40000), ("41704000000020", "с. Пример", "-")]
    return _workbook(path, 2024, {"Джалал-Абадская": ja, "Прочие": other})


def _post_reform(path: Path) -> Path:
    """Start of 2025: Bürgöndü and Dostuk as one renumbered ayil aimak, villages in Kyrgyz."""
    kyrgyz = {"Бюргендю": "Бүргөндү", "Джаны-Арык": "Жаңы-Арык",
              "Кичи-Бюргендю": "Кичи-Бүргөндү", "Джениш": "Жеңиш"}
    new = [("41703215805000", "Бүргөндү айыл аймагы", 20000)]
    new += [(f"41703215805{k:03d}", kyrgyz.get(name, name), pop)
            for k, (_, name, pop) in enumerate(BURGONDU + DOSTUK, start=1)]
    return _workbook(path, 2025, {"Джалал-Абадская": [
        ("41703000000000", "Джалал-Абадская область", 1340000),
        ("41703215000000", "Ноокенский район", 155000), *new]})


def test_reader_reads_the_official_layout_and_its_traps(tmp_path: Path) -> None:
    table = read_population_table(_pre_reform(tmp_path / "op825.xls"))
    assert table.year == 2024 and not table.post_reform
    r = table.rows.set_index("code")
    assert r.loc["41707000000000", "kind"] == "oblast"  # spaces read as digits
    assert r.loc["41707215000000", "kind"] == "rayon"
    assert ARAVAN in r.index and r.loc[ARAVAN, "kind"] == "rayon"
    assert r.loc[NARYN_CITY, "kind"] == "city"
    assert r.loc["41704000000020", "unit"] == NARYN_CITY and pd.isna(
        r.loc["41704000000020", "population"])  # «-»: no figure
    assert r.loc["41703215819000", "kind"] == "ayil_aimak"
    assert r.loc["41703215819060", ["kind", "unit", "population"]].tolist() == [
        "village", "41703215819000", 406.0]
    assert (r.loc["41703215819060", "sheet"], r.loc["41703215819060", "row"]) == (
        "Джалал-Абадская", 14)


def test_a_bad_cell_names_sheet_row_and_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bad.xls", 2024, {"Нарынская": [
        ("41704000000000", "Нарынская область", 300000),
        ("41704210000000", "Ак-Талинский", "abc")]})
    with pytest.raises(InputError) as err:
        read_population_table(path)
    (p,) = err.value.problems
    assert (p.row, p.column) == (7, "C") and "sheet Нарынская" in p.file and "'abc'" in p.message


@pytest.mark.parametrize("content", [b"not a workbook", b""])
def test_a_file_that_is_not_the_table_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "op825.xls"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"op825\.xls"):
        read_population_table(path)


def test_build_uses_the_table_end_to_end(shared_data: Path, tmp_path: Path) -> None:
    table = _pre_reform(tmp_path / "op825.xls")
    out = tmp_path / "ja.gpkg"
    res = CliRunner().invoke(cli, ["data", "build", "kyrgyzstan", "--oblast", "jalal-abad",
                                   "--source", str(shared_data), "--out", str(out),
                                   "--population-table", str(table)])
    assert res.exit_code == 0, res.output
    s = pd.DataFrame(__import__("geopandas").read_file(out, layer="settlements"))
    by_code = s.set_index("classifier_code")
    for code, _, pop in BURGONDU + DOSTUK:
        assert by_code.loc[code, "population"] == pop, code
        assert by_code.loc[code, "population_source"] == "official"
        assert by_code.loc[code, "population_year"] == 2024
        assert "National Statistical Committee" in by_code.loc[code, "population_ref"]
    assert not (tmp_path / "ja_reform_plan.csv").exists()  # a pre-reform edition


def test_post_reform_edition_gives_the_composition_explain_plan_reads(jalal_abad,
                                                                      tmp_path: Path) -> None:
    """Start of 2025: Bürgöndü and Dostuk are one new ayil aimak (codes as the committee
    renumbered them), its villages spelt in Kyrgyz (Бүргөндү, Жаңы-Арык, Кичи-Бүргөндү)."""
    from aimak.plans.official import read_official

    table = read_population_table(_post_reform(tmp_path / "op825_2025.xls"))
    assert table.post_reform
    _, gpkg = jalal_abad
    from aimak.dataset import Dataset

    ds = Dataset.read(gpkg)
    plan = reform_composition(table, ds)
    assert set(plan["old_code"]) == {"41703215819000", "41703215821000"}
    assert plan["new_unit"].nunique() == 1 and (plan["split"] == "").all()
    plan_file = tmp_path / "reform_plan.csv"
    plan.to_csv(plan_file, index=False)
    official = read_official(plan_file, ds)
    assert official.mapping.groupby("new_unit")["old_code"].apply(set).tolist() == [
        {"41703215819000", "41703215821000"}]


def test_explain_plan_reads_the_reform_plan_the_build_writes(shared_data: Path,
                                                              tmp_path: Path) -> None:
    """End to end on the command line: 'aimak data build --population-table' with a SYNTHETIC
    start-2025 workbook (Bürgöndü and Dostuk merged into one renumbered ayil aimak, villages
    in Kyrgyz spelling) writes the reform's composition; 'aimak access' gives travel times;
    'aimak explain-plan' reads that plan file as it is and finds one new unit of the two."""
    table = _post_reform(tmp_path / "op825_2025.xls")
    runner = CliRunner()
    gpkg = tmp_path / "ja.gpkg"
    res = runner.invoke(cli, ["data", "build", "kyrgyzstan", "--oblast", "jalal-abad",
                              "--source", str(shared_data), "--out", str(gpkg),
                              "--population-table", str(table)])
    assert res.exit_code == 0, res.output
    plan = tmp_path / "ja_reform_plan.csv"
    assert plan.exists() and "explain-plan --plan" in res.output
    times = tmp_path / "times.parquet"
    res = runner.invoke(cli, ["access", "--dataset", str(gpkg), "--mode", "straight",
                              "--out", str(times)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "explain"
    res = runner.invoke(cli, ["explain-plan", "--dataset", str(gpkg), "--times", str(times),
                              "--plan", str(plan), "--ensemble", "0", "--time-limit", "5",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "covers 2 of" in summary and "in 1 new units" in summary
    official = pd.read_csv(out / "official_plan.csv", dtype=str)
    assert official.groupby("new_unit")["old_code"].apply(set).tolist() == [
        {"41703215819000", "41703215821000"}]
    assert official["new_unit"].str.contains("41703215805000").all()


class _Server:
    """A local HTTP server answering only the given paths (bytes), 404 elsewhere."""

    def __init__(self, files: dict[str, bytes]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_downloader_fetches_an_edition_and_checks_it(tmp_path: Path) -> None:
    """'aimak data fetch-table' takes the live file (the newest edition) from the committee's
    address, or an earlier edition from its Web Archive capture; what it saves is read first
    (layout and year), so a file that is not the table, or another year's edition, is an error
    and nothing is written. Served locally: SYNTHETIC workbooks."""
    from aimak.kyrgyzstan.download import fetch_population_table
    from aimak.kyrgyzstan.fetch import DownloadError
    from aimak.kyrgyzstan.sources import NSC_TABLE_CAPTURES, NSC_TABLE_PATH

    live = _post_reform(tmp_path / "live.xls").read_bytes()
    old = _pre_reform(tmp_path / "old.xls").read_bytes()
    stamp = NSC_TABLE_CAPTURES[2024]
    server = _Server({NSC_TABLE_PATH: live,
                      f"/web/{stamp}id_/https://stat.gov.kg{NSC_TABLE_PATH}": old})
    bases = {"nsc": server.base, "wayback": server.base}
    cache = tmp_path / "cache"
    try:
        got = fetch_population_table(None, cache, base_urls=bases)
        assert got == cache / "raw" / "op825_2025.xls"
        assert read_population_table(got).post_reform
        got = fetch_population_table(2024, cache, base_urls=bases)
        assert got.name == "op825_2024.xls" and read_population_table(got).year == 2024
        # the live file is the 2025 edition: asking it for 2026 is refused, nothing written
        with pytest.raises(DownloadError, match="start of 2025, not 2026"):
            fetch_population_table(2026, cache, base_urls=bases)
        assert sorted(p.name for p in (cache / "raw").glob("op825*.xls")) == [
            "op825_2024.xls", "op825_2025.xls"]
        res = CliRunner().invoke(cli, ["data", "fetch-table", "--cache", str(cache),
                                       "--year", "2025"])
        assert res.exit_code == 0, res.output
        assert "op825_2025.xls" in res.output and "--population-table" in res.output
    finally:
        server.close()
    dead = {"nsc": "http://127.0.0.1:9", "wayback": "http://127.0.0.1:9"}
    with pytest.raises(DownloadError, match=r"cannot download http://127\.0\.0\.1:9/ru/"):
        fetch_population_table(None, tmp_path / "other", base_urls=dead)
    not_a_table = _Server({NSC_TABLE_PATH: b"<html>maintenance</html>"})
    try:
        with pytest.raises(InputError):
            fetch_population_table(None, tmp_path / "third", base_urls={"nsc": not_a_table.base})
        assert not list((tmp_path / "third" / "raw").glob("op825*"))
    finally:
        not_a_table.close()
