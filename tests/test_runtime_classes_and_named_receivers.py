"""Where real code keeps a stored field's writes out of plain sight:

- a class made at run time (``cls.Event = type(name, (Event, Base), namespace)`` in a
  ``declared_attr``, as SQLAlchemy mixins do): ``self.Event(...)`` makes an ``Event``;
- a mixin that declares columns (``Mapped[...]``, ``mapped_column``) is stored, in each mapped
  subclass's table;
- a method called on a name of no known type (an untyped parameter ``user``) is the method of the
  project's one class so named (``User``), not when two project classes share the name.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MODELS = '''
    from sqlalchemy import ForeignKey
    from sqlalchemy.dialects.postgresql import JSONB
    from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Event:
        tag: Mapped[str]
        additional: Mapped[dict | None] = mapped_column(JSONB)  # made at run time


    class Sketch:
        summary: str = ""  # a plain class: held in memory


    class HasEvents:
        @declared_attr
        def events(cls):
            cls.Event = type(f"{cls.__name__}Event", (Event, Base), {"__tablename__": f"{cls.__name__.lower()}_events"})
            return relationship(cls.Event)

        def record_event(self, *, tag, additional=None):
            return self.Event(tag=tag, additional=additional)


    class User(HasEvents, Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)


    class AuditEntry(Base):
        __tablename__ = "audit_entries"
        id: Mapped[int] = mapped_column(primary_key=True)
        details: Mapped[dict] = mapped_column(JSONB)  # a receiver named after its class

        def add(self, data):
            self.details = data


    class Entry(Base):
        __tablename__ = "entries"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[dict] = mapped_column(JSONB)  # two classes named Entry

        def add(self, data):
            self.body = data
'''

OTHER = '''
    class Entry:
        def add(self, data):
            return data
'''

VIEWS = '''
    from flask import request

    from app.models import Sketch


    def login(user):
        user.record_event(tag="login", additional={"ip": request.remote_addr})


    def audit(audit_entry, entry):
        audit_entry.add({"agent": request.user_agent})
        entry.add({"agent": request.user_agent})
        Sketch(summary=request.remote_addr)
'''

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "app/other.py": OTHER, "app/views.py": VIEWS}


def at(marker: str) -> int:
    return line_of(MODELS, marker)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(tmp_path_factory.mktemp("runtime"), FILES)


def test_a_column_of_a_mixin_written_through_a_class_made_at_run_time_is_prv103(run: Run) -> None:
    hit = run.one("app/models.py", at("# made at run time"), "PRV103")
    assert hit.message.startswith("Event.additional receives personal data (IP address from"), hit
    assert hit.detail("route") == (
        f"written by HasEvents.record_event() at app/models.py:{at('additional=additional)')}, "
        f"through login() in app/views.py:{line_of(VIEWS, 'def login(user):')}"), hit.text


def test_a_method_called_on_an_untyped_name_is_its_named_classs(run: Run) -> None:
    hit = run.one("app/models.py", at("# a receiver named after its class"), "PRV103")
    assert hit.message.startswith("AuditEntry.details receives personal data (user agent from"), hit


@pytest.mark.parametrize("marker", [
    "# two classes named Entry",  # `entry` could be either: not followed
    "# a plain class: held in memory",  # no column declared: not stored
])
def test_ambiguous_names_and_plain_classes_stay_quiet(run: Run, marker: str) -> None:
    run.none("app/models.py", at(marker), "PRV10")
