"""行政区划代码 (GB/T 2260): six digits, province + city + county.

Only the provinces are listed: they never change, while cities and counties do every year and
belong in the portal's region table. A code is refused when it is not six digits or names no
province.
"""

from __future__ import annotations

import re

from codes.errors import InvalidCode

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
_SIX_DIGITS = re.compile(r"^\d{6}$")


def validate_region(code: str) -> str:
    """The code itself, or :class:`InvalidCode` saying what is wrong."""
    if not _SIX_DIGITS.match(code):
        raise InvalidCode(f"地区代码应为6位数字（GB/T 2260），收到：{code!r}")
    if code[:2] not in PROVINCES:
        raise InvalidCode(f"地区代码 {code} 不存在：没有代码为 {code[:2]} 的省级行政区")
    return code
