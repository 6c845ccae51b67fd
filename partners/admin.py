"""Partners in the newsroom admin: their keys (issued and revoked here), the change log and
every webhook delivery with its attempts."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from newsdesk.records_admin import RecordAdmin
from partners import services
from partners.authentication import partner_forget, partner_keys_forget
from partners.models import ChangeEvent, Partner, PartnerKey, WebhookAttempt, WebhookDelivery

# Set on the request by `save_model` for `response_add`/`response_change` to show.
SECRETS_ATTRIBUTE = "newsdesk_secrets_shown"


@dataclass(frozen=True)
class Secret:
    """A new key or signing secret, on its way to the one page that shows it."""

    partner: str
    what: str
    value: str


def secrets_page(request, secrets: list[Secret], *, notes=(), continue_url: str):
    """The page that shows new secrets once: in the answer to the POST that made them, never
    in a message (the messages cookie is signed, not encrypted), and kept by no cache."""
    response = TemplateResponse(
        request,
        "admin/partners/secrets_shown.html",
        {
            "title": "New secrets: copy them now",
            "secrets": secrets,
            "notes": notes,
            "continue_url": continue_url,
            "site_title": admin.site.site_title,
            "site_header": admin.site.site_header,
            "has_permission": True,
        },
    )
    add_never_cache_headers(response)  # no-store: not in the browser's cache or history
    return response


class PartnerKeyInline(admin.TabularInline):
    """A partner's keys: only their prefix is known; new ones come from the action above."""

    model = PartnerKey
    extra = 0
    can_delete = False
    fields = ["prefix", "name", "created", "expiry_date", "revoked"]
    readonly_fields = ["prefix", "name", "created"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "active",
        "rate_per_minute",
        "webhook_url",
        "key_count",
        "pending_deliveries",
        "failed_deliveries",
    ]
    list_filter = ["active"]
    search_fields = ["name", "contact_name", "contact_email", "webhook_url"]
    readonly_fields = ["webhook_secret_hint", "created_at"]
    fields = [
        "name",
        ("contact_name", "contact_email"),
        "active",
        "rate_per_minute",
        "webhook_url",
        "webhook_secret_hint",
        "notes",
        "created_at",
    ]
    inlines = [PartnerKeyInline]
    actions = ["issue_key", "rotate_webhook_secret"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _keys=Count("keys", filter=Q(keys__revoked=False), distinct=True),
                _pending=Count(
                    "deliveries",
                    filter=Q(deliveries__status=WebhookDelivery.Status.PENDING),
                    distinct=True,
                ),
                _failed=Count(
                    "deliveries",
                    filter=Q(deliveries__status=WebhookDelivery.Status.FAILED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="keys in use", ordering="_keys")
    def key_count(self, partner):
        return partner._keys

    @admin.display(description="pending", ordering="_pending")
    def pending_deliveries(self, partner):
        return partner._pending

    @admin.display(description="failed", ordering="_failed")
    def failed_deliveries(self, partner):
        if not partner._failed:
            return 0
        return format_html(
            '<a href="../webhookdelivery/?partner__id__exact={}&status__exact=failed">{}</a>',
            partner.pk,
            partner._failed,
        )

    @admin.display(description="webhook secret")
    def webhook_secret_hint(self, partner):
        if not partner.webhook_secret:
            return "None yet: saving a webhook URL creates one."
        return f"{partner.webhook_secret[:10]}… (shown in full only when created or rotated)"

    def save_model(self, request, obj, form, change):
        if not change:
            partner, key = services.partner_create(
                name=obj.name,
                webhook_url=obj.webhook_url,
                contact_name=obj.contact_name,
                contact_email=obj.contact_email,
                rate_per_minute=obj.rate_per_minute,
                active=obj.active,
                notes=obj.notes,
            )
            obj.pk, obj.webhook_secret, obj.created_at = (
                partner.pk,
                partner.webhook_secret,
                partner.created_at,
            )
            obj._state.adding = False
            setattr(request, SECRETS_ATTRIBUTE, self._secrets(partner, key))
            return
        had_secret = bool(obj.webhook_secret)
        services.partner_update(partner=obj)  # the one save, with the keys forgotten
        if not had_secret and obj.webhook_secret:
            setattr(request, SECRETS_ATTRIBUTE, self._secrets(obj, None))

    def _secrets_shown(self, request, obj, done: str):
        """The page showing a save's new secrets once, or None when it made none."""
        secrets = getattr(request, SECRETS_ATTRIBUTE, None)
        if not secrets:
            return None
        return secrets_page(
            request,
            secrets,
            notes=[f"The partner “{obj}” was {done}."],
            continue_url=reverse("admin:partners_partner_change", args=[obj.pk]),
        )

    def response_add(self, request, obj, post_url_continue=None):
        shown = self._secrets_shown(request, obj, "added")
        return shown or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        shown = self._secrets_shown(request, obj, "changed")
        return shown or super().response_change(request, obj)

    def delete_model(self, request, obj):
        partner_forget(partner_id=obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for partner in queryset:
            partner_forget(partner_id=partner.pk)
        super().delete_queryset(request, queryset)

    @staticmethod
    def _secrets(partner, key) -> list[Secret]:
        secrets = [Secret(partner.name, "API key", key)] if key else []
        if partner.webhook_secret:
            secrets.append(Secret(partner.name, "webhook signing secret", partner.webhook_secret))
        return secrets

    @admin.action(description="Issue a new API key (shown once)", permissions=["change"])
    def issue_key(self, request, queryset):
        secrets = [
            Secret(partner.name, "new API key", services.partner_key_issue(partner=partner))
            for partner in queryset
        ]
        return secrets_page(
            request, secrets, continue_url=reverse("admin:partners_partner_changelist")
        )

    @admin.action(
        description="Rotate the webhook signing secret (shown once)", permissions=["change"]
    )
    def rotate_webhook_secret(self, request, queryset):
        secrets = [
            Secret(
                partner.name,
                "new webhook signing secret",
                services.partner_webhook_secret_rotate(partner=partner),
            )
            for partner in queryset.exclude(webhook_url="")
        ]
        if not secrets:
            messages.warning(request, "None of those partners has a webhook URL: nothing rotated.")
            return None
        return secrets_page(
            request, secrets, continue_url=reverse("admin:partners_partner_changelist")
        )


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "partner", "name", "created", "expiry_date", "revoked"]
    list_filter = ["revoked", "partner"]
    search_fields = ["prefix", "name", "partner__name"]
    list_select_related = ["partner"]
    readonly_fields = ["prefix", "partner", "created"]
    fields = ["partner", "prefix", "name", "created", "expiry_date", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        # Keys are issued from the partner (action "Issue a new API key"), so the key in
        # clear is shown once, next to the partner it belongs to.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Revoked or a new expiry date here: the remembered check must go now.
        partner_keys_forget(prefixes=[obj.prefix])

    def delete_model(self, request, obj):
        partner_keys_forget(prefixes=[obj.prefix])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        partner_keys_forget(prefixes=list(queryset.values_list("prefix", flat=True)))
        super().delete_queryset(request, queryset)

    @admin.action(description="Revoke the selected keys (cannot be undone)", permissions=["change"])
    def revoke(self, request, queryset):
        keys = list(queryset.filter(revoked=False))
        if not keys:
            messages.info(request, "Those keys were already revoked.")
        elif services.partner_keys_revoke(keys=keys):
            messages.success(request, "Revoked: those keys stop working at once.")
        else:
            messages.warning(
                request,
                "Revoked in the database, but Redis refused to forget them: servers that "
                "remembered these keys may accept them for up to "
                f"{settings.NEWSDESK_API_KEY_CACHE_SECONDS} s more once Redis takes writes "
                "again (while it refuses them, keys are checked in the database).",
            )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "message_id",
        "partner",
        "event_type",
        "story_slug",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "partner", "event__kind"]
    search_fields = ["message_id", "event__slug", "partner__name"]
    list_select_related = ["partner", "event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "message_id",
        "partner",
        "event",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "created_at",
        "body",
    ]
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="event", ordering="event__kind")
    def event_type(self, delivery):
        return delivery.event.event_type

    @admin.display(description="story", ordering="event__slug")
    def story_slug(self, delivery):
        return delivery.event.slug

    @admin.action(description="Send again now", permissions=["change"])
    def retry_now(self, request, queryset):
        sent, refused = 0, []
        for delivery in queryset.select_related("event"):
            try:
                services.webhook_delivery_retry(delivery=delivery)
                sent += 1
            except ValidationError as exc:
                refused.append(f"{delivery.message_id}: {' '.join(exc.messages)}")
        if sent:
            messages.success(request, f"{sent} deliveries queued to be sent again.")
        for line in refused:
            messages.error(request, line)


@admin.register(ChangeEvent)
class ChangeEventAdmin(RecordAdmin):
    """The change log partners sync from; written by the workflow, read-only here."""

    list_display = ["sequence", "slug", "kind", "version", "at", "state", "available_at"]
    list_filter = ["kind", "state"]
    search_fields = ["slug"]
    date_hierarchy = "at"
    readonly_fields = [
        "sequence",
        "story",
        "slug",
        "kind",
        "version",
        "at",
        "available_at",
        "state",
        "released_at",
        "reason",
        "by",
    ]
    fields = readonly_fields
    list_select_related = ["story"]
    raw_id_fields = ["story", "by"]
