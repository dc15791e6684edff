"""Identification codes with check characters, shared by ``documents`` and ``seals``.

* 统一社会信用代码 (GB 32100-2015): :mod:`codes.uscc`
* 公民身份号码 (GB 11643-1999): :mod:`codes.id_number`
* 行政区划代码 (GB/T 2260, provinces): :mod:`codes.region`

Pure and light: no dependency beyond the standard library, so anything may import it.
"""

from codes.errors import InvalidCode
from codes.id_number import id_check_digit, is_valid_id_number, validate_id_number
from codes.region import PROVINCES, validate_region
from codes.uscc import CHARSET, check_digit, is_valid_uscc, validate_uscc

__all__ = [
    "CHARSET",
    "InvalidCode",
    "PROVINCES",
    "check_digit",
    "id_check_digit",
    "is_valid_id_number",
    "is_valid_uscc",
    "validate_id_number",
    "validate_region",
    "validate_uscc",
]
