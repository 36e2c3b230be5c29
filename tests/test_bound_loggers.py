"""A logger bound with data (structlog's and loguru's ``log.bind(user=...)``, ``log.new(...)``)
writes that data on every line it logs: each log call of the bound logger is PRV601, with the
bound value as the data; a logger bound with nothing personal stays quiet. A variable named like a
logger (``logger = request.log.bind(...)``, ``request: Request``) is a logger whatever its
receiver's type resolves to.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

TASKS = '''
    import structlog
    from pyramid.request import Request

    logger = structlog.get_logger(__name__)


    def quarantine(request: Request, observation):
        log = request.log.bind(observer=observation.observer.username, kind=observation.kind)
        if observation.kind != 2:
            log.info("not malware")  # L:bound_first
            return
        log.warning("quarantined")  # L:bound_second
        quiet = request.log.bind(kind=observation.kind, task="quarantine")
        quiet.info("skipped")  # L:bound_plain


    class Notifier:
        def __init__(self, user):
            self.log = structlog.get_logger().bind(email=user.email)

        def run(self):
            self.log.info("running")  # L:bound_attribute


    def counts(user):
        log = logger.bind(count=3)
        log.info("plain")  # L:bound_count
        ops = logger.new(email="ops@example.com")
        ops.info("static")  # L:bound_constant
        logger.info("unbound")  # L:unbound
'''


@pytest.fixture(scope="module")
def bound(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("bound"), {"app/__init__.py": "", "app/tasks.py": TASKS})


@pytest.mark.parametrize("marker", ["bound_first", "bound_second"])
def test_every_line_of_a_logger_bound_with_a_username_logs_it(bound: Run, marker: str) -> None:
    hit = bound.one("app/tasks.py", line_of(TASKS, f"# L:{marker}"), "PRV601")
    method = "info" if marker == "bound_first" else "warning"
    assert hit.message == ("unannotated username (observation.observer.username) is logged by "
                           f"logging.getLogger().{method}")
    assert hit.detail("data").endswith(f"from app/tasks.py:{line_of(TASKS, '# L:bound_first') - 2}"), hit


def test_a_logger_bound_in_init_logs_the_bound_value_in_other_methods(bound: Run) -> None:
    hit = bound.one("app/tasks.py", line_of(TASKS, "# L:bound_attribute"), "PRV601")
    assert hit.message == "unannotated email (user.email) is logged by structlog.get_logger().bind().info"
    assert "stored in Notifier.log" in hit.detail("route"), hit


@pytest.mark.parametrize("marker", ["bound_plain", "bound_count", "bound_constant", "unbound"])
def test_a_logger_bound_with_nothing_personal_is_quiet(bound: Run, marker: str) -> None:
    bound.none("app/tasks.py", line_of(TASKS, f"# L:{marker}"))
