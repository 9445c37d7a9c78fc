#!/usr/bin/env python3
"""The kernel benchmark's M/M/30/30 hospice-bed model (arrivals 2 a day,
exponential stays of mean 14 days, 30 beds, no waiting list) in SimPy, to
compare carecap's kernel with the usual Python tool on the same model.

Counts events as carecap does (each arrival and each departure), runs
5 simulated years per replication, and prints events per second of CPU
time. Needs SimPy (`pip install simpy`); not part of the test command.

Usage: python3 benches/simpy_mm3030.py [--reps 20]
"""
import argparse
import random
import time

import simpy

DAY = 86_400.0
YEARS = 5


def replication(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    beds = simpy.Resource(env, capacity=30)
    counts = {"events": 0, "blocked": 0}

    def stay():
        with beds.request() as bed:
            yield bed
            yield env.timeout(rng.expovariate(1.0 / (14.0 * DAY)))
        counts["events"] += 1  # the departure

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(2.0 / DAY))
            counts["events"] += 1  # the arrival
            if beds.count < beds.capacity:
                env.process(stay())
            else:
                counts["blocked"] += 1

    env.process(arrivals())
    env.run(until=YEARS * 365 * DAY)
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args()
    start = time.process_time()
    events = sum(replication(r)["events"] for r in range(args.reps))
    cpu = time.process_time() - start
    print(f"SimPy {simpy.__version__}: {events} events in {cpu:.2f} s CPU, "
          f"{events / cpu / 1e6:.3f} million events/s")


if __name__ == "__main__":
    main()
