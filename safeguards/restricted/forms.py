"""The restrictions form: one reason picker per free-text value and per evidence item."""

from django import forms

PUBLIC = ("", "Public (not restricted)")


def _choices(reasons: list[str], current: str) -> list[tuple[str, str]]:
    labels = list(reasons) + ([current] if current and current not in reasons else [])
    return [PUBLIC, *[(label, label) for label in labels]]


class RestrictionsForm(forms.Form):
    """Fields `a<answer id>-<field>` and `e<evidence id>`, each "" (public) or a reason."""

    def __init__(self, *args, answers, evidence, current, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for answer in answers:
            names = []
            for field, value in (
                ("rationale", answer.rationale),
                ("recommendation", answer.recommendation),
            ):
                if not value:
                    continue
                name = f"a{answer.pk}-{field}"
                now = current.get(("a", answer.pk, field), "")
                self.fields[name] = forms.ChoiceField(
                    label=f"{answer.criterion.code} {field}",
                    choices=_choices(reasons, now),
                    required=False,
                    initial=now,
                )
                names.append((field, value, name))
            if names:
                self.rows.append(("answer", answer, names))
        for item in evidence:
            name = f"e{item.pk}"
            now = current.get(("e", item.pk), "")
            self.fields[name] = forms.ChoiceField(
                label=f"Evidence: {item.title}",
                choices=_choices(reasons, now),
                required=False,
                initial=now,
            )
            self.rows.append(("evidence", item, [("item", item.title, name)]))

    def bound_rows(self):
        """Rows for the template: (kind, object, [(field, text, bound field)])."""
        return [
            (kind, obj, [(field, text, self[name]) for field, text, name in names])
            for kind, obj, names in self.rows
        ]


class ReasonForm(forms.Form):
    label = forms.CharField(
        label="New reason",
        max_length=200,
        help_text="As it should read in a public report, e.g. “FOIA exemption (b)(7)(E)”.",
    )


class MemberAccessForm(forms.Form):
    username = forms.CharField(widget=forms.HiddenInput)
    access = forms.ChoiceField(
        choices=[("all", "All versions"), ("public", "Public versions only")]
    )
