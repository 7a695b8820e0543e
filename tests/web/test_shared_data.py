"""No shared data folder means no folder: never the working directory.

``settings.AIMAK_SHARED_DATA`` is empty when ``aimak.paths.data_home`` finds no data; every
reader of that setting must then find nothing rather than ``Path("")``, which is the working
folder (a server started where a file of the same name lies would read it as the data).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("value", ["", None])
def test_no_shared_data_is_no_folder(settings, tmp_path, monkeypatch, value):
    from aimak_web.contests import archive
    from aimak_web.forecasts import service
    from aimak_web.hearings.demo import shared_data_dir

    for name in (*service.INPUTS, service.BUDGET_INPUT, archive.FILE):
        (tmp_path / name).write_text("not the shared data\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings.AIMAK_SHARED_DATA = value
    assert service.data_folder() is None
    assert service.data_folder_for(service.BUDGET_INPUT) is None
    assert shared_data_dir() is None
    with pytest.raises(archive.ArchiveError):
        archive.read()


def test_the_shared_folder_is_found(settings, tmp_path):
    from aimak_web.forecasts import service

    (tmp_path / service.BUDGET_INPUT).write_text("x\n", encoding="utf-8")
    settings.AIMAK_SHARED_DATA = str(tmp_path)
    assert service.data_folder_for(service.BUDGET_INPUT) == tmp_path
