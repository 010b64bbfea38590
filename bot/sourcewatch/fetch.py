"""Fetching the watched URLs: httpx, a few at a time, bounded in time, size and retries.

One retry, after `RETRY_DELAY`, on a failed connection or a 5xx answer; none on a timeout (a
slow server does not get faster by being asked twice). Each request, body included, must end
within the timeout. A URL shared by several sources is fetched once per run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import urlsplit, urlunsplit

import httpx

from bot import __version__

CONCURRENCY = 4
RETRY_DELAY = 1.0  # seconds
MAX_BYTES = 20_000_000  # the largest fiche (F2229) is under 1 MB of JSON


class FetchError(Exception):
    """The URL could not be read; the message is one line, with no credentials in it."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects, credentials removed
    body: bytes
    content_type: str
    charset: str | None
    etag: str
    last_modified: dt.datetime | None


def user_agent() -> str:
    """Says who is asking and, when the package declares one, where to read about it."""
    try:
        urls = metadata.metadata("aps-bot").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    homepage = next((u.split(",", 1)[1].strip() for u in urls if "," in u), "")
    return f"aps-bot/{__version__} source watch" + (f" (+{homepage})" if homepage else "")


def redact(url: str) -> str:
    """`url` without user:password and without its query (either may hold a secret)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _http_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class Fetcher:
    """``async with Fetcher(timeout) as f: await f.get(url)``."""

    def __init__(self, timeout: float, concurrency: int = CONCURRENCY) -> None:
        self.timeout = timeout
        self._limit = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": user_agent()},
        )
        self._once: dict[str, asyncio.Task[Fetched]] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def get(self, url: str) -> Fetched:
        """The body and validators of `url`.

        Raises:
            FetchError: timeout, connection failure, HTTP error status, or a body too large.
        """
        if url not in self._once:
            self._once[url] = asyncio.ensure_future(self._get(url))
        return await self._once[url]

    async def _get(self, url: str) -> Fetched:
        async with self._limit:
            for attempt in (1, 2):
                try:
                    async with asyncio.timeout(self.timeout):
                        return await self._attempt(url)
                except _Retry as exc:
                    if attempt == 2:
                        raise FetchError(str(exc)) from None
                except (TimeoutError, httpx.TimeoutException):
                    raise FetchError(f"no complete answer within {self.timeout:g} s") from None
                except httpx.TooManyRedirects:
                    raise FetchError("too many redirects") from None
                except httpx.HTTPError as exc:  # an unsupported scheme, a TLS failure…
                    detail = str(exc).replace(url, redact(url))
                    raise FetchError(f"{type(exc).__name__}: {detail}") from None
                await asyncio.sleep(RETRY_DELAY)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, url: str) -> Fetched:
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code >= 500:
                    raise _Retry(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code}")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise FetchError(f"larger than {MAX_BYTES // 1_000_000} MB")
                headers = response.headers
                return Fetched(
                    url=redact(str(response.url)),
                    body=bytes(body),
                    content_type=headers.get("content-type", "").split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    etag=headers.get("etag", "").strip(),
                    last_modified=_http_date(headers.get("last-modified")),
                )
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect ({exc or 'no detail'})") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:  # the connection dropped
            raise _Retry(f"connection lost ({type(exc).__name__})") from None


class _Retry(Exception):
    """A failure worth one more try."""
