"""Sample URL values for the routes of management reviews (access matrix)."""
from datetime import date


def make_samples(users, document):
    from qms.reviews import service

    review = service.plan(users["quality"], period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                          planned_on=date(2026, 7, 15), agenda="Entradas y decisiones",
                          participants=[users["quality"], users["approver"]])
    return {"review_code": review.code}
