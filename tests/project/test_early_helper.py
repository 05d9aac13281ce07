"""The helper worker started before the build's imports (``workers.start_helper``, as ``cppcc-kg build
--no-cache`` does through ``cli.build.import_pipeline``) is the one the loader takes (``pinyin.pinyin_pool``),
once; without it the loader starts its own as before."""
from __future__ import annotations

import pytest

from cppcc_kg.project import pinyin, workers


@pytest.mark.skipif(not workers.worker_count(), reason="no worker processes here")
def test_the_early_helper_is_the_loaders():
    workers.start_helper(pinyin.warm_pinyin)
    early = workers._HELPER[0]
    workers.start_helper()  # one at most
    assert len(workers._HELPER) == 1
    pool = pinyin.pinyin_pool()
    try:
        assert pool is early and workers.take_helper() is None
        assert pool.apply(pinyin.to_pinyin, ("政协",)) == pinyin.to_pinyin("政协")
    finally:
        pool.terminate()
        pool.join()
    again = pinyin.pinyin_pool(warm=False)  # none kept: a pool of its own
    try:
        assert again is not None and again is not early
    finally:
        again.terminate()
        again.join()


def test_no_early_helper_unless_asked():
    assert workers.take_helper() is None
