"""Chinese plain-text rendering of a verification report (CLI output, audit log)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seals.verify import SignatureReport, VerificationReport

_COVERAGE = {
    "whole_file": "签章覆盖整个文件（其后未作任何修改）",
    "earlier_revision": "签章覆盖其所在修订版本，其后文件有追加修订",
    "partial": "签章未完整覆盖其所在修订版本",
}
_LATER = {
    "none": "无",
    "signatures": "仅追加签章或时间戳",
    "form_filling": "仅追加签章、填写表单",
    "annotations": "追加了批注",
    "other": "文件内容被修改",
}
_REVOCATION = {
    "good": "未吊销（已核对 CRL）",
    "revoked": "已吊销",
    "unknown": "未核对（未提供 CRL）",
}


def _time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _yes(flag: bool | None, yes: str = "是", no: str = "否") -> str:
    return "—" if flag is None else (yes if flag else no)


def _signature_lines(index: int, sig: SignatureReport) -> list[str]:
    verdict = "有效" if sig.bottom_line else "无效"
    holder = "个人证书" if sig.kind == "person" else "单位证书"
    lines = [
        f"签章 {index}：{sig.field_name}  【{verdict}】",
        f"  签章人：{sig.signer_cn}（{holder}，证书序列号 {sig.certificate_serial}）",
    ]
    if sig.org_name and sig.org_name != sig.signer_cn:
        lines.append(f"  单位：{sig.org_name}")
    if sig.uscc:
        lines.append(f"  统一社会信用代码：{sig.uscc}")
    if sig.id_number:
        masked = sig.id_number[:6] + "********" + sig.id_number[14:]
        lines.append(f"  身份证号码：{masked}")
    if sig.named_party is not None:
        party = sig.named_party
        agree = "与证书一致" if sig.party_matches else "与证书不一致"
        lines.append(f"  代表当事人：{party.role} {party.name}（统一社会信用代码 {party.uscc}，"
                     f"{agree}）")
    lines.append(f"  签章时间（签章人声明）：{_time(sig.signing_time)}")
    if sig.timestamp is None:
        lines.append("  时间戳：无")
    else:
        state = "有效" if sig.timestamp.valid else "无效"
        lines.append(f"  时间戳：{_time(sig.timestamp.time)}（{state}，{sig.timestamp.tsa}）")
    lines.append(f"  认证签章（锁定文件）：{_yes(sig.certifies)}")
    lines.append(f"  文件完整：{_yes(sig.intact)}；签名值有效：{_yes(sig.signature_valid)}")
    lines.append(f"  覆盖范围：{_COVERAGE[sig.coverage]}")
    if sig.coverage == "earlier_revision":
        later = _LATER[sig.later_changes] if sig.later_changes else "无法分析"
        allowed = _yes(sig.later_changes_permitted, "允许", "不允许")
        lines.append(f"  其后修改：{later}（{allowed}）")
    lines.append(f"  证书链：{'受信任' if sig.trusted else '不受信任'}")
    revocation = _REVOCATION[sig.revocation]
    if sig.revoked_at is not None:
        revocation += f"，吊销时间 {_time(sig.revoked_at)}"
    lines.append(f"  吊销状态：{revocation}")
    lines.extend(f"  问题：{problem}" for problem in sig.problems)
    return lines


def render_text(report: VerificationReport) -> str:
    lines: list[str] = []
    for index, sig in enumerate(report.signatures, start=1):
        lines.extend(_signature_lines(index, sig))
        lines.append("")
    lines.extend(f"问题：{problem}" for problem in report.problems)
    if report.signatures:
        if report.modified_after_last_signature:
            allowed = "，属允许的修改" if report.modification_permitted else "，且不被允许"
            lines.append(f"最后一个签章之后文件被修改过{allowed}。")
        else:
            lines.append("最后一个签章之后文件未被修改。")
    lines.append(f"结论：{'全部签章有效' if report.ok else '验证未通过'}")
    return "\n".join(lines) + "\n"
