"""Tell people that something waits for them: in the app, and by e-mail when configured.

Other apps call `notify(users, kind, subject, body, url, office=...)` inside the transaction of
the action; the e-mails go out once it commits.
"""


def notify(users, kind, subject, body="", url="", *, office=None, exclude=None):
    from .send import notify as _notify  # the models are not loaded when this package is

    return _notify(users, kind, subject, body, url, office=office, exclude=exclude)
