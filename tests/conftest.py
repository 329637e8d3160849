import functools
import logging
import uuid
from pathlib import Path

import django.test.utils
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from provinces.models import Province, StaffProfile
from tests import shared_setup
from tests.demo_data import DEMO, DEMO_TWICE, DemoMismatch
from tests.fake_zns import FakeZns
from tests.pdf_memo import reused_pdfs

# Django logs every 4xx answer (django.request, WARNING) with its traceback, formatted for
# the portal's handler and again for pytest's captured log: the URL walks get thousands
# and that formatting was about a tenth of their CPU. Server errors (ERROR) are still logged.
logging.getLogger("django.request").setLevel(logging.ERROR)


def pytest_configure(config):
    """An xdist worker copies the run's migrated database and snapshots
    (tests/shared_setup.py) instead of making its own."""
    folder = getattr(config, "workerinput", {}).get(shared_setup.KEY)
    if folder:
        shared_setup.Shared.folder = Path(folder)
        django.test.utils.setup_databases = functools.partial(
            shared_setup.setup_databases, django.test.utils.setup_databases
        )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """The controller: one shared folder for the run, given to each worker."""
    config = node.config
    if shared_setup.STASH not in config.stash:
        config.stash[shared_setup.STASH] = shared_setup.new_folder()
    node.workerinput[shared_setup.KEY] = config.stash[shared_setup.STASH]


def pytest_sessionfinish(session):
    folder = session.config.stash.get(shared_setup.STASH, None)
    if folder is not None:
        with session.config.stash[blocking_manager_key].unblock():
            shared_setup.clean_up(folder)


def _flushes_the_database(item) -> bool:
    """pytest-django runs this test as a TransactionTestCase: its tables are emptied after
    it, the migrations' reference data included."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        (
            marker is not None
            and bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        )
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, the reference data (provinces, clusters, terms,
    award types) comes back at once, so the tests that follow on this worker find what the
    migrations loaded whatever order they run in (`--dist worksteal` moves transactional
    tests, which pytest-django queues last, to the front of another worker's queue)."""
    yield
    # After the last test the session's teardown has already dropped the test database.
    if nextitem is not None and _flushes_the_database(item):
        from emulation.demo import award_types_seed
        from provinces.demo import organisation_seed

        with item.config.stash[blocking_manager_key].unblock():
            try:
                if not DEMO.base:
                    raise DemoMismatch("no demo snapshot in this process")
                # Under the keys the demo snapshot rests on: the worker's next demo_data
                # test copies the snapshot instead of running seed_demo (≈ 8 s of CPU).
                DEMO.restore_base()
            except DemoMismatch:
                organisation_seed()
                award_types_seed()


@pytest.fixture
def make_staff(db):
    """Build a provincial staff user: make_staff("Phú Thọ", 2023) ties a user to the unit
    named "Phú Thọ" that was valid at the end of 2023."""

    def build(name: str, year: int, username: str | None = None):
        unit = Province.objects.valid_in(year).get(name=name)
        user = get_user_model().objects.create_user(
            username=username or f"{unit.slug}{unit.pk}", password="pw-for-tests"
        )
        StaffProfile.objects.create(user=user, province=unit)
        return user

    return build


@pytest.fixture
def make_national(db):
    """Build a national-alliance staff user (Liên minh HTX Việt Nam: no province)."""

    def build(username: str = "vca-staff"):
        user = get_user_model().objects.create_user(username=username, password="pw-for-tests")
        StaffProfile.objects.create(user=user, national=True)
        return user

    return build


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.org", password="pw-for-tests"
    )


@pytest.fixture
def uploads_dir(settings, tmp_path):
    """The held uploads (the `uploads` storage) in this test's own folder, returned."""
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def son_la_staff(client, make_staff):
    """Sơn La's staff user of 2024, signed in on `client`."""
    user = make_staff("Sơn La", 2024)
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request sent with another language leaves it active in the thread (the locale
    middleware activates, nothing deactivates): the next test starts in the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def documents_cache_per_test(settings):
    """Each test its own empty cache of generated documents and of the pages' parts
    (the default cache, cluster_portal/page_cache.py): two tests' databases can reach
    the same stamp with different contents, which one server's database cannot."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"default-{uuid.uuid4()}",
        },
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"documents-{uuid.uuid4()}",
        },
        # The API's count of wrong tokens per address: the personas' revoked and expired
        # tokens of one test must not get the next test's requests a 429.
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{uuid.uuid4()}",
        },
    }


@pytest.fixture
def home_built_every_time():
    """The home page's body built on every view, as before its cache: for the tests that
    read the body's context (the to-dos, the rows as objects); the cache itself is tested
    in test_home_page_cache.py."""
    from unittest import mock

    with mock.patch("emulation.home.views.cached_part", lambda request, *, make, **_: make()):
        yield


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo (`seed_demo`) recorded once per test process on the clean database."""
    with django_db_blocker.unblock():
        if DEMO.tables is None:
            DEMO.build()
    return DEMO


@pytest.fixture
def demo_data(demo_snapshot, db):
    """The demo data (`seed_demo`, password "demo") in this test's database, copied from
    the snapshot rather than seeded again; the test's rollback removes it."""
    demo_snapshot.restore()


@pytest.fixture(scope="session")
def demo_twice_snapshot(demo_snapshot, django_db_blocker):
    """The demo after `seed_demo` ran a second time, recorded once per test run."""
    with django_db_blocker.unblock():
        if DEMO_TWICE.tables is None:
            DEMO_TWICE.build()
    return DEMO_TWICE


@pytest.fixture
def seed_demo_again(demo_snapshot, demo_twice_snapshot, db):
    """`seed_demo_again(measure)`: this test's database as after `seed_demo` ran twice
    (from a snapshot made once per run, not a 5 s run per test); returns what `measure()`
    gave after the first run only (the demo restored in a savepoint, rolled back)."""

    def seed_again(measure=lambda: None):
        with transaction.atomic():
            demo_snapshot.restore()
            before = measure()
            transaction.set_rollback(True)
        demo_twice_snapshot.restore()
        return before

    return seed_again


@pytest.fixture(scope="session")
def scoring_states(django_db_setup, django_db_blocker):
    """The scoring states tests start from (tests/scoring_helpers.py: SIGNED, UNSIGNED;
    tests/versioned_emulation.py: ALL_SUBMITTED, RECORDED), each made once per run on the
    clean database rather than through the services in every test."""
    from tests.versioned_emulation import SCORING_STATES

    with django_db_blocker.unblock():
        for state in SCORING_STATES:
            if state.tables is None:
                state.build()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """`copy(target)`: a SQLite database as `manage.py migrate` leaves it, written at
    target; migrated once per run (tests/shared_setup.py), for the tests that run the
    portal in subprocesses."""
    folder = shared_setup.Shared.folder or tmp_path_factory.mktemp("migrated-sqlite")
    return functools.partial(shared_setup.migrated_sqlite, folder=folder)


@pytest.fixture
def pdf_memo():
    """WeasyPrint runs once per test process for each distinct page (tests/pdf_memo.py):
    for tests about access and downloads, not about the PDF path itself."""
    with reused_pdfs():
        yield


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as they are queued (the notices' worker inside the request)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def zns(settings):
    """Zalo on, pointed at a local fake ZNS server (tests/fake_zns.py)."""
    with FakeZns() as fake:
        settings.ZALO_ENABLED = True
        settings.ZALO_ACCESS_TOKEN = fake.token
        settings.ZALO_TEMPLATE_NOTICE, settings.ZALO_TEMPLATE_OTP = "301234", "305678"
        settings.ZALO_API_URL, settings.ZALO_TIMEOUT = fake.url, 0.5
        yield fake
