"""Downloads of the Kyrgyz upstream sources: HTTP with retries, pooch for the files.

Files go through :func:`pooch.retrieve` (temporary file, hash check where the registry in
:mod:`aimak.kyrgyzstan.sources` pins one, atomic move), with a downloader that streams through
one requests session (timeouts, retries with backoff, a transfer cut off midway started again)
and names the address that failed. JSON API answers (HDX, Wikipedia) are fetched with the same
session and cached beside the files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pooch
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from aimak import __version__
from aimak.errors import AimakError
from aimak.io import atomic_path
from aimak.kyrgyzstan.sources import DEFAULT_BASE_URLS, HdxResource, Remote, WikiPage

log = logging.getLogger(__name__)

#: Where downloads and the converted directory live unless told otherwise
#: (``$XDG_CACHE_HOME/aimak/kyrgyzstan``, by default ``~/.cache/aimak/kyrgyzstan``).
DEFAULT_CACHE_DIR = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                     / "aimak" / "kyrgyzstan")
#: (connect, read) timeouts in seconds.
TIMEOUT = (15, 300)
#: Wikimedia and HDX ask clients to identify themselves; set AIMAK_USER_AGENT to add a contact.
USER_AGENT = os.environ.get(
    "AIMAK_USER_AGENT",
    f"aimak/{__version__} (open-source territorial reform toolkit for Kyrgyzstan) "
    f"python-requests/{requests.__version__}")
CHUNK = 1 << 20
#: Times a transfer cut off midway is started again.
BODY_ATTEMPTS = 3


class DownloadError(AimakError):
    """An upstream source could not be downloaded or did not have the expected format."""


def make_session(retries: int = 3, backoff: float = 1.0) -> requests.Session:
    """A requests session that retries connection errors and 429/5xx answers with backoff."""
    session = requests.Session()
    retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                  backoff_factor=backoff, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=("GET", "HEAD"), raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def write_json(obj: Any, path: Path) -> None:
    """Write JSON (UTF-8, not ASCII-escaped) atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        json.dump(obj, out, ensure_ascii=False)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV atomically."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")


@dataclass
class Fetcher:
    """Downloads upstream files into ``raw_dir``, reusing what is already there."""

    raw_dir: Path
    base_urls: dict[str, str]
    session: requests.Session
    refresh: bool = False
    used: dict[str, list[str]] = field(default_factory=dict)  # cache name -> URLs used

    def url(self, base: str, path: str, **fmt: str) -> str:
        try:
            root = self.base_urls[base]
        except KeyError:
            raise DownloadError(f"no base URL is configured for '{base}'") from None
        return root.format(**fmt).rstrip("/") + path

    def rewrite(self, url: str) -> str:
        """Point an absolute upstream URL (e.g. from the HDX API) at the configured mirror."""
        for key, default in DEFAULT_BASE_URLS.items():
            mirror = self.base_urls.get(key, default)
            if "{" not in default and mirror != default and url.startswith(default):
                return mirror.rstrip("/") + url[len(default):]
        return url

    def _get(self, url: str, stream: bool = False) -> requests.Response:
        try:
            response = self.session.get(url, timeout=TIMEOUT, stream=stream)
        except requests.RequestException as exc:
            raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
        if response.status_code >= 400:
            response.close()
            raise DownloadError(f"cannot download {url}: the server answered HTTP "
                                f"{response.status_code} {response.reason or ''}".rstrip())
        return response

    def get_json(self, url: str) -> Any:
        response = self._get(url)
        try:
            return response.json()
        except ValueError as exc:
            raise DownloadError(f"{url} did not answer JSON as expected") from exc

    def _stream(self, url: str, output_file: str, _pooch: object = None) -> None:
        """A pooch downloader: stream ``url`` into ``output_file`` through the session.

        A transfer cut off midway is started again (the session's retries only cover the
        request itself, not the body).
        """
        for attempt in range(1, BODY_ATTEMPTS + 1):
            response = self._get(url, stream=True)
            try:
                with open(output_file, "wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        out.write(chunk)
                return
            except requests.RequestException as exc:
                if attempt == BODY_ATTEMPTS:
                    raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
                log.warning("the download of %s was interrupted (%s); starting again", url,
                            _reason(exc))
            finally:
                response.close()

    def save(self, url: str, dest: Path, sha256: str | None = None) -> Path:
        """Download ``url`` into ``dest`` (replacing it) through :func:`pooch.retrieve`.

        Nothing is written at ``dest`` unless the whole file arrived and, when ``sha256`` is
        given, its SHA-256 matches; a file already at ``dest`` stays until then.
        """
        dest.parent.mkdir(parents=True, exist_ok=True)
        known = f"sha256:{sha256}" if sha256 else None
        with tempfile.TemporaryDirectory(prefix=".download-", dir=dest.parent) as tmp:
            try:
                got = pooch.retrieve(url, known_hash=known, fname=dest.name, path=tmp,
                                     downloader=self._stream, progressbar=False)
            except ValueError as exc:  # pooch: the hash does not match
                raise DownloadError(f"{url} is not the pinned file: {exc}") from exc
            os.replace(got, dest)
        return dest

    def record(self, dest: Path, urls: list[str]) -> None:
        """Remember where a cached download came from (``<file>.source.json`` beside it)."""
        write_json({"urls": urls, "fetched_utc": now_utc()}, _sidecar(dest))

    def provenance(self, dest: Path) -> dict[str, Any]:
        try:
            return json.loads(_sidecar(dest).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"urls": ["(unknown: the file was put in the cache by hand)"],
                    "fetched_utc": None}

    def remote(self, remote: Remote) -> Path:
        """The cached copy of ``remote``, downloaded from the first address that answers.

        A cached copy of a pinned file (``remote.sha256``) is checked against the pin and
        fetched again when it differs.
        """
        dest = self.raw_dir / remote.name
        if dest.exists() and not self.refresh and (
                remote.sha256 is None or pooch.file_hash(str(dest)) == remote.sha256):
            return dest
        errors = []
        for base, path in remote.urls:
            url = self.url(base, path)
            try:
                self.save(url, dest, remote.sha256)
            except DownloadError as exc:
                errors.append(str(exc))
                continue
            self.used[remote.name] = [url]
            self.record(dest, [url])
            return dest
        raise DownloadError("; ".join(errors))

    def hdx(self, resource: HdxResource) -> Path:
        """The cached file of an HDX resource, found through the dataset's CKAN API (not
        pinned: OCHA re-uploads files under new names)."""
        cached = sorted(p for p in self.raw_dir.glob(resource.name + "--*")
                        if not p.name.endswith(".source.json"))
        if cached and not self.refresh:
            return cached[0]
        api = self.url("hdx", resource.api_path)
        package = self.get_json(api)
        resources = (package.get("result") or {}).get("resources") or [] \
            if isinstance(package, dict) else []
        pattern = re.compile(resource.pattern, re.IGNORECASE)
        chosen = next((r for r in resources
                       if pattern.search(str(r.get("name", "")))
                       or pattern.search(str(r.get("url", "")).rsplit("/", 1)[-1])), None)
        if chosen is None:
            names = ", ".join(str(r.get("name")) for r in resources) or "none"
            raise DownloadError(f"the HDX dataset '{resource.dataset}' ({api}) has no resource "
                                f"matching '{resource.pattern}'; its resources are: {names}")
        url = self.rewrite(str(chosen["url"]))
        # Keep the upstream file name: it carries the edition (e.g. the reference year).
        upstream = re.sub(r"[^\w.-]+", "_", url.split("?")[0].rsplit("/", 1)[-1]) or "file"
        if not upstream.lower().endswith(_suffix(str(chosen.get("name") or ""), url)):
            upstream += _suffix(str(chosen.get("name") or ""), url)
        dest = self.save(url, self.raw_dir / f"{resource.name}--{upstream}")
        self.used[resource.name] = [api, url]
        self.record(dest, [api, url])
        return dest

    def wiki(self, page: WikiPage) -> tuple[str, int | None] | None:
        """Wikitext and revision id of a cited article, or None (logged) when unavailable."""
        title = page.title
        for _ in range(3):  # follow at most two wikitext redirects
            probe = WikiPage(page.lang, title, page.level, page.rayon, page.ayil_aimak)
            url = self.url("wikipedia", probe.api_path, lang=page.lang)
            cache = self.raw_dir / "wikipedia" / page.lang / (
                quote(title.replace(" ", "_"), safe="") + ".json")
            if cache.exists() and not self.refresh:
                stored = json.loads(cache.read_text(encoding="utf-8"))
                data = stored["response"]
                self.used.setdefault("wikipedia", []).append(stored["url"])
            else:
                try:
                    data = self.get_json(url)
                except DownloadError as exc:
                    log.warning("skipping a cited Wikipedia article: %s", exc)
                    return None
                write_json({"url": url, "fetched_utc": now_utc(), "response": data}, cache)
                self.used.setdefault("wikipedia", []).append(url)
            text = str(data.get("source") or "")
            target = re.match(r"\s*#\w+\s*\[\[([^\]|#]+)", text)
            if target and len(text) < 500:
                title = target.group(1).strip()
                continue
            revision = (data.get("latest") or {}).get("id")
            return text, int(revision) if revision else None
        return None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".source.json")


def now_utc() -> str:
    """The current UTC time as an ISO 8601 stamp (``2026-01-31T12:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "the server did not answer in time"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the connection broke during the transfer"
    if isinstance(exc, requests.ConnectionError):
        return "the host cannot be reached (no network, wrong address or server down)"
    return f"{type(exc).__name__}: {exc}"


def _suffix(name: str, url: str) -> str:
    for candidate in (url.split("?")[0], name):
        match = re.search(r"(\.(?:shp\.zip|zip|csv|xlsx|xls|json|geojson))$", candidate, re.I)
        if match:
            return match.group(1).lower()
    return ".bin"
