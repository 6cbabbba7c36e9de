"""What a django-q2 worker does when it starts, before its first task."""

import gc

import pytest
from django_q.signals import post_spawn


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_a_starting_worker_keeps_what_it_loaded_out_of_the_collectors_sight(unfrozen):
    assert gc.get_freeze_count() == 0
    post_spawn.send(sender="django_q", proc_name="Process-1")
    # Django and the apps are loaded: a full collection in the middle of a job no longer walks them.
    assert gc.get_freeze_count() > 10_000
