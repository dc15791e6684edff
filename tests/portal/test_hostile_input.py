"""Hostile input never answers 500: arbitrary strings in every route's path and query
parameters (property-based), and the probes of issue 17 written out one by one."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.db

# Every query parameter any view reads, plus one nobody reads.
PARAMETERS = ("before", "since", "from", "to", "q", "kind", "region", "category", "collector",
              "purchaser", "project", "next", "format", "page", "unknown")
EXTREMES = ("9223372036854775808", "9223372036854775807", "-1", "0", "1e99",
            "99999999999999999999", "2147483648", "2147483647",  # PostgreSQL integer ids
            "999999", "0001-01-01", "9999-12-31", "2026-02-30", "ab\x00", "abc\x00def", '"*',
            "ab OR cd", "NEAR(a b)", "\x00", "%00", "\ud7ff", "20260101000000000000-1",
            "5-20260101000000000000-9223372036854775808", "../../etc/passwd", "a" * 5000)
values = st.one_of(st.sampled_from(EXTREMES), st.text(max_size=40),
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))
PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _routes(app: object) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():  # type: ignore[attr-defined]
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((method, rule.rule))
    return sorted(found)


def _fill(rule: str, parts: list[str]) -> str:
    supply = iter(parts)
    return PLACEHOLDER.sub(lambda _m: quote(next(supply, "1"), safe=""), rule)


@pytest.mark.parametrize("username", [None, "cz_reviewer", "gys_mfr"])
def test_arbitrary_path_and_query_strings_never_answer_500(demo, signed_in, username) -> None:
    client = signed_in(username) if username else demo.test_client()
    routes = _routes(demo)
    assert len(routes) > 30

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(route=st.sampled_from(routes), parts=st.lists(values, min_size=3, max_size=3),
           query=st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=3))
    def probe(route: tuple[str, str], parts: list[str], query: dict[str, str]) -> None:
        method, rule = route
        url = _fill(rule, parts) + ("?" + urlencode(query) if query else "")
        response = client.open(url, method=method)
        assert response.status_code != 500, (method, url)

    probe()


PROBES = [
    "/announcements/9223372036854775808", "/announcements/9223372036854775808.pdf",
    "/announcements?before=1-20260101000000000000-9223372036854775808",
    "/announcements?before=20260101000000000000-9223372036854775808",
    "/ocds/releases.json?since=20260101000000000000-9223372036854775808",
    "/documents/9223372036854775808", "/documents/9223372036854775808/seal",
    "/documents/revisions/9223372036854775808.pdf",
    "/seals/9223372036854775808/status", "/participation/9223372036854775808",
    "/oversight/audit?before=9223372036854775808", "/documents/new?project=9223372036854775808",
    "/announcements?collector=9223372036854775808",
    "/announcements?q=ab%00", "/announcements?q=abc%00", "/announcements?q=%00%00%00",
    "/announcements.atom?q=ab%00cd", "/ocds/records/a%00b.json",
]


@pytest.mark.parametrize("url", PROBES)
def test_the_issue_probes_answer_404_or_a_page(signed_in, url) -> None:
    response = signed_in("cz_reviewer").get(url)
    assert response.status_code in (200, 204, 302, 403, 404), (url, response.status_code)


@pytest.mark.parametrize("url", [
    "/announcements?from=0001-01-01", "/announcements?to=9999-12-31",
    "/announcements.atom?from=0001-01-01", "/ocds/releases.json?to=9999-12-31",
    "/announcements?from=2026-02-30", "/announcements?from=tomorrow"])
def test_a_date_out_of_range_or_unreadable_is_a_400_with_a_message(demo, url) -> None:
    response = demo.test_client().get(url)
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_an_id_beyond_the_database_is_a_404_not_a_500(demo) -> None:
    client = demo.test_client()
    for beyond in ("2147483647", "2147483648", "9223372036854775807", "9223372036854775808"):
        assert client.get(f"/announcements/{beyond}").status_code == 404, beyond
