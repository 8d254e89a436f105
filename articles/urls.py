from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    re_path(r"^articles/(?P<slug>[-\w]+)/$", views.ArticleDetailView.as_view(), name="detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    re_path(r"^topics/(?P<slug>[-\w]+)/$", views.TopicArticleListView.as_view(), name="topic"),
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagArticleListView.as_view(), name="tag"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    re_path(r"^topics/(?P<slug>[-\w]+)/feed/$", feeds.TopicFeed(), name="topic-feed"),
    re_path(r"^tags/(?P<slug>[-\w]+)/feed/$", feeds.TagFeed(), name="tag-feed"),
    path("preview/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
