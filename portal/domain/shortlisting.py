"""Who is shortlisted (入围): ranking and cut-off, 财政部令第110号 第二十六条至第二十八条.

Pure rules over plain values, so the evaluation, its 评审报告 and the 入围结果公告 compute the
same shortlist and tests can check it against hand-computed cases.

* 价格优先法: responses that meet the requirements, at or below the maximum unit price, ranked by
  evaluated price from low to high (the price after the solicitation's policy deductions).
* 质量优先法: the same responses ranked by quality score from high to low; each response's score
  is the average of the experts' scores.
* Cut-off: at least ``max(1, ⌈n × 淘汰率⌉)`` of the *n* qualified responses are eliminated (淘汰比例
  不得低于20%，且至少淘汰一家); a cap on shortlisted suppliers (入围供应商数量上限), where the
  solicitation sets one, can only shortlist fewer. Fewer than two qualified responses and the lot
  fails (提交响应文件和符合资格条件、实质性要求的供应商应当均不少于2家).
* Ties follow the solicitation's rule (``TIE_RULES``): by the earlier submission, or by a drawing of
  lots from a recorded seed so anyone can re-run it. Under 质量优先法 an equal score goes to the
  lower price first, and only then to the tie rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from documents.kinds import parts
from portal.domain.errors import InvalidInput

PRICE_FIRST = "price_first"
QUALITY_FIRST = "quality_first"
METHODS = (PRICE_FIRST, QUALITY_FIRST)

EARLIER_SUBMISSION = "earlier_submission"
DRAWING_LOTS = "drawing_lots"
TIE_RULES = (EARLIER_SUBMISSION, DRAWING_LOTS)

MINIMUM_QUALIFIED = 2
SCORE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Response:
    """One supplier's response to one lot, as the evaluation found it."""

    supplier_org_id: int
    supplier_name: str
    evaluated_price: Decimal
    submitted_at: datetime
    #: One score per expert (质量优先法); empty under 价格优先法.
    scores: tuple[Decimal, ...] = ()
    #: Why the response was found invalid (资格审查 or 符合性审查); ``None`` when it qualified.
    rejected_because: str | None = None

    @property
    def qualified(self) -> bool:
        return self.rejected_because is None

    @property
    def score(self) -> Decimal | None:
        return average(self.scores) if self.scores else None


@dataclass(frozen=True)
class Rules:
    """What the solicitation document says about ranking and the cut-off."""

    method: str
    elimination_rate: Decimal
    cap: int | None = None
    tie_rule: str = EARLIER_SUBMISSION
    #: The recorded seed of a drawing of lots (``DRAWING_LOTS`` only).
    seed: str = ""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InvalidInput(_("未知的评审方法：%(method)s", method=self.method))
        if self.tie_rule not in TIE_RULES:
            raise InvalidInput(_("未知的并列排序规则：%(rule)s", rule=self.tie_rule))
        if not parts.MINIMUM_ELIMINATION_RATE <= self.elimination_rate < 100:
            raise InvalidInput(_("淘汰率应不低于20%且低于100%"))
        if self.cap is not None and self.cap < 1:
            raise InvalidInput(_("入围供应商数量上限至少为1家"))


@dataclass(frozen=True)
class Place:
    """A qualified response's place in the ranking."""

    rank: int
    response: Response
    shortlisted: bool


@dataclass(frozen=True)
class Shortlist:
    ranking: tuple[Place, ...]
    rejected: tuple[Response, ...]
    eliminated: int

    @property
    def shortlisted(self) -> tuple[Response, ...]:
        return tuple(p.response for p in self.ranking if p.shortlisted)

    @property
    def highest_price(self) -> Decimal:
        """最高入围价格, published under 价格优先法."""
        return max(r.evaluated_price for r in self.shortlisted)

    @property
    def lowest_score(self) -> Decimal | None:
        """最低入围分值, published under 质量优先法."""
        scores = [r.score for r in self.shortlisted if r.score is not None]
        return min(scores) if scores else None


def average(scores: Sequence[Decimal]) -> Decimal:
    """The panel's score: the experts' mean, rounded half up to two places."""
    return (sum(scores, Decimal(0)) / len(scores)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def eliminated_count(qualified: int, rules: Rules) -> int:
    """How many of ``qualified`` responses the cut-off removes."""
    if qualified < MINIMUM_QUALIFIED:
        raise InvalidInput(_("符合资格条件和实质性要求的供应商不足%(n)d家，本包不能确定入围供应商",
                             n=MINIMUM_QUALIFIED))
    by_rate = parts.least_eliminated(qualified, rules.elimination_rate)
    if rules.cap is not None:
        return max(by_rate, qualified - rules.cap)
    return by_rate


def shortlist(responses: Sequence[Response], rules: Rules) -> Shortlist:
    """Rank the qualified responses and cut them off as the solicitation says."""
    qualified = [r for r in responses if r.qualified]
    if rules.method == QUALITY_FIRST and any(not r.scores for r in qualified):
        raise InvalidInput(_("质量优先法下每家符合要求的供应商都须有专家评分"))
    ranked = sorted(qualified, key=lambda r: _order(r, rules))
    keep = len(ranked) - eliminated_count(len(ranked), rules)
    places = tuple(Place(i + 1, r, i < keep) for i, r in enumerate(ranked))
    rejected = tuple(r for r in responses if not r.qualified)
    return Shortlist(places, rejected, len(ranked) - keep)


def _order(response: Response, rules: Rules) -> tuple[object, ...]:
    if rules.tie_rule == DRAWING_LOTS:
        tie: object = lot_drawn(rules.seed, response.supplier_org_id)
    else:
        tie = response.submitted_at
    if rules.method == QUALITY_FIRST:
        return (-(response.score or Decimal(0)), response.evaluated_price, tie,
                response.supplier_org_id)
    return (response.evaluated_price, tie, response.supplier_org_id)


def lot_drawn(seed: str, supplier_org_id: int) -> str:
    """A supplier's lot in a drawing: the hash of the recorded seed and the supplier, so anyone
    holding the seed re-draws the same order and nobody can pick an order after the seed is set."""
    return hashlib.sha256(f"{seed}:{supplier_org_id}".encode()).hexdigest()
