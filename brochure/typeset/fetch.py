"""The sandboxed URL fetcher: what a document may load while it is typeset.

WeasyPrint's own fetcher reads `file://` anywhere, `http(s)://` and `ftp://`. Ours serves:

- files inside the content folder being built and the theme's `styles/` and `templates/` (each
  name looked up through the theme's folders in order: resources.Theme), judged after resolving
  `..` and symbolic links (a link inside content/, or inside a theme folder of the publication,
  pointing elsewhere is refused), and only regular files (`Path.is_file()` is false for
  /dev/... devices, FIFOs and folders, which could block or never end);
- `data:` URIs, decoded here (nothing is handed to urllib).

Every image it serves, a file or a `data:` URI (an SVG's embedded images come through here
too), is checked as the content's images are (content/images.py: the raster formats Pillow may
decode, the pixel limit, an SVG's references, recursively) before WeasyPrint decodes it.

Everything else is refused, with a message that names the URL: `http:`, `https:`, `ftp:` and
any other scheme (no socket is ever opened: the build never waits on the network), `file:` URLs
outside the served folders or on another host, and a missing file (a missing image inside
content/ says "image not found: content/pl/img/x.png"). The refusal is a
`FatalURLFetchingError`: it stops the typesetting (typeset.py turns it into a TypesetError)
instead of WeasyPrint's default, a warning and a PDF without the resource.

Markdown images are checked earlier, with the file and line, by brochure/sanitize.py.

Documents are typeset with the base URL `BASE_URL` (file:///__brochure__/), a fixed name that
stands for the publication: `styles/x.css` and `content/pl/img/x.png` resolve under it, and
the fetcher maps `content/` to the content folder being built and `styles/`, `templates/` to
the first folder of the theme that has the file. Nothing absolute enters the HTML or the PDF
(image names are digests of their URL), so a rebuild is identical wherever the project and the content folder lie.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import filedigest, resources
from ..content import images

THEME = resources.theme_folder()    # the default theme's folder of styles/ and templates/
SERVED = ("content", "styles", "templates")   # the only folders a document may read from
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
VIRTUAL = "/__brochure__/"
BASE_URL = "file://" + VIRTUAL


class NotServed(ValueError):
    """A URL the sandbox refuses; the message names the URL and says why."""


def _theme(project) -> resources.Theme:
    """The theme whose files are served: a Theme, or one folder with styles/ and templates/
    (a project tree, as the tests build)."""
    return project if isinstance(project, resources.Theme) else resources.single(project)


def served_folders(project=THEME, content=None) -> list:
    """(name, folder as given, folder resolved, its name as served) of each served folder:
    styles/ and templates/ of each folder of the theme `project`, and the content folder
    (`content`; without it, a content/ folder beside styles/, as the tests build)."""
    theme = _theme(project)
    found = []
    if content is not None:
        found.append(("content", Path(content), "content"))
    else:
        found.append(("content", theme.folders[0].path / "content", "content"))
    for folder in theme.folders:
        for name in SERVED[1:]:
            shown = f"{folder.served}/{name}" if folder.served else name
            found.append((name, folder.path / name, shown))
    return [(name, Path(os.path.abspath(path)), path.resolve(), shown)
            for name, path, shown in found]


def resolve(url: str, project=THEME, content=None) -> Path:
    """The file a file: URL names, if the sandbox serves it; NotServed otherwise.

    content: the content folder being built, when it is not the project's own content/.
    """
    return locate(url, project, content)[0]


def locate(url: str, project=THEME, content=None) -> tuple:
    """(file, its name as served: "content/pl/img/x.png") of a file: URL; see resolve."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise NotServed(f'refused to load "{url}": not a valid URL') from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp", "ftps", "ws", "wss"):
        raise NotServed(f'refused to load "{url}": the build never uses the network; put the '
                        f'file into content/ and refer to it by a relative path')
    if scheme != "file":
        raise NotServed(f'refused to load "{url}": only files inside content/, styles/ and '
                        f'templates/ (and data: URIs) may be used')
    if parts.netloc not in ("", "localhost"):
        raise NotServed(f'refused to load "{url}": files on another host are not served')
    raw = unquote(parts.path)
    if "\0" in raw or not raw.startswith("/"):
        raise NotServed(f'refused to load "{url}": not a file path')
    raw = _real_path(raw, project, content, url)
    lexical = Path(os.path.normpath(raw))
    roots = served_folders(project, content)
    try:
        path = lexical.resolve()
    except (OSError, RuntimeError) as err:
        raise NotServed(f'refused to load "{url}": {err}') from None
    inside = next((folder for folder, written, root, _ in roots
                   if lexical.is_relative_to(root) or lexical.is_relative_to(written)), None)
    served = next(((shown, root) for _, _, root, shown in roots if path.is_relative_to(root)),
                  None)
    if served is None:
        if inside:
            raise NotServed(f'refused to load "{url}": it is a link to {path}, outside '
                            f'content/, styles/ and templates/; copy the file itself into '
                            f'{inside}/')
        raise NotServed(f'refused to load "{url}": only files inside content/, styles/ and '
                        f'templates/ of the project (and data: URIs) may be used')
    folder, root = served
    shown = f"{folder}/{path.relative_to(root).as_posix()}"
    try:
        exists, regular = path.exists(), path.is_file()
    except OSError as err:
        raise NotServed(f'refused to load "{url}": {shown} cannot be read ({err.strerror})'
                        ) from None
    if not exists:
        what = "image" if path.suffix.lower() in IMAGES else "file"
        raise NotServed(f'{what} not found: {shown} (refused to load "{url}")')
    if not regular:
        raise NotServed(f'refused to load "{url}": {shown} is not a regular file')
    return path, shown


def _real_path(raw: str, project, content, url: str) -> str:
    """A path under VIRTUAL (the base URL of every document) as a path on this computer: a
    name under styles/ or templates/ is the first theme folder's that has it."""
    normal = os.path.normpath(raw)
    if not (normal + "/").startswith(VIRTUAL):
        return raw
    folder, _, rest = normal[len(VIRTUAL):].partition("/")
    if folder not in SERVED:
        raise NotServed(f'refused to load "{url}": only files inside content/, styles/ and '
                        f'templates/ (and data: URIs) may be used')
    theme = _theme(project)
    if folder == "content":
        base = Path(content) if content is not None else theme.folders[0].path / "content"
        return os.path.join(os.path.abspath(base), rest)
    found = theme.find(f"{folder}/{rest}")
    path = found[0] if found else theme.folders[-1].path / folder / rest
    return os.path.abspath(path)


def allowed_path(url: str, project=THEME, content=None) -> Path | None:
    """The file a file: URL names, if it lies inside the served folders; else None."""
    try:
        return resolve(url, project, content)
    except NotServed:
        return None


def decode_data_uri(url: str) -> tuple[bytes, str]:
    """A data: URI -> (bytes, media type); NotServed when it is malformed."""
    try:
        return images.decode_data_uri(url)
    except images.BadDataURI as err:
        raise NotServed(f'refused to load "{_short(url)}": the data: URI {err}') from None


def checked_image(data: bytes, media: str, url: str) -> None:
    """An image the document loads is checked as the content's images are (content/images.py:
    PNG, JPEG, GIF, WebP or a self-contained SVG, within the pixel limit); NotServed if not."""
    kind = media.split(";", 1)[0].strip().lower()
    if not kind.startswith("image/"):
        return
    problem = (images.data_problem(data, kind) if kind in images.IMAGE_MEDIA
               else f'its type "{kind[:40]}" is not PNG, JPEG, GIF, WebP or SVG')
    if problem:
        raise NotServed(f'refused to load "{_short(url)}": the image cannot be used: {problem}')


def fetcher_class(project=THEME, content=None):
    """(SandboxedFetcher, Refused): the fetcher class for weasyprint.HTML and its error.

    content: the content folder being built (default: the project's content/); give it when
    the build reads another folder (build.py --content), or its images are refused.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        pass

    class SandboxedFetcher(URLFetcher):
        """Serves data: URIs and files inside content/, styles/, templates/; refuses the rest.
        Every refusal is also kept in `refusals`: WeasyPrint's SVG code swallows them."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.refusals = []
            self.read = {}       # "content/..." -> SHA-256 of each content file served

        def fetch(self, url, headers=None):
            try:
                if url[:5].lower() == "data:":
                    data, media = decode_data_uri(url)
                else:
                    path, shown = locate(url, project, content)
                    data, media = _read(path, url, shown), _mime(path)
                    if shown.startswith("content/"):
                        self.read[shown] = hashlib.sha256(data).hexdigest()
                checked_image(data, media, url)
                return URLFetcherResponse(url, data, {"Content-Type": media})
            except NotServed as err:
                self.refusals.append(str(err))
                raise Refused(str(err)) from None
            except OSError as err:
                self.refusals.append(f'refused to load "{url}": cannot read it ({err.strerror})')
                raise Refused(self.refusals[-1]) from None

        def open(self, url, data=None, timeout=None):
            # urllib's own opener (and its sockets) is never used, whatever calls it
            target = url.full_url if hasattr(url, "full_url") else url
            return self.fetch(target)

    return SandboxedFetcher, Refused


def _read(path: Path, url: str, shown: str) -> bytes:
    """The file's bytes; a file too big to be a resource is refused before it is read."""
    problem = filedigest.size_problem(path.stat())
    if problem:
        raise NotServed(f'refused to load "{url}": {shown}: {problem}')
    return path.read_bytes()


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".svg": "image/svg+xml",
            ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".gif": "image/gif", ".webp": "image/webp", ".woff": "font/woff",
            ".woff2": "font/woff2", ".icc": "application/vnd.iccprofile",
            ".html": "text/html"}.get(path.suffix.lower(), "application/octet-stream")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
