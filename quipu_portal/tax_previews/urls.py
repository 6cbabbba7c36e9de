from django.urls import path

from quipu_portal.tax_previews import views

app_name = "tax_previews"

urlpatterns = [
    path("", views.preview_list, name="list"),
    path("new/", views.preview_start, name="start"),
    path("<int:pk>/", views.preview_detail, name="detail"),
    path("<int:pk>/again/", views.preview_again, name="again"),
    path("<int:pk>/box/<str:model>/<str:code>/", views.preview_box, name="box"),
    path("<int:pk>/record-book/", views.record_book_download, name="record-book"),
]
