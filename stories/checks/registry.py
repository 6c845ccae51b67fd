"""The registry: what a finding is, how checks register, and one run of all of them."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from stories.checks.run import CheckRun
from stories.models import Story
from stories.selectors import story_with_parts

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or look at (warning), and where."""

    severity: str
    code: str
    message: str
    target: str = "story"
    # What a one-click fix acts on (the unknown word, the entity's id); not part of the output.
    subject: str = field(default="", compare=False, repr=False)

    @property
    def fingerprint(self) -> str:
        """The warning exactly as worded (its message quotes the text it is about): an
        acknowledgement holds until the text, and so the wording, changes."""
        return hashlib.sha256(f"{self.code}|{self.target}|{self.message}".encode()).hexdigest()

    def as_dict(self) -> dict:
        """The finding for scripts and JSON: severity, code, message and target."""
        data = asdict(self)
        del data["subject"]
        return data


Check = Callable[[Story], Iterable[Finding]]
REGISTRY: list[tuple[str, Check, bool]] = []

# The relations `story_with_parts` prefetches and the checks read.
CHECKED_PARTS = {"sections", "faq_items", "citations", "entity_links"}


def register(name: str, *, cheap: bool = True) -> Callable[[Check], Check]:
    """Add a check to the registry. `cheap` checks also run on every save."""

    def decorator(check: Check) -> Check:
        REGISTRY.append((name, check, cheap))
        return check

    return decorator


def story_findings(story: Story, *, cheap_only: bool = False) -> list[Finding]:
    """Run every registered check on a story; errors first, then warnings, in registry order."""
    prefetched = getattr(story, "_prefetched_objects_cache", {})
    if not CHECKED_PARTS <= prefetched.keys():
        story = story_with_parts(Story.objects.filter(pk=story.pk)).get()
    # A fresh run: names and questions are read once for this run, never reused from a stale one.
    run = story._check_run = CheckRun(story)
    findings = [
        finding
        for _name, check, cheap in REGISTRY
        if cheap or not cheap_only
        for finding in check(story)
    ]
    run.release()
    return sorted(findings, key=lambda f: f.severity != ERROR)


def findings_summary(findings: list[Finding]) -> str:
    """One line for a message after a save: "Checklist: 2 to fix, 3 to look at."."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if not findings:
        return "Checklist: all checks pass."
    parts = [f"{errors} to fix"] * bool(errors) + [f"{warnings} to look at"] * bool(warnings)
    return f"Checklist: {', '.join(parts)}."


def story_errors(story: Story) -> list[Finding]:
    """The findings that stop a story going to review."""
    return [f for f in story_findings(story) if f.severity == ERROR]


def check_run(story: Story) -> CheckRun:
    """The run a check belongs to; a check called on its own gets a run of its own."""
    run = getattr(story, "_check_run", None)
    if run is None or run.story is not story:  # e.g. a copy of a story made with copy()
        run = story._check_run = CheckRun(story)
    return run
