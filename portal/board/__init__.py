"""The public announcement board (公告栏): what the public reads without signing in.

- ``indexing``: a published announcement enters the board's index in the publishing transaction;
- ``query``: filters, keyset pagination and the board's state for HTTP caching;
- ``search``: Chinese full-text search behind one interface (SQLite FTS5 trigram, PostgreSQL
  pg_trgm), with highlighting;
- ``feeds``: Atom; ``ocds``: OCDS 1.1 releases and release packages.

Only ``published`` documents are ever indexed, so nothing else can reach the board.
"""

from flask_babel import lazy_gettext as _l

BOARD_LABELS = {
    "intention": _l("采购意向"),
    "collection": _l("征集公告"),
    "change": _l("变更公告"),
    "termination": _l("终止公告"),
    "shortlist": _l("入围结果公告"),
    "bidding": _l("二次竞价公告"),
    "deal": _l("成交结果公告"),
    "contract": _l("合同公告"),
}
CATEGORY_LABELS = {"goods": _l("货物"), "services": _l("服务")}
