"""Celery tasks for sources: thin, by id, idempotent. The work is in `sources.services`."""

from celery import shared_task
from django.conf import settings

from sources import services


# Acknowledged after it ran, and handed to another worker when the one running it dies: a
# fetch is idempotent (a copy of a finished fetch, or of an attempt that has moved on, changes
# nothing; a redone fetch of an unchanged page archives nothing new).
@shared_task(
    bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def citation_fetch_task(self, citation_id: int, attempt: int = 0) -> str:
    """Fetch, archive and check one citation's link; retry transient failures with backoff.

    Runs on the "fetch" queue (a thread pool: the work is waiting on the network). A busy
    outlet frees the thread and comes back in seconds, without using up an attempt. In eager
    mode (no Redis) there is no retrying: the failure is recorded and "Fetch again" is there.
    """
    eager = bool(self.request.is_eager)
    done = services.citation_fetch(
        citation_id=citation_id,
        attempt=attempt,
        final=eager or attempt >= settings.NEWSDESK_FETCH_MAX_RETRIES,
        host_wait=None if eager else settings.NEWSDESK_FETCH_HOST_WAIT,
    )
    if done.retry_in is not None:
        raise self.retry(countdown=done.retry_in, kwargs={"attempt": done.attempt})
    return done.status


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def pending_sweep_task() -> int:
    """Re-queue citations left pending (queue lost, Redis was down). Runs every few minutes."""
    return services.citations_requeue_overdue()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def link_health_task() -> int:
    """Daily: re-check published stories' citations, oldest check first, rate limited."""
    return services.citations_schedule_link_health()
