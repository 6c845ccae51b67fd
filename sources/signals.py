"""Signals the stories app listens to. Sent inside the transaction that made the change.

`sources` sits below `stories`: it fetches, archives and checks cited pages and knows nothing
of stories beyond their ids. When what a citation shows changes (its link state, archived copy,
quote check or title), the stories showing it must be told, so their caches and partners' ETags
move: `stories.receivers` answers this signal through `stories.services`.
"""

import django.dispatch

# Sent with: story_ids (iterable of Story primary keys).
citation_shown_changed = django.dispatch.Signal()
