from django.urls import path

from quipu_portal.quarter_review import views

app_name = "quarter_review_client"

# Under /c/<connection_id>/: the review of one client.
urlpatterns = [
    path("", views.review, name="review"),
]
