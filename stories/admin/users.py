"""The newsroom's people in the admin: managed by those allowed to, never listed to the rest.

Journalists hold `auth.view_user` so the byline field can find colleagues by name
(autocomplete), but the user list, e-mail addresses and roles are for people who manage
accounts (`auth.change_user`). The rule is `permissions.manages_people`.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from stories import permissions

User = get_user_model()


class NewsroomUserAdmin(UserAdmin):
    """Django's user admin, seen only by account managers; others just find names."""

    def _finding_a_name(self, request) -> bool:
        match = request.resolver_match
        return match is not None and match.url_name == "autocomplete"

    def has_module_permission(self, request):
        return permissions.manages_people(request.user)

    def has_view_permission(self, request, obj=None):
        if permissions.manages_people(request.user):
            return super().has_view_permission(request, obj)
        return self._finding_a_name(request) and super().has_view_permission(request, obj)

    def get_search_fields(self, request):
        if permissions.manages_people(request.user):
            return super().get_search_fields(request)
        return ("username", "first_name", "last_name")  # not e-mail addresses


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
