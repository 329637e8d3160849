"""Scores and rankings: NOT MOUNTED YET.

The scoring feature (emulation/scoring/, branch `scoring`) was being built while the API
was. MERGE NOTE for the lead: once it is merged, fill in the endpoint below with its
selector and its read rule (design.md: other members' scores are readable once the
scoring meeting is recorded; the chair and admins always), then mount it in api.py with
`api.add_router("", scores.router)` and add its personas to tests/test_api_access.py.
"""

from ninja import Router

router = Router(tags=["Chấm điểm, xếp hạng"])

# @router.get("/clusters/{slug}/{year}/scores", response=ScoresOut)
# def scores(request, slug: str, year: Year):
#     cluster, members, term = cluster_year_for(request, slug, year)
#     ... emulation.scoring.selectors ... access.can_view_scores(...) ...
