"""Shared fixtures. The real Kyrgyz data is the core's one data folder,
``aimak.paths.data_home()`` ($AIMAK_SOURCE, else ../shared/data/kyrgyzstan), read at run time
and never copied.

With ``AIMAK_REQUIRE_DATA=1`` (set by ``.ci/run``) a test that would be skipped because what it
needs is missing (the data, PostgreSQL, Chromium, a tool) fails instead (``require_data.py``): CI
cannot go green by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from aimak.paths import data_home

# Property tests check answers, never speed: no per-example deadline (CI machines are shared);
# derandomized so that a CI run is repeatable (set HYPOTHESIS_PROFILE=explore to search anew).
hypothesis_settings.register_profile("aimak", deadline=None, derandomize=True)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "aimak"))

SHARED = data_home()
#: Turns a skip for want of data or a tool into a failure under AIMAK_REQUIRE_DATA=1.
pytest_plugins = ["pytester", "require_data"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if SHARED is None or not (SHARED / "SOURCES.md").exists():
        pytest.skip("the real Kyrgyz data (aimak.paths.data_home(): $AIMAK_SOURCE or "
                    "../shared/data/kyrgyzstan) is not present")
    return SHARED


@pytest.fixture(scope="session")
def jalal_abad(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The Jalal-Abad dataset built once per test session from the real sources."""
    from aimak.kyrgyzstan.build import build_kyrgyzstan

    result = build_kyrgyzstan(shared_data, "jalal-abad")
    path = tmp_path_factory.mktemp("ja") / "jalal-abad.gpkg"
    result.dataset.write(path)
    return result, path


@pytest.fixture(scope="session")
def national(shared_data: Path):
    """The whole country's dataset built once per test session from the real sources."""
    from aimak.kyrgyzstan.build import build_kyrgyzstan

    return build_kyrgyzstan(shared_data).dataset
