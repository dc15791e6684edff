"""Benchmark: how much does a Kuangcai seal cost beside bare pyHanko and bare cryptography?

Run: ``.venv/bin/python benchmarks/seal.py [--runs 21] [--key-type ec|rsa]``

Prints medians (ms) and ratios for, on the same document and the same key type:

* ``seal_pdf`` – visible seal image, PAdES, with a signature time-stamp from the in-process TSA
  (B-T), and without one (B-B); plus the interrupted flow's three steps;
* bare pyHanko – ``signers.sign_pdf`` with a ``SimpleSigner`` (loaded once), invisible, PAdES;
* bare ``cryptography`` – one signature over a SHA-256 digest with the same key type.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint  # noqa: I001
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

# Run as a script from anywhere: import this checkout's seals, not whatever is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seals import (  # noqa: E402
    CertificateAuthority,
    SealSpec,
    finish,
    official_seal_png,
    prepare,
    seal_pdf,
    sign_digest,
    unlock,
)

PIN = "246810"
ROWS = "".join(
    f"<tr><td>{i}</td><td>办公设备采购（第 {i} 批）</td><td>台式计算机</td><td>{100 + i}</td>"
    f"<td>¥{4980 + i * 10:,}.00</td></tr>"
    for i in range(1, 17)
)
HTML = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<style>body {{ font-family: "Noto Serif CJK SC"; font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; }} td {{ border: 1px solid #999; }}</style>
</head><body><h1>框架协议采购合同</h1>
<p>{"甲方与乙方依据框架协议约定，就下列货物签订本合同，双方共同遵守。" * 30}</p>
<table>{ROWS}</table>
<p style="page-break-before: always">{"合同条款：质量保证、交付验收、付款方式、违约责任。" * 40}</p>
<p style="page-break-before: always">甲方（盖章）　　　　乙方（盖章）</p>
</body></html>"""


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm up: imports, caches, first-use costs
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--key-type", choices=["ec", "rsa"], default="ec")
    args = parser.parse_args()

    pdf = weasyprint.HTML(string=HTML).write_pdf()
    ca = CertificateAuthority.create("基准测试", "bench-passphrase")
    issued = ca.issue_organisation(
        "河南省某某科技有限公司", "9144030071526726XG", PIN, key_type=args.key_type
    )
    custody = unlock(issued.p12, PIN)
    timestamper = ca.timestamper()
    spec = SealSpec("supplier", official_seal_png("河南省某某科技有限公司", "合同专用章"), page=-1)
    simple = signers.SimpleSigner.load_pkcs12_data(issued.p12, [], passphrase=PIN.encode())
    bare_meta = signers.PdfSignatureMetadata(
        field_name="bare", subfilter=fields.SigSeedSubFilter.PADES
    )

    def bare_pyhanko() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return signers.sign_pdf(writer, bare_meta, signer=simple).getvalue()

    key = custody._key  # the same loaded key, for the bare cryptography baseline
    digest = hashlib.sha256(b"kuangcai").digest()

    def bare_crypto() -> bytes:
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

    prepared = prepare(pdf, spec, custody.certificate, chain=custody.chain)
    signature = sign_digest(custody, prepared)
    results = {
        "seal_pdf, visible, B-T (local TSA)": median_ms(
            lambda: seal_pdf(pdf, custody, spec, timestamper), args.runs
        ),
        "seal_pdf, visible, B-B (no time-stamp)": median_ms(
            lambda: seal_pdf(pdf, custody, spec, None), args.runs
        ),
        "  prepare (background job)": median_ms(
            lambda: prepare(pdf, spec, custody.certificate, chain=custody.chain), args.runs
        ),
        "  sign_digest (key step)": median_ms(lambda: sign_digest(custody, prepared), args.runs),
        "  finish, B-T": median_ms(lambda: finish(prepared, signature, timestamper), args.runs),
        "bare pyHanko sign_pdf, invisible, B-B": median_ms(bare_pyhanko, args.runs),
        "bare cryptography signature": median_ms(bare_crypto, args.runs),
    }
    sizes = {
        "input PDF": len(pdf),
        "seal_pdf B-T": len(seal_pdf(pdf, custody, spec, timestamper)),
        "bare pyHanko": len(bare_pyhanko()),
    }
    bare = results["bare pyHanko sign_pdf, invisible, B-B"]
    crypto = results["bare cryptography signature"]
    label = "ECDSA P-256" if args.key_type == "ec" else "RSA-2048"
    print(f"key: {label}; runs: {args.runs}; PDF: {len(pdf) / 1024:.0f} KB, 3 pages")
    print(f"| step | median ms | × bare pyHanko | × bare {label} |")
    print("| --- | ---: | ---: | ---: |")
    for name, value in results.items():
        print(f"| {name} | {value:.2f} | {value / bare:.2f} | {value / crypto:,.0f} |")
    print()
    for name, size in sizes.items():
        print(f"size {name}: {size / 1024:.0f} KB (+{(size - len(pdf)) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
