"""The newsroom's Celery tasks: take ids, call the service."""

from celery import shared_task

from newsroom import services


@shared_task(name="newsroom.tasks.mention_email_send_task")
def mention_email_send_task(email_id: int) -> None:
    services.mention_email_send(email_id=email_id)


@shared_task(name="newsroom.tasks.mention_emails_sweep_task")
def mention_emails_sweep_task() -> int:
    return services.mention_emails_sweep()
