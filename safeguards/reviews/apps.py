from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguards.reviews"
    label = "reviews"
