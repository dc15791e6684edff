"""The Kuangcai web portal: app factory, models, domain commands and views.

Importing the package costs nothing: the factory imports the web stack when it runs, so the
``kuangcai`` command loads only what the chosen command needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from portal.config import Config


def _select_locale() -> str:
    from flask import current_app, has_request_context, session

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if has_request_context() else None
    # Chinese unless the user picked another language: the portal's working language.
    return str(chosen) if chosen in languages else str(languages[0])


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    from flask import Flask

    from portal import db, errors, params, policy, presenters, sessions, templating
    from portal.config import ROOT, load_config
    from portal.extensions import Anonymous, babel, csrf, htmx, limiter, login_manager

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    cfg = config or load_config()
    app.config.from_object(cfg)
    app.config.update(overrides)

    params.init_app(app)  # bounded URL converters, before any route is added
    db.init_app(app)
    templating.init_app(app)
    presenters.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    if "RATELIMIT_STORAGE_URI" not in overrides:
        # Without Redis (a bare test app) the counts live in the process.
        app.config["RATELIMIT_STORAGE_URI"] = _limits_uri(app.config["REDIS_URL"] or "memory://")
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = Anonymous

    login_manager.user_loader(sessions.load_user)

    import portal.domain.agreement_filing  # noqa: F401  (filing to-do items)
    import portal.domain.deadlines  # noqa: F401  (registers time limits on the lifecycle)
    import portal.domain.document_todo  # noqa: F401  (registers the lifecycle's to-do source)
    import portal.domain.evaluation_results  # noqa: F401  (prefills the report and shortlist)
    import portal.domain.expert_draws  # noqa: F401  (experts' invitations, draws to review)
    import portal.domain.notices  # noqa: F401  (registers unread notices as to-do items)
    import portal.domain.opening_record  # noqa: F401  (record rule, suppliers' to-do items)
    import portal.domain.participation  # noqa: F401  (notifies participants on publication)
    import portal.domain.project_changes  # noqa: F401  (change, termination, re-organisation)
    import portal.domain.projects  # noqa: F401  (registers project rules on the lifecycle)
    import portal.domain.rounds  # noqa: F401  (what a re-organised round redoes)
    import portal.domain.shortlisted  # noqa: F401  (入围供应商 from the published shortlist)
    from portal.views import (
        agreements,
        auth,
        board,
        credentials,
        documents,
        evaluation,
        experts,
        health,
        main,
        notices,
        opening,
        oversight,
        participation,
        products,
        projects,
        responses,
        sealing,
        verify,
    )

    for blueprint in (auth.bp, main.bp, health.bp, oversight.bp, documents.bp, sealing.bp,
                      credentials.bp, verify.bp, projects.bp, board.bp, participation.bp,
                      notices.bp, evaluation.bp, responses.bp, opening.bp, experts.bp,
                      agreements.bp, products.bp):
        app.register_blueprint(blueprint)
    # issue 14, part C: 入围供应商管理, 委托代理商, 开放式框架协议申请, 框架协议公示
    from portal.views import agreement_board, delegations, open_applications, shortlisted

    for blueprint in (shortlisted.bp, delegations.bp, open_applications.bp, agreement_board.bp):
        app.register_blueprint(blueprint)
    # issue 15: stage two
    import portal.domain.awards  # noqa: F401  (非入围合同授予 due on 我的待办)
    import portal.domain.biddings  # noqa: F401  (二次竞价 due on 我的待办)
    import portal.domain.contract_filing  # noqa: F401  (filings due on 我的待办)
    import portal.domain.direct_selection  # noqa: F401  (quotes and results due on 我的待办)
    import portal.domain.order_contracts  # noqa: F401  (a contract keeps its order's figures)
    import portal.domain.orders  # noqa: F401  (orders due on 我的待办)
    from portal.views import (
        awards,
        biddings,
        cart,
        catalogue,
        filings,
        orders,
        plans,
        selections,
    )

    for blueprint in (plans.bp, catalogue.bp, cart.bp, orders.bp, filings.bp, selections.bp,
                      biddings.bp, awards.bp):
        app.register_blueprint(blueprint)

    sessions.init_app(app)  # the origin check comes before the access rules
    policy.init_app(app)
    errors.init_app(app)
    policy.check_all_endpoints_declared(app)

    @app.after_request
    def _security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
        )
        response.vary.add("HX-Request")
        return response

    from portal.board import front

    front.init_app(app)  # shared board pages answered before the request reaches Flask
    return app


def _limits_uri(redis_url: str) -> str:
    """The ``limits`` library spells a unix-socket Redis differently from redis-py."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url
