"""The write contract, enforced while the whole suite runs.

Every write to a story or to a record it owns must come from the service layer (see
docs/architecture.md). While a test runs, each such write (a model `save`/`delete`, a
queryset `update`/`delete`/`bulk_create`/`bulk_update`) looks at who called it: the innermost
frame of our own code outside `models.py` must be a service module, a migration or test code.
Anything else (an admin class, a view, a command, a task, a receiver) fails the test that
exercised it, naming the line.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from django.db.models import QuerySet
from django.db.models.signals import pre_delete, pre_save

from pictures.models import Image, Placement
from sources.models import Citation
from stories.models import (
    Byline,
    Correction,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
    StoryTransition,
)

ROOT = Path(__file__).resolve().parent.parent
STORY_OWNED = (
    Story,
    StorySection,
    Byline,
    FAQItem,
    StoryEntity,
    Correction,
    StoryTransition,
    Citation,
    Placement,
    Image,
)

# The service layer: the only modules that may write story-owned records.
SERVICE_MODULES = (
    "stories/services/",
    "stories/services.py",
    "stories/workflow.py",
    "stories/revisions.py",
    "sources/services.py",
    "pictures/services.py",
)
# Frames that pass a write along without deciding it: the models' own save() methods.
PASS_THROUGH = (
    "stories/models.py",
    "sources/models.py",
    "pictures/models.py",
    "tests/write_contract.py",
)
RECORD_TO = os.environ.get("WRITE_CONTRACT_RECORD", "")
ALLOWED = (
    "tests/",
    "bench/",
    "stories/migrations/",
    "sources/migrations/",
    "pictures/migrations/",
)


class WriteOutsideServices(AssertionError):
    """A story-owned record was written from outside the service layer."""


def _our_frame(frame):
    while frame is not None:
        filename = frame.f_code.co_filename
        try:
            relative = Path(filename).resolve().relative_to(ROOT).as_posix()
        except ValueError:
            relative = None
        if relative and not relative.startswith(".venv/") and not relative.startswith(PASS_THROUGH):
            return relative, frame.f_lineno
        frame = frame.f_back
    return None, None


def check_writer(model, operation: str) -> None:
    relative, line = _our_frame(sys._getframe(2))
    if relative is None or relative.startswith(SERVICE_MODULES + ALLOWED):
        return
    message = (
        f"{relative}:{line} {operation} on {model.__name__} outside the service layer: "
        "call a service (stories.services, stories.workflow, sources.services) instead."
    )
    if RECORD_TO:  # a survey of every offending line in one run, instead of failing
        with open(RECORD_TO, "a") as record:
            record.write(message + "\n")
        return
    raise WriteOutsideServices(message)


def _on_save(sender, **kwargs):
    check_writer(sender, "save")


def _on_delete(sender, **kwargs):
    check_writer(sender, "delete")


def _guard(method_name: str):
    original = getattr(QuerySet, method_name)

    def guarded(self, *args, **kwargs):
        if self.model in STORY_OWNED:
            check_writer(self.model, f"queryset.{method_name}()")
        return original(self, *args, **kwargs)

    guarded.__wrapped__ = original
    return original, guarded


@contextmanager
def enforced():
    """Connect the checks for the duration of a test."""
    for model in STORY_OWNED:
        pre_save.connect(
            _on_save, sender=model, dispatch_uid=f"write-contract-save-{model.__name__}"
        )
        pre_delete.connect(
            _on_delete, sender=model, dispatch_uid=f"write-contract-delete-{model.__name__}"
        )
    patched = {name: _guard(name) for name in ("update", "delete", "bulk_create", "bulk_update")}
    for name, (_, guarded) in patched.items():
        setattr(QuerySet, name, guarded)
    try:
        yield
    finally:
        for name, (original, _) in patched.items():
            setattr(QuerySet, name, original)
        for model in STORY_OWNED:
            pre_save.disconnect(sender=model, dispatch_uid=f"write-contract-save-{model.__name__}")
            pre_delete.disconnect(
                sender=model, dispatch_uid=f"write-contract-delete-{model.__name__}"
            )
