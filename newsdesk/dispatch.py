"""Queue a Celery task once the current transaction commits, by the task's name.

Services queue work for the workers (a fetch, a webhook, an e-mail), and tasks call services:
naming the task instead of importing it keeps that dependency pointing one way (tasks →
services) without a function-level import. The app's registry finds the task, so eager mode
(`make run`, no broker) runs it in-process as usual.
"""

import logging

from django.db import transaction

from newsdesk.celery import app

logger = logging.getLogger(__name__)


def task_after_commit(name: str, *args, using: str | None = None, **options) -> None:
    """`name.apply_async(args, **options)` after the commit; a broker that is down is logged,
    and the outbox sweeps pick the work up later, so the committed step never fails for it."""

    def send():
        app.tasks[name].apply_async(args, **options)

    # robust: an error here must not turn a step that did commit into an error page.
    transaction.on_commit(send, using=using, robust=True)
