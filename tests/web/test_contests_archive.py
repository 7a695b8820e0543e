"""The contest's archive: real published facts read at run time from the shared data, each with
its source; bad files are named with their row and column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from aimak_web.contests.archive import COLUMNS, FILE, ArchiveError, read

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "kyrgyzstan" / FILE


@pytest.mark.django_db
def test_archive_page_shows_the_published_editions_with_sources(client, settings):
    if not SHARED.is_file():
        pytest.skip(f"the shared data ({SHARED}) is not beside the repository")
    settings.AIMAK_SHARED_DATA = str(SHARED.parent)
    html = client.get(reverse("contests:archive")).content.decode()
    rows = dict(re.findall(r'<tr data-edition="(\d+)">(.*?)</tr>', html, re.S))
    assert set(rows) >= {"2015", "2017", "2019", "2022"}
    # 2015: Issyk-Kul and Jalal-Abad, 16 applications, fund 260,000 som, Первомайский first
    assert "Иссык-Кульская область" in rows["2015"] and "Джалал-Абадская" in rows["2015"]
    assert "16 заявок" in rows["2015"] and re.search(r"260\s000", rows["2015"])
    assert "Первомайский" in rows["2015"] and "vap.kg" in rows["2015"]
    assert "12 заявок" in rows["2017"] and "Чуйская область" in rows["2017"]
    assert "35 заявок" in rows["2019"] and "45 заявок" in rows["2022"]
    assert "вся страна" in rows["2022"]
    assert 'data-testid="archive-best"' in html and "Суу-Башы" in html
    ky = client.get("/ky" + reverse("contests:archive")).content.decode()
    assert "Ысык-Көл облусу" in ky and "applications" not in ky
    assert "100дөн ашык катышуучу" in ky  # Ak-Bashat, 21.06.2016: the suffix after the number
    # dates as the pages write them (before: ISO «2016-06-21», «2016-06-08..2016-06-30»);
    # attendance reported in the press is an observed figure, not an official one
    press = re.search(r'data-testid="archive-hearings">(.*?)</table>', ky, re.S).group(1)
    assert "21.06.2016" in press and "08.06.2016–30.06.2016" in press
    assert not re.search(r"\d{4}-\d\d-\d\d", press)
    assert "prov-observed" in press and "prov-official" not in press
    # reachable: from the contest's page
    assert reverse("contests:archive") in client.get(reverse("contests:index")).content.decode()


def _write(tmp_path, rows: list[dict]) -> Path:
    import csv

    path = tmp_path / FILE
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    return path


@pytest.mark.django_db
def test_bad_archive_files_are_named_with_row_and_column(tmp_path, client, settings):
    good = {"record_type": "contest_stats", "source": "https://example.org/a",
            "contest_or_event": "Реальное участие граждан – 2019 (Osh, Naryn)", "count": "35",
            "count_of": "applications", "oblast": "Osh;Naryn", "value_status": "PUBLISHED"}
    archive = read(_write(tmp_path, [good]))  # synthetic rows, written here
    assert [(e.budget_year, e.count, e.regions) for e in archive.editions] == [
        ("2019", 35, "Ошская область, Нарынская область")]
    with pytest.raises(ArchiveError, match=r"строка 3, столбец count.*«?x12"):
        read(_write(tmp_path, [good, {**good, "count": "x12"}]))
    with pytest.raises(ArchiveError, match="source"):
        read(_write(tmp_path, [{**good, "source": ""}]))
    (tmp_path / FILE).write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="record_type"):
        read(tmp_path / FILE)
    settings.AIMAK_SHARED_DATA = str(tmp_path / "nowhere")
    html = client.get(reverse("contests:archive")).content.decode()
    assert 'data-testid="archive-problem"' in html and FILE in html
