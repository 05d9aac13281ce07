"""Who gets the next idle query worker: a bounded queue, and a worker kept free of heavy queries.

The policy (documented in the README, section *Serving*):

* A query waits in a queue for an idle worker; the time limit counts only its own run on a
  worker, never the wait. At most ``max_queue`` queries wait: one more is refused at once
  (503, "busy, retry after"), and one that waited ``queue_wait`` seconds is refused the same way.
* A query is *heavy* once it has run ``heavy_after`` seconds. At most ``max_heavy`` queries
  (the number of live workers minus one: fewer while a stopped worker is being replaced) may
  run heavy at once, so one worker is left for light queries while heavy ones run. The text of a heavy query is remembered (the last
  :data:`REMEMBERED` texts): next time it waits for a heavy slot before it runs (and is
  forgotten if it then runs faster).
* A query not known to be heavy that becomes heavy while every heavy slot is taken is stopped
  and queued again as heavy (at the head of the queue); its time limit starts again when it
  runs again. Its worker is replaced at once by a spare, when one is ready (see
  :mod:`cppcc_kg.sparql.pool`).
* Otherwise first come, first served.

The scheduler holds no process: it hands out opaque workers (see :mod:`cppcc_kg.sparql.pool`).
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from cppcc_kg.errors import KGError

#: how many texts of heavy queries are remembered
REMEMBERED = 1024
#: how often a waiting query looks at its ``cancel`` event
POLL = 0.05


class PoolError(KGError):
    """The query workers cannot run the query now: 503 with the reason (base of the pool's errors)."""

    status = 503


class PoolBusy(PoolError):
    """Too many queries wait already, or this one waited too long for a worker (503, retry later)."""

    status = 503


class PoolUnavailable(PoolError):
    """No worker can run queries now (the build is gone or broken): 503 naming the cause."""

    status = 503


class QueryCancelled(PoolError):
    """The caller cancelled the query (its client went away) while it waited or ran."""

    status = 503


class Ticket:
    """A query waiting for (or holding) a worker: its cost class and its place in the queue."""

    _order = itertools.count()

    def __init__(self, key: str | None, heavy: bool = False):
        self.key, self.heavy = key, heavy
        self.order = next(self._order)
        self.holds_slot = False


class Scheduler:
    """The queue of tickets and the idle workers of the current generation.

    Parameters
    ----------
    size : int
        Number of workers; ``max_heavy`` defaults to ``size - 1`` (at least 1).
    max_queue : int
        Most tickets that may wait at once.
    queue_wait : float
        Most seconds a ticket may wait.
    heavy_after : float
        Seconds of running after which a query is heavy.
    """

    def __init__(self, size: int, *, max_queue: int = 64, queue_wait: float = 30.0, heavy_after: float = 0.5,
                 max_heavy: int | None = None):
        self.max_queue, self.queue_wait, self.heavy_after = max_queue, queue_wait, heavy_after
        self.size = size
        self.max_heavy = max(1, size - 1) if max_heavy is None else max_heavy
        self.cond = threading.Condition()
        self.idle: deque = deque()
        self.waiting: list[Ticket] = []
        self.heavy_running = 0
        #: live workers of the current generation (the pool keeps it up to date)
        self.workers = size
        self.gen = 0
        self._heavy_texts: OrderedDict[str, None] = OrderedDict()

    # ------------------------------------------------------------ cost memory

    def known_heavy(self, key: str | None) -> bool:
        with self.cond:
            return key is not None and key in self._heavy_texts

    def _remember(self, key: str | None) -> None:
        if key is not None:
            self._heavy_texts[key] = None
            self._heavy_texts.move_to_end(key)
            while len(self._heavy_texts) > REMEMBERED:
                self._heavy_texts.popitem(last=False)

    # ------------------------------------------------------------ queue

    def _heavy_limit(self) -> int:
        if self.size == 1:
            return 1  # nothing to keep free
        return max(0, min(self.max_heavy, self.workers - 1))

    def _first_eligible(self) -> Ticket | None:
        if not self.idle:
            return None
        for t in sorted(self.waiting, key=lambda t: t.order):
            if not t.heavy or self.heavy_running < self._heavy_limit():
                return t
        return None

    def acquire(self, ticket: Ticket, cancel: threading.Event | None = None,
                problem: Callable[[], str | None] = lambda: None):
        """Wait for this ticket's turn and return an idle worker.

        Raises :class:`PoolBusy` (queue full, or waited ``queue_wait``), :class:`QueryCancelled`,
        or :class:`PoolUnavailable` with the text ``problem()`` returns while no worker can run.
        """
        with self.cond:
            if len(self.waiting) >= self.max_queue:
                raise PoolBusy(f"the service is busy: {len(self.waiting)} queries are waiting for a worker already "
                               f"(the limit of the queue)", "retry after a few seconds.")
            self.waiting.append(ticket)
            deadline = time.monotonic() + self.queue_wait
            try:
                while self._first_eligible() is not ticket:
                    why = problem()
                    if why is not None:
                        raise PoolUnavailable(why, "rebuild the graph with `cppcc-kg build`, then retry.")
                    if cancel is not None and cancel.is_set():
                        raise QueryCancelled("the query was cancelled while it waited for a worker")
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise PoolBusy(f"the service is busy: no query worker was free for {self.queue_wait:g} s "
                                       "(the longest a query may wait)", "retry after a few seconds.")
                    self.cond.wait(min(left, POLL) if cancel is not None else min(left, 1.0))
                if ticket.heavy:
                    ticket.holds_slot = True
                    self.heavy_running += 1
                return self.idle.popleft()
            finally:
                self.waiting.remove(ticket)
                self.cond.notify_all()

    def requeue_first(self, ticket: Ticket) -> None:
        """Give *ticket* (stopped for want of a heavy slot) the place before every waiting one."""
        with self.cond:
            ticket.order = min([t.order for t in self.waiting] + [ticket.order]) - 1
            ticket.heavy = True

    def became_heavy(self, ticket: Ticket) -> bool:
        """*ticket* ran ``heavy_after``: take a heavy slot (True), or False if every slot is taken."""
        with self.cond:
            self._remember(ticket.key)
            if ticket.holds_slot:
                return True
            if self.heavy_running >= self._heavy_limit():
                return False
            ticket.holds_slot, ticket.heavy = True, True
            self.heavy_running += 1
            return True

    def done(self, ticket: Ticket, worker=None, ran: float | None = None) -> bool:
        """*ticket* finished; give *worker* back if it belongs to the current generation (True).

        *ran*: seconds its query ran; a text known as heavy that ran faster is forgotten.
        """
        with self.cond:
            if ran is not None and ran < self.heavy_after and ticket.key in self._heavy_texts:
                del self._heavy_texts[ticket.key]
            if ticket.holds_slot:
                ticket.holds_slot = False
                self.heavy_running -= 1
            back = worker is not None and worker.gen == self.gen
            if back:
                self.idle.append(worker)
            self.cond.notify_all()
            return back

    # ------------------------------------------------------------ workers

    def add(self, worker) -> bool:
        """A new worker is ready: idle if it is of the current generation (True)."""
        with self.cond:
            if worker.gen != self.gen:
                return False
            self.idle.append(worker)
            self.cond.notify_all()
            return True

    def switch(self, gen: int, workers) -> list:
        """Make *workers* the idle workers of generation *gen*; return the old idle ones (to stop)."""
        with self.cond:
            old = list(self.idle)
            self.idle = deque(workers)
            self.gen = gen
            self.cond.notify_all()
            return old

    def wake(self, workers: int | None = None) -> None:
        """Wake the waiting tickets (and set the number of live workers, if given)."""
        with self.cond:
            if workers is not None:
                self.workers = workers
            self.cond.notify_all()
