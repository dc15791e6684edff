"""统一社会信用代码 (GB 32100-2015): one implementation for the whole project, in ``seals``.

Re-exported here because document fields validate parties' codes too.
"""

from __future__ import annotations

from seals.uscc import CHARSET as ALPHABET
from seals.uscc import check_digit, is_valid_uscc

__all__ = ["ALPHABET", "check_digit", "is_valid_uscc"]
