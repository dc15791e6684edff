"""The click commands the ``kuangcai`` console script mounts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from documents import all_kinds, validate
from documents.cli import documents, kinds, render, sample

from .conftest import KIND_CODES


def test_kinds_prints_one_per_line_code_first() -> None:
    result = CliRunner().invoke(kinds)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines == [f"{kind.code} {kind.title}" for kind in all_kinds()]
    assert "contract 采购合同" in lines


def test_sample_prints_json_that_render_reads() -> None:
    for code in KIND_CODES:
        result = CliRunner().invoke(sample, [code])
        assert result.exit_code == 0
        assert "\\u" not in result.output  # ensure_ascii=False
        validate(code, json.loads(result.output))


def test_render_writes_pdf_and_docx_from_a_file(tmp_path: Path) -> None:
    data = tmp_path / "contract.json"
    data.write_text(CliRunner().invoke(sample, ["contract"]).output, encoding="utf-8")
    pdf, word = tmp_path / "c.pdf", tmp_path / "c.docx"
    result = CliRunner().invoke(
        render, ["contract", str(data), "-o", str(pdf), "--docx", str(word), "--region", "150000"])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert word.read_bytes().startswith(b"PK")
    assert "sha256" in result.output


def test_render_reads_stdin_through_the_group(tmp_path: Path) -> None:
    text = CliRunner().invoke(sample, ["termination_announcement"]).output
    out = tmp_path / "t.pdf"
    result = CliRunner().invoke(documents, ["render", "termination_announcement", "-", "-o",
                                            str(out)], input=text)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_invalid_data_prints_chinese_field_errors_and_writes_nothing(tmp_path: Path) -> None:
    data = json.loads(CliRunner().invoke(sample, ["contract"]).output)
    data["signing_date"] = "明天"
    data["items"][0]["unit_price"] = 5760.0
    out, word = tmp_path / "c.pdf", tmp_path / "c.docx"
    result = CliRunner().invoke(render, ["contract", "-", "-o", str(out), "--docx", str(word)],
                                input=json.dumps(data, ensure_ascii=False))
    assert result.exit_code != 0
    assert "signing_date：请输入有效日期，格式如 2026-11-21" in result.output
    assert "items-0-unit_price：不接受浮点数" in result.output
    assert not out.exists() and not word.exists()
    assert list(tmp_path.iterdir()) == []


def test_docx_for_a_kind_without_one_fails_before_writing(tmp_path: Path) -> None:
    text = CliRunner().invoke(sample, ["deal_announcement"]).output
    out = tmp_path / "d.pdf"
    result = CliRunner().invoke(render, ["deal_announcement", "-", "-o", str(out), "--docx",
                                         str(tmp_path / "d.docx")], input=text)
    assert result.exit_code != 0
    assert "没有 DOCX 版本" in result.output
    assert not out.exists()


def test_broken_json_and_unknown_kinds_are_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(render, ["contract", "-", "-o", str(tmp_path / "x.pdf")],
                                input="{not json")
    assert result.exit_code != 0 and "不是有效的 JSON" in result.output
    result = CliRunner().invoke(sample, ["invoice"])
    assert result.exit_code != 0 and "未知的文书类型" in result.output


def test_an_output_folder_that_does_not_exist_is_one_clear_line(tmp_path: Path) -> None:
    data = tmp_path / "contract.json"
    data.write_text(CliRunner().invoke(sample, ["contract"]).output, encoding="utf-8")
    for option in ("-o", "--docx"):
        args = ["contract", str(data), "-o", str(tmp_path / "c.pdf")]
        if option == "-o":
            args[3] = str(tmp_path / "missing" / "c.pdf")
        else:
            args += ["--docx", str(tmp_path / "missing" / "c.docx")]
        result = CliRunner().invoke(render, args)
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            f"Error: 无法写入 {tmp_path / 'missing'}/c.{'pdf' if option == '-o' else 'docx'}："
            f"目录 {tmp_path / 'missing'} 不存在"]
        assert not (tmp_path / "c.pdf").exists()


def test_an_unknown_region_is_refused(tmp_path: Path) -> None:
    data = CliRunner().invoke(sample, ["contract"]).output
    for region, message in (("999999", "地区代码 999999 不存在：没有代码为 99 的省级行政区"),
                            ("15", "地区代码应为6位数字")):
        result = CliRunner().invoke(render, ["contract", "-", "-o", str(tmp_path / "c.pdf"),
                                             "--region", region], input=data)
        assert result.exit_code == 1 and message in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "c.pdf").exists()
