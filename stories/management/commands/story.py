"""`manage.py story SLUG ACTION --by USERNAME`: the workflow's steps for scripts and operations.

The same services and permission checks as the admin. Exit codes: 0 done, 1 refused (the
story's state, its checks or the input), 2 bad usage (unknown story, person or time), 3 the
person may not take this step.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stories import visibility, workflow
from stories.models import Story

REFUSED, USAGE, FORBIDDEN = 1, 2, 3
ACTIONS = {name.replace("_", "-"): name for name in workflow.ACTIONS}


class Command(BaseCommand):
    help = (
        "Take a workflow step on a story: submit, request-changes, publish, schedule, withdraw "
        "or correct. --comment is the note, request, reason or correction text; --at is the "
        "time to publish at (schedule) or the embargo (publish)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The story's slug, as in /stories/<slug>/.")
        parser.add_argument("action", choices=sorted(ACTIONS), help="The step to take.")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="Who takes it.")
        parser.add_argument(
            "--comment",
            default="",
            help="Note to the editors (submit), request to the authors (request-changes), "
            "reason (withdraw) or correction text (correct).",
        )
        parser.add_argument(
            "--at",
            metavar="ISO-TIME",
            help="schedule: when to publish; publish: not before (embargo). "
            "E.g. 2025-11-08T14:30+09:00; without an offset, TIME_ZONE applies.",
        )

    def handle(self, *args, slug, action, by, comment, at, **options):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"No story with the slug “{slug}”.", returncode=USAGE)
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"No user “{by}”.", returncode=USAGE)
        moment = self.parse_time(at) if at else None
        try:
            story = workflow.story_act(
                story=story, action=ACTIONS[action], by=user, comment=comment, at=moment
            )
        except workflow.WorkflowError as refused:
            message = "\n".join(f"  - {reason}" for reason in refused.reasons)
            raise CommandError(
                f"{action} refused for “{slug}”:\n{message}",
                returncode=FORBIDDEN if refused.forbidden else REFUSED,
            ) from None
        done = workflow.ACTIONS[ACTIONS[action]].done
        extra = ""
        if story.scheduled_for and story.status == "scheduled":
            extra = f" It goes live at {timezone.localtime(story.scheduled_for).isoformat()}."
        elif (
            story.status == "published"
            and story.embargo_until
            and not visibility.story_is_visible(story)
        ):
            extra = f" Embargoed until {timezone.localtime(story.embargo_until).isoformat()}."
        self.stdout.write(f"“{story.headline}” {done}; it is now {story.status}.{extra}")

    @staticmethod
    def parse_time(raw: str) -> dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CommandError(
                f"--at “{raw}” is not an ISO time: use e.g. 2025-11-08T14:30+09:00.",
                returncode=USAGE,
            ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment
