from django.urls import path

from needs import views

app_name = "needs"

urlpatterns = [
    path("children/", views.child_list, name="child-list"),
    path("children/register/", views.register, name="register"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/edit/", views.child_edit, name="child-edit"),
    path("children/<int:pk>/consents/", views.consent_add, name="consent-add"),
    path("children/<int:pk>/shares/", views.child_share, name="child-share"),
    path("children/<int:pk>/merge/", views.child_merge, name="child-merge"),
    path("children/<int:pk>/export/", views.child_export, name="child-export"),
    path("children/<int:pk>/anonymise/", views.child_anonymise, name="child-anonymise"),
    path("children/<int:pk>/needs/new/", views.need_create_for_child, name="need-create"),
    path("needs/", views.need_list, name="need-list"),
    path("needs/group/new/", views.need_create_for_group, name="need-create-group"),
    path("needs/to-fix/", views.need_to_fix, name="to-fix"),
    path("needs/verify/", views.need_queue, name="queue"),
    path("needs/<int:pk>/", views.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need-edit"),
    path("needs/<int:pk>/transition/", views.need_transition_view, name="need-transition"),
    path("needs/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("needs/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
