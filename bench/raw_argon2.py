"""The login baseline: raw argon2-cffi verifies per second, ``threads`` at a time (argon2-cffi
releases the GIL, so two threads use two cores), nothing else.

``python -m bench.raw_argon2 --threads 2 --seconds 3 --memory-kib 19456 --time-cost 2``
prints the rate on stdout.
"""

from __future__ import annotations

import argparse
import threading
import time

import argon2

PASSWORD = "Bonjour2024Caf"


def verifies_per_second(
    threads: int, seconds: float, memory_kib: int, time_cost: int, parallelism: int
) -> float:
    hasher = argon2.PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=argon2.Type.ID
    )
    stored = hasher.hash(PASSWORD)
    counts = [0] * threads
    start = time.perf_counter()
    deadline = start + seconds

    def work(index: int) -> None:
        while time.perf_counter() < deadline:
            hasher.verify(stored, PASSWORD)
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--memory-kib", type=int, default=19456)
    parser.add_argument("--time-cost", type=int, default=2)
    parser.add_argument("--parallelism", type=int, default=1)
    args = parser.parse_args()
    rate = verifies_per_second(
        args.threads, args.seconds, args.memory_kib, args.time_cost, args.parallelism
    )
    print(f"{rate:.3f}")


if __name__ == "__main__":
    main()
