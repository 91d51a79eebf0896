"""The team pages of a tenant's site."""

from django.urls import path

from team import views

urlpatterns = [
    path("team/", views.team_page, name="team"),
    path("team/invite/", views.invite, name="team_invite"),
    path("team/members/<int:user_id>/", views.change_role, name="team_member"),
    path("team/members/<int:user_id>/remove/", views.remove_member, name="team_remove"),
    path("team/invitations/<int:invitation_id>/", views.manage_invitation, name="team_invitation"),
    path("team/accept/<str:token>/", views.accept, name="team_accept"),
]
