"""Forms of the members pages and the profile."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from .models import STAFF_ROLES, Profile, Role


class InviteForm(forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="An existing account is added as it is; a new one gets a one-time link to "
        "choose a password.",
    )
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    title = forms.CharField(label="Title", max_length=200, required=False)
    email = forms.EmailField(label="E-mail address", required=False)
    role = forms.ChoiceField(choices=STAFF_ROLES, initial=Role.REVIEWER)
    send_email = forms.BooleanField(
        label="E-mail the set-password link to this address", required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("send_email") and not data.get("email"):
            self.add_error("email", "Give the address to send the link to.")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ProfileForm(forms.ModelForm):
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Notifications are e-mailed here, when the office has e-mail set up.",
    )

    class Meta:
        model = Profile
        fields = ["full_name", "title"]
        help_texts = {
            "full_name": "As it should be printed in sign-off blocks and reports.",
            "title": "Your position, e.g. Senior Privacy Analyst.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email

    def clean_email(self):
        email = self.cleaned_data["email"]
        User = get_user_model()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses this address.")
        return email
