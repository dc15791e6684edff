"""Seals (签章): PAdES seals on PDF documents, the demo CA behind them, and verification.

A pure library: PDF bytes plus a seal spec in, sealed bytes out; verification returns a plain
report. No web framework, no database. What it owns:

* codes – 统一社会信用代码 (:mod:`codes.uscc`, GB 32100) and ID numbers (:mod:`codes.id_number`,
  GB 11643), and where certificates carry them (:mod:`seals.identity`);
* a demo CA with CRL and an RFC 3161 time-stamp authority (:mod:`seals.ca`, :mod:`seals.tsa`,
  certificate profiles in :mod:`seals.profiles`);
* key custody behind one interface, :class:`KeyCustody` (:mod:`seals.keystore`): the built-in
  store keeps PKCS#12 files encrypted under the holder's PIN; a USB key, HSM or remote signer
  can take its place;
* checks that a certificate may seal now (:mod:`seals.certcheck`);
* seal images drawn in code (:mod:`seals.images`);
* sealing, in one go or interrupted so the key step stays in the request that has the PIN
  (:mod:`seals.signing`, placement and appearance in :mod:`seals.placement`), and 撤章
  (:mod:`seals.revisions`);
* verification (:mod:`seals.verify`, Chinese text in :mod:`seals.report_text`);
* click commands for the ``kuangcai`` console script (:mod:`seals.cli`, imported on demand).

Every refusal is a :class:`SealsError` subclass whose message is Chinese and fit to show.
"""

from codes.id_number import id_check_digit, is_valid_id_number, validate_id_number
from codes.uscc import check_digit, is_valid_uscc, validate_uscc
from seals.ca import CertificateAuthority, IssuedCredential
from seals.certcheck import check_certificate, load_certificate, load_crl
from seals.errors import (
    CaError,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRejected,
    CertificateRevoked,
    CertificateUntrusted,
    InvalidCode,
    InvalidKeyFile,
    SealingError,
    SealsError,
    WithdrawError,
    WrongPin,
)
from seals.identity import (
    CertificateIdentity,
    HolderKind,
    id_number_of,
    identity_of,
    uscc_of,
)
from seals.images import official_seal_png, personal_seal_png
from seals.keystore import (
    KeyCustody,
    UnlockedKey,
    import_p12,
    kdf_rounds_of,
    pack_p12,
    rewrap_p12,
    unlock,
)
from seals.party import NamedParty, party_of_reason, party_reason
from seals.placement import FieldSlot, SealSpec
from seals.revisions import withdraw_last
from seals.signing import (
    PreparedSeal,
    finish,
    prepare,
    seal_pdf,
    sign_digest,
    timestamp_allowance_for,
)
from seals.tsa import TimestampAuthority
from seals.verify import (
    Coverage,
    LaterChanges,
    SignatureReport,
    TimestampReport,
    VerificationReport,
    verify_pdf,
)

__all__ = [
    "CaError",
    "CertificateAuthority",
    "CertificateExpired",
    "CertificateIdentity",
    "CertificateNotYetValid",
    "CertificateRejected",
    "CertificateRevoked",
    "CertificateUntrusted",
    "Coverage",
    "FieldSlot",
    "HolderKind",
    "InvalidCode",
    "InvalidKeyFile",
    "IssuedCredential",
    "KeyCustody",
    "LaterChanges",
    "NamedParty",
    "PreparedSeal",
    "SealSpec",
    "SealingError",
    "SealsError",
    "SignatureReport",
    "TimestampAuthority",
    "TimestampReport",
    "UnlockedKey",
    "VerificationReport",
    "WithdrawError",
    "WrongPin",
    "check_certificate",
    "check_digit",
    "finish",
    "id_check_digit",
    "id_number_of",
    "identity_of",
    "import_p12",
    "is_valid_id_number",
    "is_valid_uscc",
    "load_certificate",
    "load_crl",
    "official_seal_png",
    "kdf_rounds_of",
    "pack_p12",
    "party_of_reason",
    "party_reason",
    "rewrap_p12",
    "personal_seal_png",
    "prepare",
    "seal_pdf",
    "sign_digest",
    "timestamp_allowance_for",
    "unlock",
    "uscc_of",
    "validate_id_number",
    "validate_uscc",
    "verify_pdf",
    "withdraw_last",
]
