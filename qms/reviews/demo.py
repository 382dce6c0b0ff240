"""The demo's management review: held a week ago over the year so far, decided and approved.

``load(users, processes, spec, password_of)`` is called by the demo loader with the parsed
``qms/demo/data/review.yaml`` (after the indicators, so the pack has their results) and a
function that gives a demo user's password (the head of service signs the approval).
"""
from __future__ import annotations

from datetime import date, timedelta

from qms.timeutil import on_day, today_local


def load(users: dict, processes: dict, spec: dict, password_of) -> None:
    from qms.reviews import service

    quality, head, today = users["calidad"], users["jefa"], today_local()
    held_on = today - timedelta(days=7)
    with on_day(today - timedelta(days=30)):
        review = service.plan(quality, period_start=date(today.year, 1, 1), period_end=held_on - timedelta(days=1),
                              planned_on=held_on, agenda=spec["agenda"],
                              participants=[users[name] for name in spec["participants"]])
    with on_day(held_on):
        service.hold(quality, review, held_on=held_on, attended_ids=[users[name].id for name in spec["attended"]])
        service.save_analysis(quality, review, spec["analysis"])
        for decision in spec["decisions"]:
            service.add_decision(quality, review, kind=decision["kind"], description=decision["description"],
                                 owner=users[decision["owner"]], due_date=held_on + timedelta(days=decision["due_days"]),
                                 raise_action=decision["raise_action"])
    with on_day(held_on + timedelta(days=2)):
        service.approve(head, review, password_of(head))
