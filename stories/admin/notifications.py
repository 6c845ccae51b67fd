"""The e-mail outbox in the admin: what each workflow step owed whom, and whether it left."""

from django.contrib import admin

from newsdesk.records_admin import RecordAdmin
from stories.models import Notification


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    """Read only: the outbox is written by the workflow and emptied by the send task and sweep."""

    list_display = ["created_at", "event", "story", "by", "state", "attempts", "recipients"]
    list_filter = ["state", "event"]
    list_select_related = ["story", "by"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    date_hierarchy = "created_at"
