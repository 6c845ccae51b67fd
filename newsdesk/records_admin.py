"""Admin pages for logs the system writes (change events, e-mail notifications)."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A log the system writes: people read it; nobody adds, changes or deletes its rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
