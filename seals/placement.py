"""Where a seal goes and what it looks like: :class:`SealSpec`, reserved fields, appearance.

A certified document (DocMDP ``FILL_FORMS``, set by the first seal) may afterwards only be
*signed in existing signature fields*; creating a new visible field is a change the
certification forbids (ISO 32000 DocMDP P=2, applied by Acrobat and by pyHanko's difference
analysis). So the certifying seal reserves the later parties' places: ``SealSpec.reserve``
lists empty signature fields (:class:`FieldSlot`) created in the same revision, and each
later seal names its field. A seal whose field already exists goes exactly into that field's
rectangle (its own ``page``/``x``/``y``/``width`` are then ignored).

For free placement by every party (an uploaded contract where each side clicks where to seal)
seal with ``certify=False``: all seals are then approval signatures, which may add fields;
pyHanko's difference analysis still rejects any change other than signing.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.validation import read_certification_data
from pyhanko.stamp import StaticStampStyle

from seals.errors import SealingError
from seals.images import OFFICIAL_SEAL_MM, image_size

MM = 72 / 25.4  # PDF points per millimetre
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class FieldSlot:
    """An empty signature field reserved for a later seal (same coordinates as SealSpec)."""

    field_name: str
    page: int
    x: float
    y: float
    width: float = OFFICIAL_SEAL_MM * MM
    height: float = OFFICIAL_SEAL_MM * MM


@dataclass(frozen=True)
class SealSpec:
    """Where and how a seal goes on the document.

    ``page`` is 0-based, negative counts from the end (-1: last page). ``x``/``y`` are the
    lower-left corner in PDF points (1/72 inch) from the page's lower-left corner; the height
    follows from the image's aspect ratio. ``certify=None`` means: certify if the document has
    no signature yet (the first seal certifies, later ones approve). ``reserve``: empty fields
    to create for later seals (see the module docstring).
    """

    field_name: str
    image_png: bytes
    page: int = -1
    x: float = 72.0
    y: float = 72.0
    width: float = OFFICIAL_SEAL_MM * MM
    certify: bool | None = None
    reason: str | None = None
    location: str | None = None
    reserve: tuple[FieldSlot, ...] = ()

    @property
    def height(self) -> float:
        pixels_w, pixels_h = image_size(self.image_png)
        return self.width * pixels_h / pixels_w


@dataclass(frozen=True)
class Placement:
    """What prepare() hands to pyHanko: certify or not, and the new field's spec (if any)."""

    certify: bool
    new_field: fields.SigFieldSpec | None


def place(writer: IncrementalPdfFileWriter, spec: SealSpec) -> Placement:
    """Check the spec against the document, create reserved fields, decide certification."""
    reader = writer.prev
    if any(sig.field_name == spec.field_name for sig in reader.embedded_signatures):
        raise SealingError(f"签章域“{spec.field_name}”已有签章")
    certified = read_certification_data(reader) is not None
    certify = not reader.embedded_signatures if spec.certify is None else spec.certify
    if certify and reader.embedded_signatures:
        raise SealingError("只有文件上的第一个签章可以认证文件（certify），本文件已有签章")
    empty = {
        name for name, _value, _ref in fields.enumerate_sig_fields(reader, filled_status=False)
    }
    if spec.field_name in empty:
        new_field = None
    elif certified:
        names = "、".join(sorted(empty)) or "无"
        raise SealingError(
            f"文件已由首个签章认证，后续签章只能盖在预留的签章位置上（可用：{names}），"
            f"不能新增签章位置“{spec.field_name}”"
        )
    else:
        new_field = fields.SigFieldSpec(
            sig_field_name=spec.field_name,
            on_page=spec.page,
            box=_checked_box(writer, spec.page, spec.x, spec.y, spec.width, spec.height),
        )
    if certified and spec.reserve:
        raise SealingError("文件已由首个签章认证，不能再预留新的签章位置")
    for slot in spec.reserve:
        if slot.field_name == spec.field_name or slot.field_name in empty:
            raise SealingError(f"签章位置“{slot.field_name}”已存在")
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(
                sig_field_name=slot.field_name,
                on_page=slot.page,
                box=_checked_box(writer, slot.page, slot.x, slot.y, slot.width, slot.height),
            ),
        )
    return Placement(certify=certify, new_field=new_field)


def stamp_style(image_png: bytes) -> StaticStampStyle:
    """The seal image, centred and scaled (aspect kept) into the field, fully opaque."""
    with Image.open(io.BytesIO(image_png)) as opened:
        image = opened.convert("RGBA")
    digest = hashlib.sha256(image_png).hexdigest()[:16]
    return StaticStampStyle(
        background=PdfImage(image, name=f"Seal{digest}"),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def _checked_box(
    writer: IncrementalPdfFileWriter, page: int, x: float, y: float, width: float, height: float
) -> Box:
    page_label = _page_label(page)
    try:
        page_ref, _resources = writer.find_page_for_modification(page)
    except (IndexError, PdfError):
        raise SealingError(f"页码超出范围：{page_label}") from None
    llx, lly, urx, ury = (float(v) for v in _inherited(page_ref.get_object(), "/MediaBox"))
    if width <= 0 or height <= 0:
        raise SealingError("签章宽度和高度必须大于 0")
    if x < llx or y < lly or x + width > urx or y + height > ury:
        raise SealingError(
            f"签章位置超出页面范围（{page_label}：{urx - llx:.0f}×{ury - lly:.0f} 点，"
            f"签章 {width:.0f}×{height:.0f} 点，位于 {x:.0f},{y:.0f}）"
        )
    return (round(x), round(y), round(x + width), round(y + height))


def _page_label(page: int) -> str:
    return f"第 {page + 1} 页" if page >= 0 else f"倒数第 {-page} 页"


def _inherited(page: generic.DictionaryObject, key: str) -> Any:
    node: Any = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    raise SealingError("页面缺少 /MediaBox")


def page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
    """Width and height (points) of a page's MediaBox; ``page`` as in :class:`SealSpec`."""
    try:
        page_ref, _resources = writer.find_page_for_modification(page)
    except (IndexError, PdfError):
        raise SealingError(f"页码超出范围：{_page_label(page)}") from None
    llx, lly, urx, ury = (float(v) for v in _inherited(page_ref.get_object(), "/MediaBox"))
    return urx - llx, ury - lly
