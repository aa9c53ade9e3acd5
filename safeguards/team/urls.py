from django.urls import path

from . import views

app_name = "team"
urlpatterns = [
    path("assessments/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("assessments/<int:pk>/notes/", views.notes, name="notes"),
    path("assessments/<int:pk>/notes/raise/", views.note_raise, name="note_raise"),
    path("assessments/<int:pk>/reviewed/", views.answer_reviewed, name="answer_reviewed"),
    path("notes/<int:pk>/reply/", views.note_reply, name="note_reply"),
    path("notes/<int:pk>/clear/", views.note_clear, name="note_clear"),
]
