"""Click commands for the ``kuangcai`` console script: ``kinds``, ``sample``, ``render``.

Mount them with ``main.add_command(kinds)`` (or the whole ``documents`` group); they need no
application, database or network.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from documents.catalogue import all_kinds, get_kind
from documents.errors import DocumentError, UnknownKind, ValidationFailed
from documents.rendering import render_docx, render_pdf


@click.command("kinds")
def kinds() -> None:
    """列出全部文书类型（代码在前）。"""
    for kind in all_kinds():
        click.echo(f"{kind.code} {kind.title}")


def _kind_or_fail(code: str) -> Any:
    try:
        return get_kind(code)
    except UnknownKind as exc:
        raise click.BadParameter(str(exc), param_hint="KIND") from None


@click.command("sample")
@click.argument("kind")
def sample(kind: str) -> None:
    """输出某类文书的示例数据（JSON，render 命令可直接读取）。"""
    chosen = _kind_or_fail(kind)
    click.echo(json.dumps(chosen.sample(), ensure_ascii=False, indent=2))


def _write_atomically(path: Path, content: bytes) -> None:
    # Write beside the target and rename, so a failed run never leaves half a file behind.
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("render")
@click.argument("kind")
@click.argument("data", type=click.File("r", encoding="utf-8"))
@click.option("-o", "--output", "output", required=True, help="PDF 输出路径",
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--docx", "docx_output", type=click.Path(dir_okay=False, path_type=Path),
              help="同时输出 DOCX（仅征集文件、委托代理协议、框架协议、采购合同）")
@click.option("--region", default=None, help="地区代码（GB/T 2260，如 150000 内蒙古）")
def render(
    kind: str, data: Any, output: Path, docx_output: Path | None, region: str | None
) -> None:
    """按 DATA（JSON 文件，- 表示标准输入）生成 PDF，可选 DOCX；数据有误时不写任何文件。"""
    chosen = _kind_or_fail(kind)
    for path in (output, docx_output):
        if path is not None and not (path.parent or Path(".")).is_dir():
            raise click.ClickException(f"无法写入 {path}：目录 {path.parent} 不存在")
    try:
        document = json.load(data)
    except json.JSONDecodeError as exc:
        click.echo(f"数据不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}", err=True)
        sys.exit(1)
    try:
        files = [(output, render_pdf(chosen.code, document, region))]
        if docx_output is not None:
            files.append((docx_output, render_docx(chosen.code, document, region)))
    except ValidationFailed as exc:
        click.echo(f"{chosen.title}数据校验未通过：", err=True)
        for line in exc.lines():
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    except (DocumentError, ValueError) as exc:
        click.echo(f"无法生成{chosen.title}：{exc}", err=True)
        sys.exit(1)
    for path, rendered in files:
        try:
            _write_atomically(path, rendered.content)
        except OSError as exc:
            raise click.ClickException(f"无法写入 {path}：{exc.strerror}") from None
        click.echo(f"{path}\t{len(rendered.content)} 字节\tsha256 {rendered.sha256}")


@click.group("documents")
def documents() -> None:
    """文书：类型目录、示例数据与渲染。"""


for _command in (kinds, sample, render):
    documents.add_command(_command)


if __name__ == "__main__":
    documents()
