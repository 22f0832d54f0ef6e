"""Dask test settings: the synchronous scheduler everywhere (deterministic, no threads),
except in the tests that ask for ``client``: one 2-process LocalCluster per session."""
import pytest

try:
    import dask
    import dask.array  # noqa: F401
except ImportError:                       # without the [dask] extra: nothing to collect
    dask = None
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True)
def _scheduler(request):
    if "client" in request.fixturenames:
        yield
        return
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="session")
def _cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", memory_limit="1GB",
                                       scheduler_kwargs={"dashboard": False})
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def client(_cluster):
    """The session's Client, current and used by dask.compute for this test."""
    with _cluster.as_current(), dask.config.set(scheduler=_cluster):
        yield _cluster
