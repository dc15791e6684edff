"""Command-line seals: ``verify``, ``seal`` and the demo ``ca`` group.

Mount on the ``kuangcai`` console script with :func:`register` (or add ``verify_command``,
``seal_command`` and ``ca_group`` one by one); ``python -m seals.cli`` runs them standalone.

Environment:

* ``KUANGCAI_CA_DIR`` – where the demo CA lives (``--ca-dir``; default ``$KUANGCAI_VAR_DIR/ca``,
  else ``./var/ca``, as the portal), created on
  first use: ``ca.json`` (keys encrypted), ``root.pem``, ``crl.der``.
* ``KUANGCAI_CA_PASSPHRASE`` – the CA passphrase. Unset, the demo default
  ``kuangcai-demo-ca`` is used and a warning is printed: fine on a laptop, never in production.
* ``KUANGCAI_PIN`` – the certificate PIN for ``seal`` and ``ca issue``; unset, it is asked for
  with a hidden prompt.

``verify`` trusts the CA in the CA directory unless ``--trust`` is given, and uses its CRL
unless ``--crl`` is given. It exits 1 if any seal is invalid or the file was changed after the
last seal; 0 only when every seal holds over the whole file.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from codes.errors import InvalidCode
from codes.id_number import validate_id_number
from codes.uscc import validate_uscc
from seals.ca import CRL_FILE, ROOT_FILE, STATE_FILE, CertificateAuthority
from seals.certcheck import load_certificate
from seals.errors import SealsError
from seals.identity import HolderKind, identity_of
from seals.images import official_seal_png, personal_seal_png
from seals.keystore import unlock
from seals.placement import MM, FieldSlot, SealSpec, page_size
from seals.profiles import KeyType
from seals.signing import seal_pdf
from seals.verify import verify_pdf

# The portal keeps its CA in $KUANGCAI_VAR_DIR/ca; the commands default to the same place.
DEFAULT_CA_DIR = os.path.join(os.environ.get("KUANGCAI_VAR_DIR", "./var"), "ca")
DEMO_PASSPHRASE = "kuangcai-demo-ca"  # noqa: S105 - documented demo default
PERSONAL_SEAL_MM = 18.0
F = TypeVar("F", bound=Callable[..., Any])


def _refusals_as_errors(func: F) -> F:
    """A SealsError becomes a one-line error and exit status 1, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SealsError, InvalidCode) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


ca_dir_option = click.option(
    "--ca-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KUANGCAI_CA_DIR",
    default=DEFAULT_CA_DIR,
    show_default=True,
    help="演示 CA 所在目录（环境变量 KUANGCAI_CA_DIR）。",
)


def _passphrase() -> str:
    value = os.environ.get("KUANGCAI_CA_PASSPHRASE")
    if value:
        return value
    click.echo("警告：未设置 KUANGCAI_CA_PASSPHRASE，使用演示默认口令（勿用于生产）。", err=True)
    return DEMO_PASSPHRASE


def _pin(confirm: bool) -> str:
    value = os.environ.get("KUANGCAI_PIN")
    if value:
        return value
    pin: str = click.prompt("证书密码（PIN）", hide_input=True, confirmation_prompt=confirm)
    return pin


def _open_ca(ca_dir: Path) -> CertificateAuthority:
    return CertificateAuthority.open(ca_dir, _passphrase())


def _trust_material(
    ca_dir: Path, trust: tuple[Path, ...], crl_files: tuple[Path, ...]
) -> tuple[list[x509.Certificate], list[bytes]]:
    roots = [load_certificate(path.read_bytes()) for path in trust]
    crls = [path.read_bytes() for path in crl_files]
    if not roots:
        root_file = ca_dir / ROOT_FILE
        if not root_file.exists():
            raise click.ClickException(
                f"没有可信根证书：请用 --trust 指定，或先用 `ca init` 在 {ca_dir} 创建演示 CA"
            )
        roots = [load_certificate(root_file.read_bytes())]
        if not crls and (ca_dir / CRL_FILE).exists():
            crls = [(ca_dir / CRL_FILE).read_bytes()]
    return roots, crls


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="可信根证书（PEM/DER），可重复；默认信任 CA 目录中的根证书。",
)
@click.option(
    "--crl",
    "crl_files",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="证书吊销列表（DER/PEM），可重复。",
)
@ca_dir_option
@_refusals_as_errors
def verify_command(file: Path, trust: tuple[Path, ...], crl_files: tuple[Path, ...],
                   ca_dir: Path) -> None:  # fmt: skip
    """验证 PDF 中的全部签章。"""
    roots, crls = _trust_material(ca_dir, trust, crl_files)
    report = verify_pdf(file.read_bytes(), roots, crls)
    click.echo(report.to_text(), nl=False)
    if not report.ok or report.modified_after_last_signature:
        raise SystemExit(1)


def _parse_slot(value: str) -> FieldSlot:
    try:
        name, page, x, y = value.split(":")
        return FieldSlot(name, _page_index(int(page)), float(x), float(y))
    except ValueError:
        raise click.BadParameter(f"应为 名称:页码:x:y，实际为 {value}") from None


def _page_index(page: int) -> int:
    """1-based page numbers on the command line; 0 or negative count from the end."""
    if page > 0:
        return page - 1
    return -1 if page == 0 else page


def _timestamper(tsa_url: str | None, no_timestamp: bool, ca_dir: Path) -> TimeStamper | None:
    if no_timestamp:
        return None
    if tsa_url:
        return HTTPTimeStamper(tsa_url)
    if not (ca_dir / STATE_FILE).exists():
        raise click.ClickException(
            f"{ca_dir} 中没有演示 CA，无法加时间戳：请用 --tsa-url 或 --no-timestamp"
        )
    return _open_ca(ca_dir).timestamper()


@click.command("seal")
@click.argument("in_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--p12",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="签章证书（PKCS#12）。",
)
@click.option(
    "--page", type=int, default=-1, show_default=True, help="页码，从 1 起；-1 为最后一页。"
)
@click.option("--x", type=float, help="签章左下角横坐标（PDF 点，1/72 英寸）。")
@click.option("--y", type=float, help="签章左下角纵坐标（PDF 点）。")
@click.option("--width", type=float, help="签章宽度（PDF 点）；默认公章 42 mm，个人章 18 mm。")
@click.option(
    "--image",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="签章图片（透明背景 PNG）；默认按证书生成。",
)
@click.option("--seal-type", default="合同专用章", show_default=True, help="单位章下方文字。")
@click.option("--field", "field_name", help="签章域名称；默认 SealN。")
@click.option("--reason", help="签章原因。")
@click.option("--location", help="签章地点。")
@click.option(
    "--certify/--no-certify", default=None, help="是否认证（锁定）文件；默认第一个签章认证。"
)
@click.option(
    "--reserve",
    multiple=True,
    metavar="NAME:PAGE:X:Y",
    help="为后续签章预留签章位置（认证文件时必需），可重复。",
)
@click.option("--tsa-url", help="RFC 3161 时间戳服务地址；默认使用 CA 目录中的演示 TSA。")
@click.option("--no-timestamp", is_flag=True, help="不加时间戳（PAdES B-B）。")
@click.option(
    "--trust",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="签章前校验证书链所用的根证书；默认 CA 目录中的根证书。",
)
@ca_dir_option
@_refusals_as_errors
def seal_command(in_file: Path, output: Path, p12: Path, page: int, x: float | None,
                 y: float | None, width: float | None, image: Path | None, seal_type: str,
                 field_name: str | None, reason: str | None, location: str | None,
                 certify: bool | None, reserve: tuple[str, ...], tsa_url: str | None,
                 no_timestamp: bool, trust: tuple[Path, ...], ca_dir: Path) -> None:  # fmt: skip
    """在 PDF 上加盖电子签章（PAdES）。"""
    pdf = in_file.read_bytes()
    custody = unlock(p12.read_bytes(), _pin(confirm=False))
    identity = identity_of(custody.certificate)
    if image is not None:
        png = image.read_bytes()
    elif identity.kind is HolderKind.PERSON:
        png = personal_seal_png(identity.common_name)
    else:
        png = official_seal_png(identity.org_name or identity.common_name, seal_type)
    default_mm = PERSONAL_SEAL_MM if identity.kind is HolderKind.PERSON else 42.0
    seal_width = width or default_mm * MM
    page_index = _page_index(page)
    page_w, _page_h = page_size(IncrementalPdfFileWriter(io.BytesIO(pdf)), page_index)
    existing = {sig.field_name for sig in PdfFileReader(io.BytesIO(pdf)).embedded_signatures}
    number = len(existing) + 1
    while f"Seal{number}" in existing:
        number += 1
    spec = SealSpec(
        field_name=field_name or f"Seal{number}",
        image_png=png,
        page=page_index,
        x=x if x is not None else page_w - seal_width - 72,
        y=y if y is not None else 72.0,
        width=seal_width,
        certify=certify,
        reason=reason,
        location=location,
        reserve=tuple(_parse_slot(value) for value in reserve),
    )
    roots: list[x509.Certificate] = []
    crls: list[bytes] = []
    if trust or (ca_dir / ROOT_FILE).exists():
        roots, crls = _trust_material(ca_dir, trust, ())
    sealed = seal_pdf(pdf, custody, spec, _timestamper(tsa_url, no_timestamp, ca_dir),
                      trust_roots=roots, crls=crls)  # fmt: skip
    output.write_bytes(sealed)
    click.echo(f"已签章：{identity.common_name} → {output}（签章域 {spec.field_name}）")


@click.group("ca")
def ca_group() -> None:
    """演示 CA：签发、吊销证书，生成 CRL。"""


@ca_group.command("init")
@click.option("--name", default="框采演示", show_default=True, help="CA 名称。")
@ca_dir_option
@_refusals_as_errors
def ca_init(name: str, ca_dir: Path) -> None:
    """创建演示 CA（已存在则只显示信息）。"""
    existed = (ca_dir / STATE_FILE).exists()
    authority = CertificateAuthority.open(ca_dir, _passphrase(), name=name)
    verb = "已存在" if existed else "已创建"
    click.echo(f"CA {verb}：{authority.name}（{ca_dir}）；根证书：{ca_dir / ROOT_FILE}")


@ca_group.command("issue")
@click.option("--org-name", help="单位名称（单位证书），或个人证书所属单位。")
@click.option("--uscc", help="统一社会信用代码（单位证书）。")
@click.option("--person-name", help="姓名（个人证书）。")
@click.option("--id-number", help="身份证号码（个人证书）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--days", type=int, default=365, show_default=True, help="有效天数。")
@click.option("--key-type", type=click.Choice(["ec", "rsa"]), default="ec", show_default=True)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@ca_dir_option
@_refusals_as_errors
def ca_issue(org_name: str | None, uscc: str | None, person_name: str | None,
             id_number: str | None, output: Path, days: int, key_type: str, force: bool,
             ca_dir: Path) -> None:  # fmt: skip
    """签发单位证书（--org-name --uscc）或个人证书（--person-name --id-number）。"""
    if output.exists() and not force:
        raise click.ClickException(f"{output} 已存在；如需覆盖请加 --force")
    person = person_name is not None or id_number is not None
    if person and not (person_name and id_number):
        raise click.UsageError("个人证书需要 --person-name 和 --id-number")
    if not person and not (org_name and uscc):
        raise click.UsageError("单位证书需要 --org-name 和 --uscc（个人证书用 --person-name）")
    # refuse a wrong code before anything (even the CA directory) is created
    validate_id_number(id_number) if person and id_number else validate_uscc(uscc or "")
    authority = _open_ca(ca_dir)
    kind: KeyType = "rsa" if key_type == "rsa" else "ec"
    start = datetime.now(UTC) - timedelta(minutes=5)
    validity = {"not_before": start, "not_after": start + timedelta(days=days)}
    pin = _pin(confirm=True)
    if person:
        assert person_name is not None and id_number is not None  # noqa: S101 - checked above
        issued = authority.issue_person(
            person_name, id_number, pin, org_name=org_name, key_type=kind, **validity
        )
    else:
        assert org_name is not None and uscc is not None  # noqa: S101 - checked above
        issued = authority.issue_organisation(org_name, uscc, pin, key_type=kind, **validity)
    output.write_bytes(issued.p12)
    output.chmod(0o600)
    authority.save(ca_dir)
    identity = identity_of(issued.certificate)
    click.echo(
        f"已签发：{identity.common_name}，序列号 {identity.serial_hex}，"
        f"有效期至 {identity.not_after:%Y-%m-%d} → {output}"
    )


@ca_group.command("revoke")
@click.argument("serial")
@ca_dir_option
@_refusals_as_errors
def ca_revoke(serial: str, ca_dir: Path) -> None:
    """吊销证书（序列号，十六进制）并更新 CRL。"""
    try:
        number = int(serial, 16)
    except ValueError:
        raise click.BadParameter(f"序列号应为十六进制：{serial}") from None
    authority = _open_ca(ca_dir)
    authority.revoke(number)
    authority.save(ca_dir)
    click.echo(f"已吊销 {number:x}；CRL：{ca_dir / CRL_FILE}")


@ca_group.command("crl")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@ca_dir_option
@_refusals_as_errors
def ca_crl(output: Path, ca_dir: Path) -> None:
    """导出当前 CRL（DER）。"""
    authority = _open_ca(ca_dir)
    output.write_bytes(authority.crl())
    authority.save(ca_dir)
    click.echo(f"CRL → {output}")


def register(group: click.Group) -> None:
    """Add ``verify``, ``seal`` and ``ca`` to an existing click group."""
    group.add_command(verify_command)
    group.add_command(seal_command)
    group.add_command(ca_group)


@click.group()
def main() -> None:
    """框采签章工具。"""


register(main)

if __name__ == "__main__":
    main()
