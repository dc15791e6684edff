import pytest

from documents.richtext import html_to_paragraphs, sanitize_html

HOSTILE = [
    '<script>alert(1)</script><p>正文</p>',
    '<p onclick="alert(1)">正文</p>',
    '<img src=x onerror="alert(1)">正文',
    '<a href="javascript:alert(1)">正文</a>',
    '<p style="background:url(javascript:alert(1))">正文</p>',
    '<style>p{color:red}</style><p>正文</p>',
    '<iframe src="https://evil.example"></iframe>正文',
    '<svg onload=alert(1)><p>正文</p></svg>',
    '<p>正文<!-- <script>alert(1)</script> --></p>',
    '<table><tr><td colspan="2" onmouseover="x()" style="x">正文</td></tr></table>',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markup_loses_scripts_handlers_urls_and_styles(hostile: str) -> None:
    clean = sanitize_html(hostile)
    assert "正文" in clean
    lowered = clean.lower()
    for banned in ("<script", "alert", "onerror", "onclick", "onload", "onmouseover",
                   "javascript:", "style", "<img", "<a ", "<iframe", "<svg", "<!--"):
        assert banned not in lowered, (banned, clean)


def test_the_safe_subset_survives() -> None:
    html = ("<h3>一、说明</h3><p><strong>重要</strong>与<em>提示</em><br>换行</p>"
            "<ul><li>甲</li></ul><ol><li>乙</li></ol>"
            "<table><thead><tr><th>表头</th></tr></thead><tbody><tr><td rowspan=\"2\">格"
            "</td></tr></tbody></table>")
    assert sanitize_html(html) == html.replace("<br>", "<br>")


def test_plain_text_is_escaped_and_split_into_paragraphs() -> None:
    assert sanitize_html("a < b & c\n\n第二段") == "<p>a &lt; b &amp; c</p><p>第二段</p>"


def test_docx_gets_plain_paragraphs() -> None:
    assert html_to_paragraphs("<p>一、<strong>总则</strong></p><ul><li>甲 &amp; 乙</li></ul>"
                              "<script>x</script>") == ["一、总则", "甲 & 乙"]
