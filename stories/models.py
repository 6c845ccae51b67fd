"""The structured story: templates, sections, bylines, entities, FAQ items and their history.

Citations and outlets live in the `sources` app, because fetching and archiving them is a concern
of its own; everything here is what a journalist writes.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from stories.plain_text import validate_multi_line_text, validate_one_line_text
from stories.rendering import render_markdown
from stories.signals import story_rows_updating


class StoryTemplate(models.Model):
    """The shape of a kind of story (explainer, news report), editable by editors.

    A story copies its template's sections when it is created, so later template edits never
    break stories already written.
    """

    name = models.CharField(max_length=100, unique=True, validators=[validate_one_line_text])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, validators=[validate_multi_line_text])
    requires_dateline = models.BooleanField(
        default=False, help_text="Stories of this template must have a dateline (place and date)."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SectionKind(models.TextChoices):
    TEXT = "text", "Text"
    CITATIONS = "citations", "Citations"
    FAQ = "faq", "FAQ items"
    ENTITIES = "entities", "Entity cards"


class TemplateSection(models.Model):
    """One section of a template, in order, with the rules a story's section must meet."""

    template = models.ForeignKey(StoryTemplate, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=50, help_text="Stable machine name, used by the API.")
    heading = models.CharField(max_length=200, validators=[validate_one_line_text])
    help_text = models.TextField(
        blank=True,
        help_text="Shown to the journalist above the field.",
        validators=[validate_multi_line_text],
    )
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.TEXT)
    required = models.BooleanField(default=False)
    min_items = models.PositiveSmallIntegerField(
        default=0, help_text="Citations, FAQ items or entities this section needs at least."
    )
    max_items = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="At most this many items; empty for no limit."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_template_section_key")
        ]

    def __str__(self):
        return f"{self.template}: {self.heading}"

    def copy_for(self, story: "Story", body: str = "") -> "StorySection":
        """The story's own (unsaved) copy of this section: shape copied, so later template
        edits never reach stories already written."""
        return StorySection(
            story=story,
            template_section=self,
            key=self.key,
            heading=self.heading,
            help_text=self.help_text,
            kind=self.kind,
            required=self.required,
            min_items=self.min_items,
            max_items=self.max_items,
            order=self.order,
            body=body,
        )


class StoryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StoryQuerySet(models.QuerySet):
    # Rows updated (and announced by slug) per statement.
    UPDATE_BATCH = 500

    def update(self, **kwargs):
        """Announces a bulk change too (`story_rows_updating`): it sends no `post_save`, yet
        caches that hold story states must hear of it (stories/receivers.py).

        In one transaction: every matching row is locked and its slug read first, and exactly
        those rows are updated, in batches, each announced by its slugs, whatever the count.
        A row that starts to match in between is neither changed nor announced; receivers'
        on-commit work runs only once the update has committed.
        """
        db = self._db or router.db_for_write(self.model)
        with transaction.atomic(using=db, savepoint=False):
            # Locked in key order, as every bulk update locks them: two cannot deadlock.
            locked = self.using(db).select_for_update().order_by("pk")
            rows = list(locked.values_list("pk", "slug"))
            new_slug = kwargs.get("slug", "")
            # A computed slug (an expression) could be anything: every story's state is stale.
            named = isinstance(new_slug, str)
            changed = 0
            for start in range(0, len(rows), self.UPDATE_BATCH):
                batch = rows[start : start + self.UPDATE_BATCH]
                slugs = [slug for _, slug in batch] + ([new_slug] if new_slug else [])
                story_rows_updating.send(
                    sender=self.model, slugs=slugs if named else None, using=db
                )
                exactly = self.model._base_manager.using(db).filter(pk__in=[pk for pk, _ in batch])
                changed += models.QuerySet.update(exactly, **kwargs)
            return changed


class Story(FSMModelMixin, models.Model):
    """A story as written by its bylines and checked by the desk.

    `status` is protected: only the transitions below change it, and only the services in
    `stories.workflow` call them (with the lock, the audit row and the signal around them).
    """

    headline = models.CharField(max_length=300, validators=[validate_one_line_text])
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Part of the public URL; fixed once published."
    )
    summary = models.TextField(
        blank=True,
        help_text="The dek: one or two sentences under the headline.",
        validators=[validate_multi_line_text],
    )
    template = models.ForeignKey(StoryTemplate, on_delete=models.PROTECT, related_name="stories")
    dateline_place = models.CharField(
        max_length=200, blank=True, validators=[validate_one_line_text]
    )
    dateline_date = models.DateField(null=True, blank=True)
    language = models.CharField(
        max_length=12, default="en", help_text="BCP 47 tag, e.g. en or de-CH."
    )
    bylines = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Byline", related_name="bylined_stories", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_stories",
    )
    status = FSMField(
        default=StoryStatus.DRAFT, choices=StoryStatus.choices, db_index=True, protected=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who saved the last change, named when someone else's save would overwrite it.",
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text="Not before: invisible to readers and partners until then."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, validators=[validate_multi_line_text])
    announced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When readers could first see it and partners were told it was published.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Goes up on every saved change.")
    rendition = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up when something the story shows but does not own changes (an entity "
        "card, an outlet, a citation's link state), so caches and ETags follow it.",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="story_status_pub")]
        constraints = [
            # /stories/Missile-Test/ and /stories/missile-test/ must not be two stories.
            models.UniqueConstraint(
                Lower("slug"),
                name="story_slug_unique_any_case",
                violation_error_message="Another story already has this slug (in any letter "
                "case): change a word of it.",
            )
        ]
        permissions = [
            ("publish_story", "Can request changes, publish, schedule, withdraw and correct"),
            ("change_any_story", "Can edit any story in any state"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("stories:story", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remembers the slug as loaded: a save that changes it is a change at the old slug
        too (stories/receivers.py)."""
        story = super().from_db(db, field_names, values)
        story.loaded_slug = story.__dict__.get("slug")
        return story

    @property
    def has_dateline(self) -> bool:
        return bool(self.dateline_place and self.dateline_date)

    def untouched_since_submitted(self) -> bool:
        """In review, and nobody has acted on it since it was submitted: its authors may still
        take it back."""
        last = self.transitions.order_by("-at", "-id").first()
        return bool(
            last is not None
            and last.action == "submit"
            and last.to_status == StoryStatus.IN_REVIEW
            and self.updated_at <= last.at
        )

    # The state machine. Each method only moves the state; `stories.workflow` wraps it with the
    # row lock, the field changes, the audit row, the signal and the e-mails.

    @transition(
        field=status,
        source=StoryStatus.DRAFT,
        target=StoryStatus.IN_REVIEW,
    )
    def submit(self):
        """Submit for review."""

    @transition(
        field=status,
        source=StoryStatus.IN_REVIEW,
        target=StoryStatus.DRAFT,
        conditions=[untouched_since_submitted],
    )
    def recall(self):
        """Its authors take a submitted story back before any editor has acted on it."""

    @transition(
        field=status,
        source=[StoryStatus.IN_REVIEW, StoryStatus.SCHEDULED],
        target=StoryStatus.DRAFT,
    )
    def request_changes(self):
        """Back to the authors with a comment (also takes a story off the schedule)."""

    @transition(
        field=status,
        source=[StoryStatus.IN_REVIEW, StoryStatus.SCHEDULED],
        target=StoryStatus.PUBLISHED,
    )
    def publish(self):
        """Publish now, or at its embargo time."""

    @transition(
        field=status,
        source=StoryStatus.IN_REVIEW,
        target=StoryStatus.SCHEDULED,
    )
    def schedule(self):
        """Publish automatically at a set time."""

    @transition(
        field=status,
        source=StoryStatus.SCHEDULED,
        target=StoryStatus.PUBLISHED,
    )
    def publish_scheduled(self):
        """The scheduler publishing a story whose time has come."""

    @transition(
        field=status,
        source=StoryStatus.DRAFT,
        target=StoryStatus.PUBLISHED,
    )
    def publish_archived(self):
        """Loading a story that was already published elsewhere (the demo, an archive)."""

    @transition(
        field=status,
        source=StoryStatus.PUBLISHED,
        target=StoryStatus.WITHDRAWN,
    )
    def withdraw(self):
        """Take it down for good; the page then answers 410 Gone with the reason."""

    @transition(
        field=status,
        source=StoryStatus.PUBLISHED,
        target=StoryStatus.PUBLISHED,
    )
    def correct(self):
        """Add a public correction note; the story stays published."""


class Byline(models.Model):
    """An author of a story, in the order the byline reads."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="byline_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["story", "user"], name="unique_byline")]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class StorySection(models.Model):
    """A story's own copy of a template section, with the journalist's Markdown body.

    Key, heading, kind and order are copied from the template so the story keeps its shape when
    the template is later edited or the template section deleted.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="sections")
    template_section = models.ForeignKey(
        TemplateSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.SlugField(max_length=50)
    heading = models.CharField(max_length=200, validators=[validate_one_line_text])
    help_text = models.TextField(blank=True, validators=[validate_multi_line_text])
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.TEXT)
    required = models.BooleanField(default=False)
    min_items = models.PositiveSmallIntegerField(default=0)
    max_items = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(
        blank=True, help_text="Markdown.", validators=[validate_multi_line_text]
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["story", "key"], name="unique_story_section_key")
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        # The sanitized HTML is derived data; rendering here means no path can store a stale or
        # unsanitized copy next to the Markdown.
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    COUNTRY = "country", "Country"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class Entity(models.Model):
    """A person, country, organisation… shared across stories, with the card readers see."""

    name = models.CharField(max_length=200, validators=[validate_one_line_text])
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=EntityKind.choices, default=EntityKind.OTHER)
    description = models.TextField(
        blank=True,
        help_text="The card text: one short paragraph.",
        validators=[validate_multi_line_text],
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names, one per line (e.g. DPRK).",
        validators=[validate_multi_line_text],
    )
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata ID looks like Q423.")],
    )
    reviewed_at = models.DateField(
        null=True, blank=True, help_text="When the research desk last checked the card."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stories:entity", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class EntityRole(models.TextChoices):
    ABOUT = "about", "About"
    MENTIONS = "mentions", "Mentions"


class StoryEntity(models.Model):
    """A story's link to an entity: what the story is about, or merely mentions."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="story_links")
    role = models.CharField(max_length=10, choices=EntityRole.choices, default=EntityRole.ABOUT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "entity link"
        constraints = [
            models.UniqueConstraint(fields=["story", "entity"], name="unique_story_entity")
        ]

    def __str__(self):
        return f"{self.entity} ({self.get_role_display()})"


class FAQItem(models.Model):
    """A common question with a short answer, in the story's order."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="faq_items")
    question = models.CharField(max_length=300, validators=[validate_one_line_text])
    answer = models.TextField(validators=[validate_multi_line_text])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "FAQ item"

    def __str__(self):
        return self.question


class Correction(models.Model):
    """A public correction note on a published story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(validators=[validate_multi_line_text])
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Correction to {self.story} at {self.created_at:%Y-%m-%d %H:%M}"


class StoryTransition(models.Model):
    """Who moved a story from one state to another, when and why: the workflow's audit trail."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=StoryStatus.choices)
    to_status = models.CharField(max_length=20, choices=StoryStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True, validators=[validate_multi_line_text])
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.story}: {self.from_status} → {self.to_status}"


class DictionaryWord(models.Model):
    """A word the spelling check should accept: names, jargon, house style."""

    word = models.CharField(max_length=100, validators=[validate_one_line_text])
    language = models.CharField(
        max_length=12,
        blank=True,
        default="",
        help_text="Primary language subtag (en, de) the word belongs to; blank: every language "
        "(names, brands).",
    )
    note = models.CharField(max_length=200, blank=True, validators=[validate_one_line_text])

    class Meta:
        ordering = ["word", "language"]
        constraints = [
            models.UniqueConstraint(fields=["word", "language"], name="dictionary_word_language")
        ]

    def __str__(self):
        return self.word


class Notification(models.Model):
    """An e-mail a workflow step owes people, written in the step's own transaction.

    The outbox for people, as `partners.ChangeEvent` is for partners: a broker that is down when
    the step commits delays the e-mail (the sweep sends it) but never loses it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, related_name="notifications"
    )
    event = models.CharField(max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_due")]

    def __str__(self):
        return f"{self.event} for {self.story}"


class CheckAcknowledgement(models.Model):
    """An editor's "seen, and it stands" on one checklist warning, with why.

    Tied to the warning's exact wording (which quotes the text it is about), so the warning
    comes back as soon as that text changes. Internal: not part of the story's version.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="acknowledgements")
    code = models.CharField(max_length=60)
    target = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    note = models.TextField(validators=[validate_multi_line_text])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "code", "target", "fingerprint"], name="one_acknowledgement"
            )
        ]

    def __str__(self):
        return f"{self.code} on {self.target} accepted"
