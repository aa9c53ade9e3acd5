"""How long an approval holds the database's write lock, and the approval end to end.

Targets: approval end to end (rehearsal, PDF/A render, PAdES signature, store) ≤ 500 ms; the
write lock held only for the approval's rows, not for the render and the signature. The lock
is timed from inside: every outermost `transaction.atomic()` block of the approval (on SQLite
the IMMEDIATE transaction takes the write lock at BEGIN and keeps it to COMMIT), summed and
longest, beside the approval's wall and CPU time. The office has its signing certificate
already (as after `create_office`), so the figures are those of every approval but an office's
first.
"""

import os
import statistics
import sys
import time

from common import MISSED, Samples, header, setup

RUNS = int(os.environ.get("BENCH_APPROVALS", "7"))


def lock_timer():
    """Patch Atomic so the outermost blocks' durations are collected in the returned list."""
    from django.db import connection, transaction

    held = Samples()
    held.cpu = []
    started: list[tuple[float, float]] = []
    enter, leave = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def timed_enter(self):
        outermost = not connection.in_atomic_block
        result = enter(self)
        if outermost:
            started.append((time.perf_counter(), time.process_time()))
        return result

    def timed_exit(self, *exc):
        try:
            return leave(self, *exc)
        finally:
            if not connection.in_atomic_block and started:
                wall, cpu = started.pop()
                held.append(time.perf_counter() - wall)
                held.cpu.append(time.process_time() - cpu)

    transaction.Atomic.__enter__, transaction.Atomic.__exit__ = timed_enter, timed_exit
    return held


def cpu_of(module, name: str) -> list[float]:
    """Patch module.name to add each call's CPU seconds to the returned list."""
    spent: list[float] = []
    real = getattr(module, name)

    def timed(*args, **kwargs):
        cpu = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.process_time() - cpu)

    setattr(module, name, timed)
    return spent


def main() -> int:
    setup()
    import data

    from safeguards.reviews import workflow
    from safeguards.signing.keys import ensure_certificate

    header("approval: write-lock hold and end to end (default framework, signed PDF/A-3a)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    office, users = data.office("bench-approval-lock")
    ensure_certificate(office)
    version = data.framework(None)
    held = lock_timer()
    from safeguards.reports import freeze

    render_cpu, sign_cpu = cpu_of(freeze, "render_pdf"), cpu_of(freeze, "sign_pdf")
    renders, signs = [], []
    walls, cpus, totals, longest, blocks, lock_cpus = [], [], [], [], [], []
    for run in range(RUNS + 1):
        item = data.assessment(office, users, version)
        workflow.submit(item, by=users["reviewer"])
        del held[:], held.cpu[:], render_cpu[:], sign_cpu[:]
        cpu, start = time.process_time(), time.perf_counter()
        workflow.approve(item, by=users["approver"])
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        if run == 0:
            continue  # the first approval of the process loads fonts and pyHanko
        walls.append(wall)
        cpus.append(cpu)
        totals.append(sum(held))
        lock_cpus.append(sum(held.cpu))
        renders.append(sum(render_cpu))
        signs.append(sum(sign_cpu))
        longest.append(max(held))
        blocks.append(len(held))

    def ms(values):
        return (
            f"median {statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f}, "
            f"max {max(values) * 1000:.1f}, N {len(values)})"
        )

    print(f"approval end to end, wall: {ms(walls)}")
    print(f"approval end to end, CPU: {ms(cpus)}")
    print(f"write lock held per approval, all transactions: {ms(totals)}")
    print(f"CPU spent holding the write lock per approval: {ms(lock_cpus)}")
    print(f"the PDF/A render (outside the lock), CPU: {ms(renders)}")
    print(f"the PAdES signature (outside the lock), CPU: {ms(signs)}")
    print(f"longest single transaction of an approval: {ms(longest)}")
    print(f"transactions per approval: {statistics.median(blocks):.0f}")
    sys.stdout.flush()
    return MISSED if statistics.median(cpus) > 0.5 else 0


if __name__ == "__main__":
    sys.exit(main())
