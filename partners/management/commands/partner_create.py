"""`manage.py partner_create NAME [--webhook-url URL]`: register a partner, print its key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners import services


class Command(BaseCommand):
    help = (
        "Register a partner and print its new API key (and webhook signing secret) once: "
        "only their hashes or the secret's owner keep them after this."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner's name, e.g. 'Daily Planet'.")
        parser.add_argument("--webhook-url", default="", help="Where change webhooks go.")
        parser.add_argument("--contact-name", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument(
            "--rate",
            type=int,
            default=None,
            help="API requests per minute (default from settings).",
        )

    def handle(self, *args, **options):
        try:
            partner, key = services.partner_create(
                name=options["name"],
                webhook_url=options["webhook_url"],
                contact_name=options["contact_name"],
                contact_email=options["contact_email"],
                rate_per_minute=options["rate"],
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"Partner not created. {problems}") from exc
        self.stdout.write(f"Partner {partner.name} created (rate {partner.rate_per_minute}/min).")
        self.stdout.write(f"API key: {key}")
        if partner.webhook_secret:
            self.stdout.write(f"Webhook URL: {partner.webhook_url}")
            self.stdout.write(f"Webhook secret: {partner.webhook_secret}")
        self.stdout.write(
            "Store them now: they are not shown again. Send the key as "
            "'Authorization: Api-Key <key>'."
        )
