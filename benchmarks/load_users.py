"""The people of the load benchmark (a locustfile; ``bench_load.py`` runs it headless).

Each simulated person logs in with a generated account of the data set, then repeats:
think 10–30 s, do one thing. What they do, by weight (the capacity issue's mix):

    60 pages and lists   15 search   10 downloads   5 Word generation (a draft's copy)
     5 uploads (a file added to a record)   3 signed transitions   2 CAPA edits

Writes are real POSTs: the form is read from its page (CSRF token, hidden fields, current
values) and sent back. Every request is named by its kind; ``bench_load.py`` reads the
timings this file writes at the end (``QMS_LOAD_OUTPUT``, one JSON line per request).
The targets (pages, versions, records, queries) come from ``QMS_LOAD_TARGETS``.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import time

from locust import HttpUser, between, events, task

from benchmarks.html_forms import form_posting_to, form_with_id

TARGETS = json.loads(open(os.environ["QMS_LOAD_TARGETS"], encoding="utf-8").read()) \
    if os.environ.get("QMS_LOAD_TARGETS") else {}
THINK = tuple(float(x) for x in os.environ.get("QMS_LOAD_THINK", "10,30").split(","))
_people = itertools.count()
_timings: list[dict] = []


@events.request.add_listener
def _remember(request_type, name, response_time, response_length, exception=None, response=None, **_kw):
    status = getattr(response, "status_code", 0) if response is not None else 0
    _timings.append({"kind": name, "ms": round(response_time, 1), "status": status,
                     "error": repr(exception) if exception else "", "t": round(time.time(), 2)})


@events.quitting.add_listener
def _write(**_kw):
    path = os.environ.get("QMS_LOAD_OUTPUT")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            for row in _timings:
                out.write(json.dumps(row) + "\n")


class Person(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        people = TARGETS["people"]
        self.person = people[next(_people) % len(people)]
        self.rng = random.Random(self.person["username"])
        page = self.client.get("/ingresar", name="login (form)")
        form = form_posting_to(page.text, "")  # the only POST form of the login page
        fields = dict(form.fields) if form else {}
        fields.update(username=self.person["username"], password=self.person["password"])
        with self.client.post("/ingresar", data=fields, name="login", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")

    def _get(self, kind: str, path: str, ok=(200,)):
        with self.client.get(path, name=kind, catch_response=True) as response:
            # 404: the object moved on (another person changed it): not the server's fault.
            if response.status_code not in (*ok, 404):
                response.failure(f"{path}: {response.status_code}")
            return response

    def _post(self, kind: str, path: str, data: dict, files=None):
        with self.client.post(path, data=data, files=files, name=kind, allow_redirects=False,
                              catch_response=True) as response:
            # 302: done; 409: another person changed it first (a clear message, by design).
            if response.status_code not in (302, 409):
                response.failure(f"{path}: {response.status_code}")
            return response

    @task(60)
    def page(self):
        if self.rng.random() < 0.5:
            self._get("list", self.rng.choice(TARGETS["lists"]))
        else:
            self._get("page", self.rng.choice(TARGETS["pages"]))

    @task(15)
    def search(self):
        self._get("search", "/buscar?" + _query(self.rng.choice(TARGETS["queries"])))

    @task(10)
    def download(self):
        self._get("download", self.rng.choice(TARGETS["downloads"]))

    @task(5)
    def word(self):
        self._get("word", self.rng.choice(TARGETS["drafts"]))

    @task(5)
    def upload(self):
        record = self.rng.choice(TARGETS["records"])
        page = self._get("upload (form)", f"/registros/{record}")
        form = form_posting_to(page.text, "/archivos")
        if form is None:
            return
        fields = {**form.fields, "reason": "Copia firmada escaneada, agregada durante la medición de carga."}
        body = f"Registro {record}, copia {time.time():.6f}\n".encode() * 40
        self._post("upload", form.action, fields, files={"file": ("copia.txt", body, "text/plain")})

    @task(3)
    def transition(self):
        path = self.rng.choice(TARGETS["reviews"])
        page = self._get("transition (form)", path)
        # Return or pass the review; either one is signed with the person's password.
        name = self.rng.choice(["return_review", "pass_review"])
        form = form_posting_to(page.text, f"/accion/{name}")
        if form is None:
            return  # someone else already moved this version on
        fields = {**form.fields, f"{name}-password": self.person["password"],
                  f"{name}-comment": "Revisado en la medición de carga: precisar plazos."}
        self._post("transition", form.action, fields)

    @task(2)
    def capa(self):
        path = f"/acciones/{self.rng.choice(TARGETS['actions'])}/editar"
        page = self._get("capa (form)", path)
        form = form_with_id(page.text, "edit-action")
        if form is None:
            return
        fields = {**form.fields, "correction": f"Contención revisada ({time.strftime('%H:%M:%S')})."}
        self._post("capa", path, fields)


def _query(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})
