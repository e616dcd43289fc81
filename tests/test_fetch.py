"""The sandboxed URL fetcher (brochure/fetch.py): project files and data: URIs, nothing else."""
import os
import socket
from pathlib import Path

import pytest

from brochure.typeset import fetch
from brochure.typeset import pdf as typeset
from brochure.typeset.fetch import NotServed

PROJECT = Path(__file__).resolve().parent.parent
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                    "53de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a socket or look up a name fails the test."""
    import weasyprint  # noqa: F401  (imported first: importing ssl subclasses socket.socket)

    def forbidden(*args, **kwargs):
        raise AssertionError("the fetcher tried to use the network")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            forbidden()

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, forbidden)


@pytest.fixture
def project(tmp_path):
    """A project tree: content/pl/img/mapa.png, styles/a.css, templates/, and a secret outside."""
    root = tmp_path / "project"
    (root / "content" / "pl" / "img").mkdir(parents=True)
    (root / "content" / "pl" / "img" / "mapa.png").write_bytes(PNG)
    (root / "styles").mkdir()
    (root / "styles" / "a.css").write_text("p { color: red }", encoding="utf-8")
    (root / "templates").mkdir()
    (tmp_path / "secret.png").write_bytes(b"secret")
    return root


@pytest.fixture
def fetcher(project):
    cls, refused = fetch.fetcher_class(project)
    return cls(), refused


def uri(path: Path) -> str:
    return path.as_uri()


def refusal(url, project) -> str:
    with pytest.raises(NotServed) as info:
        fetch.resolve(url, project)
    message = str(info.value)
    assert url[:40] in message or url.startswith("data:"), message   # the URL is named
    return message


# --- what is served -----------------------------------------------------------------------

def test_serves_files_in_the_served_folders(project, fetcher):
    served, _ = fetcher
    response = served.fetch(uri(project / "content" / "pl" / "img" / "mapa.png"))
    assert response.read() == PNG and response.content_type == "image/png"
    response = served.fetch(uri(project / "styles" / "a.css"))
    assert response.read() == b"p { color: red }" and response.content_type == "text/css"


def test_serves_dot_segments_that_stay_inside(project):
    url = uri(project / "styles") + "/../content/pl/./img/mapa.png"
    assert fetch.resolve(url, project) == (project / "content/pl/img/mapa.png").resolve()


def test_serves_a_link_that_stays_inside(project):
    (project / "content" / "pl" / "img" / "alias.png").symlink_to("mapa.png")
    assert fetch.resolve(uri(project / "content/pl/img/alias.png"), project).name == "mapa.png"


def test_serves_the_real_project_styles():
    path = fetch.allowed_path(uri(PROJECT / "brochure/themes/default/styles/brochure.css"))
    assert path == (PROJECT / "brochure/themes/default/styles/brochure.css").resolve()


@pytest.mark.parametrize("url, data, media", [
    ("data:image/png;base64," + __import__("base64").b64encode(PNG).decode(), PNG, "image/png"),
    ("data:text/css,p%20%7B%20color%3A%20red%20%7D", b"p { color: red }", "text/css"),
    ("data:,hello", b"hello", "text/plain"),
    ("DATA:text/plain;charset=utf-8;base64,xbvDs8WCdw==", "Żółw".encode(), "text/plain"),
])
def test_serves_data_uris(fetcher, url, data, media):
    served, _ = fetcher
    response = served.fetch(url)
    assert response.read() == data and response.content_type == media


def test_a_malformed_data_uri_is_refused(fetcher):
    served, refused = fetcher
    for url in ("data:image/png;base64", "data:image/png;base64,!!!notbase64",
                "data:image/png;base64,iVBORw0KGgo=",       # a PNG signature, no image
                "data:image/x-eps;base64,JSFQUy1BZG9iZQ=="):
        with pytest.raises(refused):
            served.fetch(url)


# --- what is refused ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://example.com/logo.png", "https://example.com/style.css", "HTTPS://example.com/x",
    "ftp://example.com/x.png", "http://127.0.0.1:8000/x", "http://169.254.169.254/latest/",
])
def test_refuses_the_network_without_opening_a_socket(project, fetcher, url):
    assert "never uses the network" in refusal(url, project)
    served, refused = fetcher
    with pytest.raises(refused) as info:
        served.fetch(url)
    assert f'"{url}"' in str(info.value)


@pytest.mark.parametrize("url", ["gopher://example.com/", "ldap://x", "mailto:a@b.c",
                                 "javascript:alert(1)", "about:blank", "jar:file:///x!/y",
                                 "styles/a.css", "/etc/passwd"])
def test_refuses_other_schemes_and_relative_urls(project, url):
    assert "refused" in refusal(url, project)


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/hostname", "/root/.ssh/id_rsa",
                                  "/proc/self/environ"])
def test_refuses_files_outside_the_project(project, path):
    assert "only files inside content/, styles/ and templates/" in refusal(
        "file://" + path, project)


def test_refuses_project_files_outside_the_served_folders(project):
    (project / "build.py").write_text("print()", encoding="utf-8")
    refusal(uri(project / "build.py"), project)
    refusal(uri(PROJECT / "pyproject.toml"), PROJECT)


@pytest.mark.parametrize("suffix", ["/../../secret.png", "/%2e%2e/%2E%2E/secret.png",
                                    "/pl/../../../secret.png"])
def test_refuses_dot_dot_out_of_the_folders(project, suffix):
    refusal(uri(project / "content") + suffix, project)


def test_refuses_another_host(project):
    url = "file://fileserver" + str(project / "content" / "pl" / "img" / "mapa.png")
    assert "another host" in refusal(url, project)


def test_refuses_a_link_inside_content_pointing_outside(project, tmp_path):
    link = project / "content" / "pl" / "img" / "x.png"
    link.symlink_to(tmp_path / "secret.png")
    message = refusal(uri(link), project)
    assert f"it is a link to {tmp_path / 'secret.png'}" in message
    assert "copy the file itself into content/" in message


def test_refuses_a_link_to_etc_hostname(project):
    if not Path("/etc/hostname").exists():
        pytest.skip("no /etc/hostname here")
    link = project / "content" / "pl" / "img" / "host.png"
    link.symlink_to("/etc/hostname")
    assert "is a link to" in refusal(uri(link), project)


def test_refuses_a_linked_folder_pointing_outside(project, tmp_path):
    (project / "content" / "zdjecia").symlink_to(tmp_path)
    refusal(uri(project / "content" / "zdjecia" / "secret.png"), project)


def test_a_missing_image_has_its_own_message(project):
    url = uri(project / "content" / "pl" / "img" / "x.png")
    message = refusal(url, project)
    assert message.startswith("image not found: content/pl/img/x.png")
    assert f'"{url}"' in message


def test_a_missing_stylesheet_is_a_missing_file(project):
    assert refusal(uri(project / "styles" / "b.css"), project).startswith(
        "file not found: styles/b.css")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/stdin"])
def test_refuses_devices(project, device):
    """Devices never end (or block): they are not regular files, and not in the folders."""
    assert not Path(device).is_file()
    refusal("file://" + device, project)
    link = project / "content" / "pl" / "img" / (Path(device).name + ".png")
    link.symlink_to(device)
    refusal(uri(link), project)


def test_refuses_a_fifo_and_a_folder_inside_content(project):
    """A FIFO would block the read forever; a folder cannot be read."""
    fifo = project / "content" / "pl" / "img" / "pipe.png"
    os.mkfifo(fifo)
    assert "not a regular file" in refusal(uri(fifo), project)
    assert "not a regular file" in refusal(uri(project / "content" / "pl"), project)


def test_another_content_folder_takes_the_place_of_content(project, tmp_path):
    """build.py --content elsewhere/: that folder is served instead of the project's content/."""
    other = tmp_path / "elsewhere" / "content"
    (other / "pl" / "img").mkdir(parents=True)
    (other / "pl" / "img" / "plan.png").write_bytes(PNG)
    served, refused = fetch.fetcher_class(project, content=other)
    assert served().fetch(uri(other / "pl" / "img" / "plan.png")).read() == PNG
    assert served().fetch(uri(project / "styles" / "a.css")).read() == b"p { color: red }"
    with pytest.raises(refused):
        served().fetch(uri(project / "content" / "pl" / "img" / "mapa.png"))
    with pytest.raises(refused) as info:
        served().fetch(uri(other / "pl" / "img" / "brak.png"))
    assert str(info.value).startswith("image not found: content/pl/img/brak.png")
    assert fetch.allowed_path(uri(other / "pl" / "img" / "plan.png"), project) is None


def test_allowed_path_is_none_when_refused(project):
    assert fetch.allowed_path("file:///etc/passwd", project) is None
    assert fetch.allowed_path("https://example.com/x.png", project) is None
    assert fetch.allowed_path(uri(project / "styles" / "a.css"), project) is not None


def test_the_fetcher_never_opens_urllib(fetcher):
    served, refused = fetcher
    with pytest.raises(refused):
        served.open("http://example.com/")


# --- the fetcher in WeasyPrint ------------------------------------------------------------

HTML = """<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>{head}
</head><body><p>Tekst</p>{body}</body></html>"""


@pytest.mark.parametrize("head, body, named", [
    ('', '<img src="http://example.com/x.png" alt="x">', "http://example.com/x.png"),
    ('<link rel="stylesheet" href="https://example.com/a.css">', '', "https://example.com/a.css"),
    ('<style>@import url(http://example.com/a.css);</style>', '', "http://example.com/a.css"),
    ('<style>p { background: url(file:///etc/passwd) }</style>', '', "file:///etc/passwd"),
    ('<link rel="attachment" href="file:///etc/passwd">', '', "file:///etc/passwd"),
    ('', '<a rel="attachment" href="file:///etc/passwd">x</a>', "file:///etc/passwd"),
    ('', '<img src="file:///dev/zero" alt="x">', "file:///dev/zero"),
    ('', '<img src="content/pl/img/brak.png" alt="x">', "image not found: content/pl/img/brak.png"),
])
def test_typesetting_stops_at_a_refused_url(head, body, named):
    with pytest.raises(typeset.TypesetError) as info:
        typeset.typeset(HTML.format(head=head, body=body), "pdf/ua-1", "test")
    assert named in str(info.value)


def test_typesetting_loads_project_fonts_and_data_images():
    body = '<img src="data:image/png;base64,{}" alt="x">'.format(
        __import__("base64").b64encode(PNG).decode())
    head = '<style>@font-face { font-family: L; src: url(styles/fonts/Lato-Regular.ttf) }' \
           'body { font-family: L }</style>'
    result = typeset.typeset(HTML.format(head=head, body=body), "pdf/ua-1", "test")
    assert result.pdf.startswith(b"%PDF") and result.pages == 1
    assert not [w for w in result.warnings if "fetch" in w.lower() or "refused" in w]


def test_the_network_guard_itself_works():
    """The autouse guard would catch any socket: the tests above prove no socket was opened."""
    import urllib.request
    with pytest.raises(AssertionError):
        socket.socket()
    with pytest.raises(AssertionError):
        urllib.request.urlopen("http://example.com/", timeout=1)
