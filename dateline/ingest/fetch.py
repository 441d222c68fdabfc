"""The SSRF-safe fetcher lives in `dateline.core.fetch` (the API's webhooks send through it
too, and the API may not import ingest); these names stay here for ingest's callers."""

from dateline.core.fetch import (  # noqa: F401
    MAX_REDIRECTS,
    USER_AGENT,
    Fetched,
    FetchError,
    fetch,
    fetch_url,
    public_address,
    read_location,
)
