"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from portal.models.agreement import (
    ApplicationStatus,
    DelegationStatus,
    DeliveryRegion,
    FilingStatus,
    FrameworkAgreement,
    OpenApplication,
    RegionSetting,
    ResellerDelegation,
    ShortlistedStatus,
    ShortlistedSupplier,
    ShortlistSource,
)
from portal.models.announcement import Announcement, AnnouncementProcess, BoardVersion
from portal.models.audit import AuditEvent, AuditHead
from portal.models.base import BEIJING, Base, beijing, beijing_now, utcnow
from portal.models.bidding import (
    AwardStatus,
    Bidding,
    BiddingQuote,
    BiddingSeller,
    BiddingStatus,
    NonShortlistedAward,
)
from portal.models.calendar import CalendarYear
from portal.models.credential import Credential, CredentialStatus, HolderType
from portal.models.document import (
    Decision,
    Document,
    DocumentParty,
    DocumentStatus,
    RenderStatus,
    ReviewDecision,
    Revision,
)
from portal.models.evaluation import (
    CreditResult,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    ExpertScore,
    PanelMember,
    Verdict,
)
from portal.models.expert import DrawSeat, DrawStatus, Expert, ExpertDraw
from portal.models.notice import Notice
from portal.models.order import (
    CartItem,
    ContractFiling,
    DirectSelection,
    Order,
    OrderLine,
    OrderStatus,
    SelectionStatus,
)
from portal.models.org import (
    CollectorType,
    Organisation,
    OrgKind,
    Region,
    RegionLevel,
    SupplierKind,
)
from portal.models.participation import Participation
from portal.models.plan import PlanSpending
from portal.models.product import Product, ProductKind
from portal.models.project import Project, ProjectStatus
from portal.models.response import (
    ConfirmationDecision,
    LotOpening,
    OpeningConfirmation,
    Response,
    ResponseAttachment,
    ResponseStatus,
)
from portal.models.rotation import RotationEntry
from portal.models.seal import Seal, SealStatus
from portal.models.user import Position, User, UserPosition

__all__ = [
    "ApplicationStatus",
    "DelegationStatus",
    "DeliveryRegion",
    "FilingStatus",
    "FrameworkAgreement",
    "OpenApplication",
    "RegionSetting",
    "ResellerDelegation",
    "ShortlistedStatus",
    "ShortlistedSupplier",
    "ShortlistSource",
    "CartItem",
    "ContractFiling",
    "DirectSelection",
    "SelectionStatus",
    "Order",
    "OrderLine",
    "OrderStatus",
    "PlanSpending",
    "Product",
    "RotationEntry",
    "ProductKind",
    "CreditResult",
    "Evaluation",
    "EvaluationEntry",
    "EvaluationStatus",
    "ExpertScore",
    "PanelMember",
    "Verdict",
    "ConfirmationDecision",
    "LotOpening",
    "OpeningConfirmation",
    "Response",
    "ResponseAttachment",
    "ResponseStatus",
    "CalendarYear",
    "Announcement",
    "BoardVersion",
    "AnnouncementProcess",
    "Credential",
    "CredentialStatus",
    "HolderType",
    "Seal",
    "SealStatus",
    "Decision",
    "Document",
    "DocumentParty",
    "DocumentStatus",
    "RenderStatus",
    "ReviewDecision",
    "Revision",
    "AuditEvent",
    "AuditHead",
    "BEIJING",
    "AwardStatus",
    "Bidding",
    "NonShortlistedAward",
    "BiddingQuote",
    "BiddingSeller",
    "BiddingStatus",
    "Base",
    "beijing",
    "beijing_now",
    "CollectorType",
    "OrgKind",
    "Organisation",
    "Position",
    "DrawSeat",
    "DrawStatus",
    "Expert",
    "ExpertDraw",
    "Notice",
    "Participation",
    "Project",
    "ProjectStatus",
    "Region",
    "RegionLevel",
    "SupplierKind",
    "User",
    "UserPosition",
    "utcnow",
]
