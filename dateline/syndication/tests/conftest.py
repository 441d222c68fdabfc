import pytest
import time_machine

from dateline.syndication.tests import world as world_module


@pytest.fixture
def frozen():
    """The clock at noon on 1 July 2026, London time."""
    with time_machine.travel(world_module.NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    return world_module.build()
