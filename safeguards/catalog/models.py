"""Frameworks of safeguard criteria, loaded from YAML files; a published version never changes."""

from django.db import models
from django.urls import reverse

from safeguards import scoring


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Framework(models.Model):
    """A family of versions sharing one slug."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:framework", args=[self.slug])


class FrameworkVersionQuerySet(models.QuerySet):
    def with_catalog(self) -> "FrameworkVersionQuerySet":
        """Categories, criteria and references in a fixed number of queries, whatever the size."""
        return self.select_related("framework").prefetch_related(
            models.Prefetch("categories", queryset=Category.objects.order_by("position")),
            models.Prefetch(
                "categories__criteria", queryset=Criterion.objects.order_by("position")
            ),
            models.Prefetch(
                "categories__criteria__references", queryset=Reference.objects.order_by("position")
            ),
        )


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    published = models.DateField()
    description = models.TextField()
    threshold_adequate = models.PositiveSmallIntegerField(default=80)
    threshold_significant_gaps = models.PositiveSmallIntegerField(default=50)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    source_text = models.TextField(help_text="The YAML file exactly as loaded.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=150)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["framework__slug", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="framework_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:framework_version", args=[self.framework.slug, self.version])

    @property
    def slug(self) -> str:
        return self.framework.slug

    @property
    def thresholds(self) -> scoring.Thresholds:
        return scoring.Thresholds(self.threshold_adequate, self.threshold_significant_gaps)


class Category(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="categories"
    )
    code = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework_version", "position"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "code"], name="category_code_unique_in_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Criterion(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="criteria"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    question = models.TextField()
    guidance = models.TextField()
    met = models.TextField()
    partial = models.TextField()
    # What not met looks like; optional, so frameworks written before it still load.
    not_met = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    weight = models.PositiveSmallIntegerField(null=True, blank=True)
    red_line = models.BooleanField(default=False)
    position = models.PositiveIntegerField(help_text="Order within the whole framework.")

    class Meta:
        ordering = ["framework_version", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "code"], name="criterion_code_unique_in_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def effective_weight(self) -> int:
        return scoring.effective_weight(self.severity, self.weight)

    def as_scoring(self, category_code: str | None = None) -> scoring.Criterion:
        return scoring.Criterion(
            code=self.code,
            category=category_code or self.category.code,
            severity=self.severity,
            red_line=self.red_line,
            weight=self.weight,
        )


class Reference(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="references")
    source = models.CharField(max_length=300)
    section = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    note = models.CharField(max_length=300)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["criterion", "position"]

    def __str__(self) -> str:
        return self.source

    @property
    def link(self) -> str:
        """The URL if it is a web address (the loader admits no other), else nothing to link."""
        return self.url if self.url.startswith(("https://", "http://")) else ""
