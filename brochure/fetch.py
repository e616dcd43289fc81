"""The sandboxed URL fetcher: what a document may load while it is typeset."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
SERVED = ("content", "styles", "templates")   # the only folders a document may read from


def allowed_path(url: str, project: Path = PROJECT) -> Path | None:
    """The file a file: URL names, if it lies inside the served folders; else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    for folder in SERVED:
        root = (project / folder).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        pass

    class SandboxedFetcher(URLFetcher):
        """Serves data: URIs and files inside content/, styles/, templates/; refuses the rest."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = allowed_path(url)
            if path is None:
                raise Refused(f'refused to load "{url}": only files inside content/, styles/ '
                              f'and templates/ (and data: URIs) may be used')
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": _mime(path)})

    return SandboxedFetcher, Refused


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".svg": "image/svg+xml",
            ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".icc": "application/vnd.iccprofile", ".html": "text/html"}.get(
                path.suffix.lower(), "application/octet-stream")
