"""PDF and HTML output: content, typography, fonts, anchors, determinism, regions."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from wtforms import FieldList

from documents import (
    RenderedFile,
    RendererUnavailable,
    ValidationFailed,
    get_kind,
    render_html,
    render_pdf,
    validate,
)
from documents import fields as f
from documents.formatting import cn_date, cn_datetime, cn_month, format_quantity
from documents.formdata import iter_leaves, to_formdata
from documents.kinds import sample_data as s
from documents.money import format_amount
from documents.richtext import html_to_paragraphs
from documents.templating import CHOICES

from .conftest import KIND_CODES, pdf_text, squash

A4_WIDTH_PT, A4_HEIGHT_PT = 595.28, 841.89
Sample = Callable[[str], dict[str, Any]]


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]


def _fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def _expected_texts(code: str) -> list[str]:
    """How each sample value should read in the document, by the type of its field."""
    kind = get_kind(code)
    typed = validate(code, kind.sample()).data
    formdata = to_formdata(kind.sample())
    expected: list[str] = []
    for step in kind.steps:
        for field in iter_leaves(step.form_class(formdata)):
            if isinstance(field, FieldList):
                continue  # its rows' fields come next
            value = _lookup(typed, field.name)
            if value in (None, "", ()) or isinstance(value, bool):
                continue
            expected.extend(_as_printed(field, value))
    return expected


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("-"):
        data = data[int(part)] if isinstance(data, tuple) else data.get(part)
        if data is None:
            return None
    return data


def _as_printed(field: Any, value: Any) -> list[str]:
    if isinstance(field, f.MoneyText):
        return [format_amount(value)]
    if isinstance(field, f.DecimalText):
        return [format_quantity(value)]
    if isinstance(field, f.MonthText):
        return [cn_month(value)]
    if isinstance(field, f.DateTimeText):
        return [cn_datetime(value)]
    if isinstance(field, f.DateText):
        return [cn_date(value)]
    if isinstance(field, f.MultiChoiceField | f.ChoiceField):
        vocabulary = next(v for v in CHOICES.values() if all(x in v for x in _as_list(value)))
        return [vocabulary[x] for x in _as_list(value)]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, str) and "<" in value:
        return html_to_paragraphs(value)
    if isinstance(value, Decimal | date | datetime):  # pragma: no cover - all typed above
        raise AssertionError(field.name)
    return [str(value)]


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


@pytest.mark.parametrize("code", KIND_CODES)
def test_every_kind_renders_its_sample_to_a_pdf(code: str, rendered_pdfs: dict[str, RenderedFile],
                                                pdf_files: dict[str, Path]) -> None:
    rendered = rendered_pdfs[code]
    assert rendered.content.startswith(b"%PDF-")
    assert rendered.media_type == "application/pdf"
    assert len(rendered.sha256) == 64
    assert _pages(pdf_files[code]) >= 1


@pytest.mark.parametrize("code", KIND_CODES)
def test_the_pdf_text_has_the_title_and_every_sample_value(code: str,
                                                           pdf_texts: dict[str, str]) -> None:
    text = re.sub(r"—\d+—", "", squash(pdf_texts[code]))  # a page may end mid-value
    assert squash(get_kind(code).title) in text
    missing = [value for value in _expected_texts(code) if squash(value) not in text]
    assert not missing


@pytest.mark.parametrize("code", KIND_CODES)
def test_fonts_are_embedded_cjk_subsets_of_the_type_scale(code: str,
                                                          pdf_files: dict[str, Path]) -> None:
    """Body serif, bold serif title (小标宋 style), bold sans headings (黑体 style): no more."""
    fonts = _fonts(pdf_files[code])
    assert fonts
    for name, *rest in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+Noto-(Serif-CJK-SC(-Bold)?|Sans-CJK-SC-Bold)", name), name
        assert rest[-5:-3] == ["yes", "yes"], rest  # embedded, subset
    names = {name.split("+")[1] for name, *_ in fonts}
    assert "Noto-Serif-CJK-SC-Bold" in names  # the title
    assert len(fonts) <= 3


def test_cjk_faces_are_embedded_as_compact_cff(pdf_files: dict[str, Path]) -> None:
    fonts = _fonts(pdf_files["collection_announcement"])
    assert [name.split("+")[1] for name, *_ in fonts] == [
        "Noto-Serif-CJK-SC-Bold", "Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"]
    assert all(row[1:4] == ["CID", "Type", "0C"] for row in fonts)


def test_page_numbers_read_dash_number_dash(pdf_files: dict[str, Path]) -> None:
    pages = pdf_text(pdf_files["collection_announcement"]).split("\f")[:-1]
    assert len(pages) == 4
    for number, page in enumerate(pages, start=1):
        assert squash(page).endswith(f"—{number}—")


def test_the_same_data_gives_the_same_bytes(samples: dict[str, dict[str, Any]],
                                            rendered_pdfs: dict[str, RenderedFile]) -> None:
    for code in KIND_CODES:
        again = render_pdf(code, samples[code])
        assert again.content == rendered_pdfs[code].content, code
        assert again.sha256 == rendered_pdfs[code].sha256


def test_different_data_gives_a_different_file_identifier(sample_of: Sample,
                                                          rendered_pdfs: dict[str, RenderedFile]
                                                          ) -> None:
    data = sample_of("termination_announcement")
    data["announcement_date"] = s.iso_day(s.TERMINATED + 1)
    other = render_pdf("termination_announcement", data).content
    ids = [re.search(rb"/ID \[\(([0-9a-f]+)\)", pdf).group(1)  # type: ignore[union-attr]
           for pdf in (other, rendered_pdfs["termination_announcement"].content)]
    assert ids[0] != ids[1]


EXPECTED_ANCHORS = {
    "entrustment_agreement": {"collector", "agency"},
    "solicitation": {"collector"},
    "collection_announcement": {"collector", "agency"},
    "change_announcement": {"collector"},
    "termination_announcement": {"collector"},
    "shortlist_announcement": {"collector"},
    "opening_record": {"supplier-1", "supplier-2", "supplier-3", "supplier-4", "agency",
                       "collector"},  # the same place: whoever opened the lot seals there
    "evaluation_report": {f"expert-{n}" for n in range(1, 6)},
    "framework_agreement": {"supplier", "collector"},
    "contract": {"supplier", "purchaser"},
}


@pytest.mark.parametrize("code", KIND_CODES)
def test_each_sealing_party_has_an_anchor_on_the_page(code: str,
                                                      rendered_pdfs: dict[str, RenderedFile],
                                                      pdf_files: dict[str, Path]) -> None:
    anchors = rendered_pdfs[code].anchors
    if get_kind(code).uploaded_pdf:  # the sealed file is the upload, which has no anchors
        assert anchors == {}
        return
    assert set(anchors) == EXPECTED_ANCHORS.get(code, set())
    roles = {name.split("-")[0] for name in anchors}
    kind = get_kind(code)
    # roles sharing a party block share its anchor (a 委托代理协议's 委托方)
    sharing = {role for role, block in kind.party_blocks
               if any(kind.block_of(r) == block for r in roles)}
    assert roles <= set(kind.sealed_by) and set(kind.sealed_by) <= roles | sharing
    pages = _pages(pdf_files[code])
    for anchor in anchors.values():
        assert 0 <= anchor.page_index < pages
        assert 28 / 25.4 * 72 < anchor.x_pt < A4_WIDTH_PT - 26 / 25.4 * 72
        assert 35 / 25.4 * 72 < anchor.y_pt < A4_HEIGHT_PT - 37 / 25.4 * 72


def test_the_issuer_seal_anchor_sits_on_the_date_line(pdf_files: dict[str, Path],
                                                      rendered_pdfs: dict[str, RenderedFile]
                                                      ) -> None:
    anchor = rendered_pdfs["solicitation"].anchors["collector"]
    page = anchor.page_index + 1
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
         str(pdf_files["solicitation"]), "-"],
        check=True, capture_output=True, text=True).stdout
    date_boxes = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
                            + s.cn_day(s.CALL) + "</word>", out)
    x_min, y_min, x_max = map(float, date_boxes[-1])  # the signature's date comes last
    anchor_from_top = A4_HEIGHT_PT - anchor.y_pt
    assert x_min < anchor.x_pt < x_max  # centred over the date
    assert 0 <= y_min - anchor_from_top < 12  # just above the date line


def test_joint_issuers_each_seal_over_their_own_name(pdf_files: dict[str, Path],
                                                    rendered_pdfs: dict[str, RenderedFile]
                                                    ) -> None:
    """征集公告 entrusted to an agency: both names side by side, seals apart (GB/T 9704 7.3.5.2)."""
    anchors = rendered_pdfs["collection_announcement"].anchors
    collector, agency = anchors["collector"], anchors["agency"]
    assert collector.page_index == agency.page_index and collector.y_pt == agency.y_pt
    seal_pt = 42 / 25.4 * 72
    assert agency.x_pt - collector.x_pt >= seal_pt  # the two seals do not overlap
    page = collector.page_index + 1
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
         str(pdf_files["collection_announcement"]), "-"],
        check=True, capture_output=True, text=True).stdout
    names = ("内蒙古自治区政府采购中心", "内蒙古恒信招标代理有限公司")
    for anchor, name in zip((collector, agency), names, strict=True):
        x_min, x_max, y_max = map(float, re.findall(
            rf'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">{name}</word>',
            out)[-1])
        assert x_min < anchor.x_pt < x_max
        assert 0 <= (A4_HEIGHT_PT - anchor.y_pt) - y_max < 12  # just below the name


def test_the_html_declares_language_fonts_and_gbt9704_page(samples: dict[str, Any]) -> None:
    html = render_html("contract", samples["contract"])
    assert '<html lang="zh-CN">' in html
    assert '"Noto Serif CJK SC"' in html
    assert "margin: 37mm 26mm 35mm 28mm" in html
    assert "font-size: 22pt" in html and "font-size: 15.75pt" in html
    assert '"Noto Sans CJK SC"' in html and "--title-weight: bold" in html
    assert "display: table-header-group" in html
    assert 'id="seal-anchor-supplier"' in html and 'id="seal-anchor-purchaser"' in html


def test_contracts_and_agreements_show_amounts_in_capitals(pdf_texts: dict[str, str]) -> None:
    assert "人民币叁拾肆万伍仟陆佰元整（¥345,600.00）" in squash(pdf_texts["contract"])
    assert "人民币伍仟捌佰玖拾元整" in squash(pdf_texts["framework_agreement"])
    assert "人民币壹拾贰万元整" in squash(pdf_texts["entrustment_agreement"])


def test_announcements_stay_small(rendered_pdfs: dict[str, RenderedFile],
                                  pdf_files: dict[str, Path]) -> None:
    for code in KIND_CODES:
        if get_kind(code).board_category is not None:
            assert len(rendered_pdfs[code].content) < 150_000, code
    three_pages = [code for code in KIND_CODES
                   if get_kind(code).board_category and _pages(pdf_files[code]) >= 3]
    assert three_pages
    assert all(len(rendered_pdfs[c].content) < 100_000 for c in three_pages)


def test_long_tables_repeat_their_header_on_every_page(sample_of: Sample, tmp_path: Path) -> None:
    data = sample_of("contract")
    row = data["items"][0]
    data["items"] = [dict(row, name=f"台式计算机{n}") for n in range(45)]
    data["total_amount"] = f"{Decimal(row['amount']) * 45:.2f}"
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf("contract", data).content)
    pages = [page for page in pdf_text(path).split("\f") if "5,760.00" in page]
    assert len(pages) >= 2
    assert all(page.count("规格型号") == 1 for page in pages)


def test_the_compact_font_draws_the_same_glyphs_as_weasyprints(
    samples: dict[str, Any], rendered_pdfs: dict[str, RenderedFile], tmp_path: Path
) -> None:
    from weasyprint import HTML

    html = render_html("termination_announcement", samples["termination_announcement"])
    reference = tmp_path / "reference.pdf"
    reference.write_bytes(HTML(string=html).write_pdf())
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(rendered_pdfs["termination_announcement"].content)
    assert ours.stat().st_size * 3 < reference.stat().st_size
    rasters = []
    for path in (reference, ours):
        subprocess.run(["pdftoppm", "-r", "60", "-gray", "-f", "1", "-l", "1", str(path),
                        str(path.with_suffix(""))], check=True)
        rasters.append(path.with_name(path.stem + "-1.pgm").read_bytes())
    assert len(rasters[0]) == len(rasters[1])
    difference = sum(abs(a - b) for a, b in zip(*rasters, strict=True)) / len(rasters[0])
    assert difference < 0.5


def test_a_region_override_wins_for_that_region_and_its_cities(samples: dict[str, Any]) -> None:
    wording = "本公告同时在中国政府采购网和内蒙古自治区政府采购网发布"
    data = samples["collection_announcement"]
    assert wording in render_html("collection_announcement", data, region="150000")
    assert wording in render_html("collection_announcement", data, region="150105")
    assert wording not in render_html("collection_announcement", data)
    assert wording not in render_html("collection_announcement", data, region="410000")
    assert wording not in render_html("termination_announcement",
                                      samples["termination_announcement"], region="150000")


def test_the_region_override_reaches_the_pdf(samples: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "nm.pdf"
    path.write_bytes(render_pdf("collection_announcement", samples["collection_announcement"],
                                region="150000").content)
    assert "内蒙古自治区政府采购网发布内容为准" in squash(pdf_text(path))


@pytest.mark.parametrize("region", ["15", "15000a", "../default", "150000/../x"])
def test_region_codes_must_be_six_digits(region: str, samples: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="6位数字"):
        render_html("contract", samples["contract"], region=region)


@pytest.mark.parametrize("code", KIND_CODES)
def test_a_live_preview_renders_an_empty_draft(code: str) -> None:
    html = render_html(code, {}, preview=True)
    assert get_kind(code).title in html
    assert "None" not in html


def test_a_preview_shows_what_is_readable_and_leaves_the_rest_blank(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["total_amount"] = "很多钱"
    html = render_html("contract", data, preview=True)
    assert "345,600.00" in html and "很多钱" not in html


def test_rendering_invalid_data_raises_field_errors(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["signing_date"] = "2027-02-30"
    with pytest.raises(ValidationFailed) as caught:
        render_pdf("contract", data)
    assert caught.value.errors == {"signing_date": ["请输入有效日期，格式如 2026-11-21"]}


def test_user_text_is_escaped_and_rich_text_sanitised(sample_of: Sample) -> None:
    data = sample_of("termination_announcement")
    data["project_name"] = "<script>alert(1)</script>项目"
    data["reason"] = '<p onclick="x()">原因<img src=x onerror=alert(1)></p><script>y()</script>'
    html = render_html("termination_announcement", data)
    assert "<script>" not in html and "onerror" not in html and "onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;项目" in html
    assert "<p>原因</p>" in html


def test_without_harfbuzz_subsetting_rendering_refuses(monkeypatch: pytest.MonkeyPatch,
                                                       samples: dict[str, Any]) -> None:
    import weasyprint.text.ffi as ffi

    from documents import pdf_render

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    pdf_render.require_harfbuzz_subset.cache_clear()
    try:
        with pytest.raises(RendererUnavailable, match="libharfbuzz-subset0"):
            render_pdf("contract", samples["contract"])
    finally:
        pdf_render.require_harfbuzz_subset.cache_clear()


def test_a_deployment_font_folder_replaces_the_body_face(tmp_path: Path, samples: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sans = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not sans.exists():
        pytest.skip("fonts-noto-cjk's sans face is not installed")
    (tmp_path / "body.ttc").symlink_to(sans)
    monkeypatch.setenv("KUANGCAI_FONT_DIR", str(tmp_path))
    path = tmp_path / "out.pdf"
    path.write_bytes(render_pdf("termination_announcement",
                                samples["termination_announcement"]).content)
    names = {row[0].split("+")[1] for row in _fonts(path)}
    # the body (and its bold) come from the folder; title and headings stay Noto
    assert "Kuangcai-Body" in names
    assert names <= {"Kuangcai-Body", "Kuangcai-Body-Bold", "Noto-Serif-CJK-SC-Bold",
                     "Noto-Sans-CJK-SC-Bold"}


def test_licensed_title_and_heading_faces_are_used_at_their_own_weight(
        tmp_path: Path, samples: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """方正小标宋 and 黑体 are heavy already: no synthetic bold on a supplied title or heading."""
    sans = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not sans.exists():
        pytest.skip("fonts-noto-cjk's sans face is not installed")
    for role in ("title", "heading"):
        (tmp_path / f"{role}.ttc").symlink_to(sans)
    monkeypatch.setenv("KUANGCAI_FONT_DIR", str(tmp_path))
    path = tmp_path / "out.pdf"
    path.write_bytes(render_pdf("termination_announcement",
                                samples["termination_announcement"]).content)
    names = {row[0].split("+")[1] for row in _fonts(path)}
    assert {"Kuangcai-Title", "Kuangcai-Heading"} <= names
    assert not {"Kuangcai-Title-Bold", "Kuangcai-Heading-Bold"} & names


def test_a_missing_font_folder_is_an_error(samples: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(RendererUnavailable, match="字体目录不存在"):
        render_pdf("contract", samples["contract"], font_dir=tmp_path / "absent")


def _squashed_pdf(code: str, data: dict[str, Any], tmp_path: Path) -> str:
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(render_pdf(code, data).content)
    return squash(pdf_text(path))


def test_an_open_agreement_announcement_adds_its_section(sample_of: Sample,
                                                         tmp_path: Path) -> None:
    data = sample_of("collection_announcement")
    data.update(
        agreement_type="open",
        join_application="<p>供应商可在协议有效期内随时提交加入申请及资格证明材料。</p>",
        performance_region="呼和浩特市", payment_standard="按每人每日300元支付",
        removal_addition_rules="连续两次履约评价不合格的予以清退", separate_agreement=True,
    )
    text = _squashed_pdf("collection_announcement", data, tmp_path)
    for expected in ("开放式框架协议有关事项",
                     "供应商可在协议有效期内随时提交加入申请及资格证明材料。",
                     "履行区域：呼和浩特市", "支付标准：按每人每日300元支付",
                     "清退和补充规则：连续两次履约评价不合格的予以清退",
                     "是否另行签订书面协议：是", "八、其他补充事宜"):
        assert squash(expected) in text, expected


def test_services_requirements_describe_the_service(sample_of: Sample, tmp_path: Path) -> None:
    data = sample_of("requirements")
    services = {"service_content": "办公楼物业保洁", "service_standard": "达到一级物业服务标准",
                "service_staffing": "保洁员12名", "service_area": "呼和浩特市新城区",
                "service_workload": "按服务面积和月计量"}
    data.update(project_category="services", **services)
    text = _squashed_pdf("requirements", data, tmp_path)
    for value in services.values():
        assert value in text
    assert "满足日常办公" not in text  # the goods answers are not part of a services need


def test_quality_first_shortlists_publish_the_lowest_score(sample_of: Sample,
                                                           tmp_path: Path) -> None:
    data = sample_of("shortlist_announcement")
    data["evaluation_method"] = "quality_first"
    for lot, score in zip(data["lots"], ("86.5", "90"), strict=True):
        lot["lowest_score"] = score
    text = _squashed_pdf("shortlist_announcement", data, tmp_path)
    assert "最低入围得分：86.5分" in text and "最低入围得分：90分" in text
    assert "最高入围价格" not in text


@pytest.mark.parametrize(("code", "parties"), [
    ("collection_announcement", (s.COLLECTOR, s.AGENCY)),
    ("change_announcement", (s.COLLECTOR, s.AGENCY)),
    ("termination_announcement", (s.COLLECTOR, s.AGENCY)),
    ("shortlist_announcement", (s.COLLECTOR, s.AGENCY)),
    ("bidding_announcement", (s.PURCHASER,)),
    ("deal_announcement", (s.PURCHASER,)),
    ("contract_announcement", (s.PURCHASER,)),
])
def test_announcement_contact_blocks_carry_each_partys_credit_code(
        code: str, parties: tuple[dict[str, str], ...], pdf_texts: dict[str, str]) -> None:
    text = squash(pdf_texts[code])
    for party in parties:  # a page break may fall between the two lines
        assert f"名称：{party['name']}" in text, (code, party["name"])
        assert f"统一社会信用代码：{party['uscc']}" in text, (code, party["name"])
def test_the_solicitation_carries_the_agreement_and_contract_texts(pdf_texts: dict[str, str],
                                                                    samples: dict[str, Any]
                                                                    ) -> None:
    """征集文件 and 框架协议 carry the texts their own kinds render (format texts with blanks),
    the agency fee figure, and the 征集文件 has a cover page."""
    solicitation = re.sub(r"—\d+—", "", squash(pdf_texts["solicitation"]))
    agreement = re.sub(r"—\d+—", "", squash(pdf_texts["framework_agreement"]))
    # section headings of the 框架协议 and the 采购合同 texts, rendered from their own partials
    for heading in ("产品升级换代", "入围供应商清退和补充", "双方权利和义务", "入围产品及协议价格"):
        assert heading in solicitation, heading
    for heading in ("合同标的", "合同价款", "交货地点及时间", "违约责任", "争议解决"):
        assert heading in solicitation and heading in agreement, heading
    assert "附件：采购合同（格式文本）" in agreement
    assert samples["solicitation"]["upgrade_rules"] in solicitation
    assert "¥120,000.00" in solicitation
    cover = pdf_texts["solicitation"].split("\f")[0]
    assert "征集人" in cover and "第一章" not in cover and "—1—" not in squash(cover)


def test_one_change_to_the_contract_text_shows_in_all_three(samples: dict[str, Any],
                                                            tmp_path: Path) -> None:
    from documents.templating import environment

    root = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates" / "documents", root)
    partial = root / "default" / "_contract_text.html"
    partial.write_text(partial.read_text("utf-8").replace("合同价款", "合同价款与结算"), "utf-8")
    from documents import templating

    original = templating.TEMPLATE_ROOT
    templating.TEMPLATE_ROOT = root
    environment.cache_clear()
    try:
        for code in ("contract", "framework_agreement", "solicitation"):
            assert "合同价款与结算" in render_html(code, samples[code]), code
    finally:
        templating.TEMPLATE_ROOT = original
        environment.cache_clear()
