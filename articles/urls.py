from django.urls import path, re_path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    re_path(r"^articles/(?P<slug>[-\w]+)/$", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    re_path(r"^topics/(?P<slug>[-\w]+)/$", views.TopicArticleListView.as_view(), name="topic"),
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagArticleListView.as_view(), name="tag"),
    path("preview/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
