"""factory-boy factories for the newsroom's records."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from faker import Faker

from sources.models import Citation, Outlet
from stories import services
from stories.models import Entity, FAQItem, StoryEntity, StoryStatus, StoryTemplate

fake = Faker()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@newsdesk.invalid")
    is_staff = True
    password = factory.django.Password("secret-pass-123")


def _in_group(user, name):
    group = Group.objects.filter(name=name).first()
    if group:
        user.groups.add(group)
    return user


def journalist(**kwargs):
    return _in_group(UserFactory(**kwargs), "Journalists")


def editor(**kwargs):
    return _in_group(UserFactory(**kwargs), "Editors")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Entity {n}")
    slug = factory.Sequence(lambda n: f"entity-{n}")
    kind = "person"
    description = factory.Faker("sentence")


def _headline() -> str:
    """Random words with no word twice in a row (the doubled-word check would rightly flag it)."""
    words = fake.sentence(nb_words=8).rstrip(".").split()
    return " ".join(w for i, w in enumerate(words) if i == 0 or w.lower() != words[i - 1].lower())


def story(
    *,
    template: str = "explainer",
    by=None,
    published: bool = False,
    citations: int = 0,
    faq: int = 0,
    entities: int = 0,
    fill_sections: bool = True,
    **fields,
):
    """A story with its sections filled and as many parts as asked for."""
    fields.setdefault("headline", _headline())
    fields.setdefault("summary", "A short summary for readers.")
    if template == "news-report":
        fields.setdefault("dateline_place", "Seoul, South Korea")
        fields.setdefault("dateline_date", dt.date(2025, 11, 3))
    by = by or journalist()
    new = services.story_create(by=by, template=StoryTemplate.objects.get(slug=template), **fields)
    sections = list(new.sections.all())
    if fill_sections:
        for section in sections:
            section.body = f"Text for **{section.heading}**."
            section.save()
    citation_section = next((s for s in sections if s.kind == "citations"), None)
    for i in range(citations):
        Citation.objects.create(
            story=new,
            section=citation_section,
            outlet=OutletFactory(),
            published_on=dt.date(2025, 11, 1) + dt.timedelta(days=i % 20),
            claim=f"Claim number {i}.",
            order=i,
        )
    FAQItem.objects.bulk_create(
        FAQItem(story=new, question=f"Question {i}?", answer=f"Answer {i}.", order=i)
        for i in range(faq)
    )
    for i in range(entities):
        StoryEntity.objects.create(story=new, entity=EntityFactory(), order=i)
    if published:
        new.__class__.objects.filter(pk=new.pk).update(
            status=StoryStatus.PUBLISHED, published_at=timezone.now()
        )
        new.refresh_from_db()
    return new
