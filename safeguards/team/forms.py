"""The assignments form (one assignee and due date per category) and the note forms."""

from django import forms

from safeguards.accounts.models import display_name

from .review import NOTE_MAX_LENGTH


class AssignmentsForm(forms.Form):
    """Fields `c<category id>-assignee` and `c<category id>-due` for each category."""

    def __init__(self, *args, categories, editors, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.people = {str(m.user_id): m.user for m in editors}
        choices = [("", "Nobody")] + [
            (str(m.user_id), f"{display_name(m.user)} ({m.user.get_username()})") for m in editors
        ]
        for category in categories:
            existing = current.get(category.pk)
            self.fields[f"c{category.pk}-assignee"] = forms.ChoiceField(
                label=f"{category.code} {category.title}: assigned to",
                choices=choices,
                required=False,
                initial=str(existing.assignee_id) if existing else "",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"c{category.pk}-due"] = forms.DateField(
                label=f"{category.code} {category.title}: due date",
                required=False,
                initial=existing.due_date if existing else None,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
            )

    def rows(self):
        for category in self.categories:
            yield category, self[f"c{category.pk}-assignee"], self[f"c{category.pk}-due"]

    def clean(self):
        data = super().clean()
        for category in self.categories:
            if data.get(f"c{category.pk}-due") and not data.get(f"c{category.pk}-assignee"):
                self.add_error(f"c{category.pk}-due", "A due date needs someone to do the work.")
        return data

    def wanted(self):
        from .assign import Wanted

        return [
            Wanted(
                category,
                self.people.get(self.cleaned_data[f"c{category.pk}-assignee"] or ""),
                self.cleaned_data[f"c{category.pk}-due"],
            )
            for category in self.categories
        ]


class RaiseNoteForm(forms.Form):
    answer = forms.TypedChoiceField(label="Criterion", coerce=int)
    text = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH
    )

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [
            (answer.pk, f"{answer.criterion.code} {answer.criterion.title}") for answer in answers
        ]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply", widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )
