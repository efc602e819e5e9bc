"""URLs of cycles, phases, rounds, ideas and business plans (views_ideas.py)."""

urlpatterns = []
