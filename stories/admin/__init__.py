"""The newsroom admin: where journalists draft and editors edit.

Every write goes through `stories.services` and `stories.workflow`; the admin only collects
input and shows results. Who may edit or press which button is decided in
`stories.permissions`.

- `story`: the story page (form, save, workflow buttons, revisions, deleted stories).
- `parts`: the story's parts as inlines.
- `quick`: the plain widgets of a long story page, rendered in Python.
- `templates`: story templates. `entities`: entity cards and the dictionary.
- `users`: the newsroom's people, managed by those allowed to.
"""

from stories.admin import (  # noqa: F401 - registers
    entities,
    home,
    notifications,
    parts,
    quick,
    story,
    templates,
    users,
)

__all__ = ["entities", "notifications", "parts", "quick", "story", "templates", "users"]
