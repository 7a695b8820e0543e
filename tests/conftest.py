"""Shared fixtures. The real Kyrgyz data is read from ../shared/data/kyrgyzstan, or from
$AIMAK_SOURCE (a git worktree elsewhere), and never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check answers, never speed: no per-example deadline (CI machines are shared);
# derandomized so that a CI run is repeatable (set HYPOTHESIS_PROFILE=explore to search anew).
hypothesis_settings.register_profile("aimak", deadline=None, derandomize=True)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "aimak"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AIMAK_SOURCE") or ROOT.parent / "shared" / "data" / "kyrgyzstan")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED / "SOURCES.md").exists():
        pytest.skip("the real Kyrgyz data (../shared/data/kyrgyzstan) is not present")
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
