"""Admin views of assessments and answers: for looking, and for a draft's answers only, editing.

Workflow status never changes here (only through the workflow steps), and answers of an
assessment in review or approved are read-only, as everywhere else.
"""

from django.contrib import admin

from .models import Answer, AnswerChange, Assessment


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["criterion", "status", "updated_by", "updated_at", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "deployment", "office", "status", "as_of"]
    list_filter = ["status", "office"]
    search_fields = ["title", "deployment__name"]
    list_select_related = ["deployment", "office"]
    inlines = [AnswerInline]

    # Assessments are created, moved through the workflow and re-assessed in the app, where
    # every change writes its audit event; here they are only looked at.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["criterion", "assessment", "status", "updated_by", "updated_at"]
    list_filter = ["status", "assessment__status"]
    search_fields = ["criterion__code", "assessment__title"]
    list_select_related = ["criterion", "assessment", "updated_by"]
    fields = [
        "assessment",
        "criterion",
        "status",
        "rationale",
        "recommendation",
        "evidence",
        "version",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = [
        "assessment",
        "criterion",
        "evidence",
        "version",
        "updated_by",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.assessment.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        # Through the same path as the scoring pages: version check, audit event, draft only.
        stored = Answer.objects.get(pk=obj.pk)
        obj.assessment.save_answers(
            [
                AnswerChange(
                    answer_id=obj.pk,
                    version=stored.version,
                    status=obj.status,
                    rationale=obj.rationale.strip(),
                    recommendation=obj.recommendation.strip(),
                    evidence=tuple(stored.evidence_ids()),
                )
            ],
            by=request.user,
        )
        obj.refresh_from_db()
