"""Uploads held between preview and confirmation go through Django's storage API (the
"uploads" storage), belong to one session and expire after a day."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.test import RequestFactory

from provinces.spreadsheets import held
from provinces.spreadsheets.reading import Table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["uploads"]


def a_request(session=None):
    request = RequestFactory().post("/")
    request.session = {} if session is None else session
    return request


def test_it_uses_the_named_storage(memory_storage):
    assert isinstance(held.held_storage(), InMemoryStorage)
    request = a_request()
    token = held.hold_upload(request, key="k", data=b"abc", filename="a.csv", scope={"y": 1})
    _, files = memory_storage.listdir(held.FOLDER)
    assert len(files) == 1 and token in files[0]
    facts, data = held.held_upload(request, key="k", token=token)
    assert data == b"abc" and facts["filename"] == "a.csv" and facts["scope"] == {"y": 1}


def test_another_server_with_the_same_storage_finds_it():
    # The session travels with the user; the bytes are in the shared storage.
    session = {}
    token = held.hold_upload(a_request(session), key="k", data=b"abc", filename="a.csv")
    assert held.held_upload(a_request(session), key="k", token=token)[1] == b"abc"


def test_another_session_or_token_finds_nothing():
    token = held.hold_upload(a_request(), key="k", data=b"abc", filename="a.csv")
    assert held.held_upload(a_request(), key="k", token=token) is None
    request = a_request()
    held.hold_upload(request, key="k", data=b"abc", filename="a.csv")
    assert held.held_upload(request, key="k", token="0" * 32) is None


def test_changed_bytes_are_refused(memory_storage):
    request = a_request()
    token = held.hold_upload(request, key="k", data=b"abc", filename="a.csv")
    name = request.session["k"]["name"]
    memory_storage.delete(name)
    memory_storage.save(name, held.ContentFile(b"xyz"))
    assert held.held_upload(request, key="k", token=token) is None


def test_an_upload_older_than_a_day_is_refused_and_swept(memory_storage, monkeypatch):
    request = a_request()
    token = held.hold_upload(request, key="k", data=b"abc", filename="a.csv")
    later = time.time() + held.MAX_AGE + 60
    monkeypatch.setattr(held.time, "time", lambda: later)
    assert held.held_upload(request, key="k", token=token) is None
    held.hold_upload(a_request(), key="other", data=b"new", filename="b.csv")
    _, files = memory_storage.listdir(held.FOLDER)
    assert len(files) == 1 and token not in files[0]


def test_release_deletes_the_file(memory_storage):
    request = a_request()
    held.hold_upload(request, key="k", data=b"abc", filename="a.csv")
    held.release_upload(request, key="k")
    assert memory_storage.listdir(held.FOLDER)[1] == [] and "k" not in request.session


# The held table -----------------------------------------------------------------------------


def test_a_held_table_keeps_every_cell_and_its_type():
    cells = {
        "text": "HTX Chè Tà Xùa",
        "count": 12,
        "amount": 1637.5,
        "flag": True,
        "blank": None,
        "moment": datetime.datetime(2024, 6, 5, 8, 30),
        "day": datetime.date(2024, 6, 5),
        "time": datetime.time(8, 30),
        "span": datetime.timedelta(hours=36),
        "exact": Decimal("43.90"),
        "date": "một chữ “date” cũng chỉ là văn bản",  # a column named like a tag
    }
    table = Table(rows=[(2, cells), (7, {"text": "=1+1"})], letters={"text": "A", "count": "B"})
    back = held.table_from_bytes(held.table_bytes(table))
    assert back.rows == table.rows and back.letters == table.letters
    for column, value in cells.items():
        assert type(back.rows[0][1][column]) is type(value), column


@pytest.mark.parametrize(
    "data", [b"", b"not json", b'{"rows": [[2, {"a": {"nope": 1}}]], "letters": {}}', b"[1]"]
)
def test_a_damaged_held_table_is_not_one(data):
    assert held.table_from_bytes(data) is None
