"""The newsroom's records in the admin, read-only: threads are written on the story page,
preview links from it too, and mention e-mails by their task (all through newsroom.services)."""

from django.contrib import admin

from newsroom.models import MentionEmail, PreviewLink, Thread


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never write: every change goes through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["story", "anchor_label", "blocking", "created_by", "created_at", "resolved_at"]
    list_filter = ["blocking", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["story", "created_by"]


@admin.register(PreviewLink)
class PreviewLinkAdmin(ReadOnlyAdmin):
    list_display = ["story", "created_by", "created_at", "expires_at", "version", "revoked_at"]
    list_select_related = ["story", "created_by"]
    exclude = ["token_hash"]


@admin.register(MentionEmail)
class MentionEmailAdmin(ReadOnlyAdmin):
    list_display = ["user", "state", "mentions", "created_at", "sent_at", "attempts"]
    list_filter = ["state"]
    list_select_related = ["user"]
