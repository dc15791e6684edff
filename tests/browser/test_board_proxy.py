"""The board behind a real nginx configured by ``docs/nginx.conf``: public pages are cached by
the proxy as the portal's headers allow and revalidated by their ETags; a signed-in visitor
always reaches the portal and gets a private page."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from portal.demo import DEMO_PASSWORD
from tests.helpers import csrf_token

CONF = Path(__file__).resolve().parents[2] / "docs" / "nginx.conf"
pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx-light missing")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def proxy(live_portal: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefix, port = tmp_path_factory.mktemp("nginx"), _free_port()
    (prefix / "cache").mkdir()
    site = (CONF.read_text().replace("@CACHE_DIR@", str(prefix / "cache"))
            .replace("@UPSTREAM@", live_portal.removeprefix("http://"))
            .replace("@LISTEN@", f"127.0.0.1:{port}"))
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\nuser root;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n access_log off;\n client_body_temp_path {prefix}/body;\n"
        f" proxy_temp_path {prefix}/proxy;\n{site}\n}}\n")
    checked = subprocess.run(["nginx", "-t", "-p", str(prefix), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf), "-g",
                               "daemon off;"], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5).close()  # noqa: S310
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


def _get(opener: urllib.request.OpenerDirector, url: str,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), ""


def test_nginx_caches_the_public_board_and_revalidates_it_by_etag(proxy: str) -> None:
    anonymous = urllib.request.build_opener()
    url = f"{proxy}/announcements?kind=collection"
    status, first, body = _get(anonymous, url)
    assert status == 200 and first["Cache-Control"].startswith("public, max-age=60")
    assert first["X-Cache"] in ("MISS", "EXPIRED")
    status, second, again = _get(anonymous, url)
    assert (status, second["X-Cache"], again) == (200, "HIT", body)
    status, _, _ = _get(anonymous, url, {"If-None-Match": first["ETag"]})
    assert status == 304
    # an HTMX fragment is a variant of its own, never the whole page
    status, fragment, part = _get(anonymous, url, {"HX-Request": "true", "HX-Target": "results"})
    assert status == 200 and "<html" not in part and "<html" in body


def test_a_signed_in_visitor_passes_through_and_gets_a_private_page(proxy: str) -> None:
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, _, login = _get(browser, f"{proxy}/login")
    form = urlencode({"csrf_token": csrf_token(login), "username": "zj_clerk",
                      "password": DEMO_PASSWORD}).encode()
    browser.open(urllib.request.Request(f"{proxy}/login", data=form,
                                        headers={"Referer": f"{proxy}/login"}), timeout=30)
    _get(urllib.request.build_opener(), f"{proxy}/announcements")  # the public copy, cached
    for _ in range(2):
        status, headers, body = _get(browser, f"{proxy}/announcements")
        assert status == 200 and headers["X-Cache"] == "BYPASS"
        assert headers["Cache-Control"] == "private, no-cache" and "退出" in body
