"""What the Python peers of `npm run bench` share: the options, the protocol of bench/lib/protocol.ts
(with --json, one result line on stdout prefixed "@bench-result ", progress on stderr prefixed
"@bench-progress "), best-of timing, and the process's own resource figures."""
import argparse
import json
import resource
import sys
import time

RESULT_PREFIX = "@bench-result "
PROGRESS_PREFIX = "@bench-progress "
BATCH = 32
SEED = 1
REPEATS = 3
START = time.perf_counter()


def parser():
    """The options every peer takes; a peer adds its own before parse_args()."""
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--samples", type=int, default=60000)
    p.add_argument("--test-samples", type=int, default=10000, help="the first N test images for evaluate and predict")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--model", choices=["seed", "cnn"], default="seed", help="the seed model or the CNN tutorial's (job names cnn-...)")
    return p


def job_name(args, name):
    """The job's name in the report: "keras-jax" for the seed model, "cnn-keras-jax" for the CNN."""
    return name if args.model == "seed" else f"{args.model}-{name}"


def progress(args, message):
    sys.stderr.write((PROGRESS_PREFIX if args.json else "") + message + "\n")
    sys.stderr.flush()


def best_of(repeats, fn):
    """The fastest of `repeats` calls of fn, in seconds, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def report(args, result):
    """Adds the whole process's peak memory, CPU and wall time to `result` and prints it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update({
        "maxRssKiB": usage.ru_maxrss,  # Linux reports kibibytes
        "peakRssMB": usage.ru_maxrss * 1024 / 1e6,
        "cpuSeconds": usage.ru_utime + usage.ru_stime,
        "wallSeconds": time.perf_counter() - START,
    })
    if args.json:
        print(RESULT_PREFIX + json.dumps(result), flush=True)
    else:
        print(json.dumps(result, indent=2))
