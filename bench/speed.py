#!/usr/bin/env python3
"""Runs the speed suite: the Java learner step interleaved with its PyTorch peer on the same machine, plus the
matrix-multiply ceiling; writes bench/results/speed.json and the tables in BENCHMARKS.md.

Run it through bench/speed, which installs the peer's packages and builds the project first. The end-to-end run
(real broker, MiniCluster, training on) follows twice: training on every sample, with a memory phase of
BENCH_MEMORY_MINUTES (default 10), and with --train-max-busy 0.5 (the learner sheds what it cannot train in half the
wall-clock time); `bench/speed --e2e-only` redoes just that part against the learner numbers already in speed.json,
and `BENCH_ONLY=cpu bench/speed` only the end-to-end per-thread CPU (one short run, merged into end_to_end).
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import date

from benchlib import steps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONFIGS = [("mlp", 64, 4096), ("mlp", 256, 4096), ("mlp", 1024, 4096),
           ("mlp", 64, 65536), ("mlp", 256, 65536), ("mlp", 1024, 65536), ("cnn", 256, 4096)]
# The embed-only rows: encoder, micro-batch, threads.
EMBED = [(e, b, t) for e in ("mlp", "cnn") for b in (1, 32, 256) for t in (1, 2)]
ENV = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")


def java_cmd(*args):
    cp = open(os.path.join(ROOT, "tools/target/runtime-classpath.txt")).read().strip()
    return ["java", "-Xmx4g", "-Dorg.bytedeco.javacpp.cachedir=" + os.path.join(ROOT, ".cache/javacpp"),
            "-cp", os.path.join(ROOT, "tools/target/classes") + ":" + cp,
            "io.contrastream.tools.bench.LearnerBench", *map(str, args)]


def run_json(cmd, what):
    steps.step(what)
    out = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def end_to_end(max_busy, memory_minutes):
    if os.environ.get("BENCH_E2E_FROM"):   # JSON lines of bench-e2e runs made separately, one per --train-max-busy
        lines = [json.loads(l) for l in open(os.environ["BENCH_E2E_FROM"]).read().splitlines() if l.startswith("{")]
        return next(l for l in reversed(lines) if l.get("train_max_busy", 1.0) == max_busy)
    cmd = [os.path.join(ROOT, "bin/contrastream"), "bench-e2e", "--memory-minutes", str(memory_minutes),
           "--train-max-busy", str(max_busy)]
    return run_json(cmd, f"bench-e2e --train-max-busy {max_busy}")


def e2e_runs():
    return 0 if os.environ.get("BENCH_E2E_FROM") else 2


# The learner may use half the wall-clock time in the shedding run: the rest of the pipeline gets the other half.
SHEDDING_MAX_BUSY = 0.5


def cpu_fields(e2e):
    """Per-thread CPU over bench-e2e's steady window, core-µs per sample embedded (its ThreadCpu)."""
    return {k: e2e.get(k) for k in ("core_us_per_sample_outside_learner", "learner_core_us_per_sample",
                                    "bench_core_us_per_sample", "broker_core_us_per_sample", "cpu_groups", "cpu_window")}


def with_cpu_only(result):
    """BENCH_ONLY=cpu: one bench-e2e run (no memory phase) for its CPU fields alone, merged into end_to_end; its
    throughput and latency stay those of the full run, measured with the rest of the suite."""
    e2e = end_to_end(1.0, 0)
    result["end_to_end"].update(cpu_fields(e2e))
    # From BENCH_E2E_FROM: BENCH_E2E_COMMAND says how that run was made.
    command = "BENCH_ONLY=cpu bench/speed" if e2e_runs() else os.environ.get("BENCH_E2E_COMMAND", "contrastream bench-e2e")
    result["end_to_end"]["cpu_measured"] = {"date": date.today().isoformat(), "command": command,
                                            "samples_per_s": e2e["samples_per_s"]}
    return result


def with_end_to_end(result):
    learner = next(s for s in result["learner_step"] if s["encoder"] == "mlp" and s["batch"] == 256 and s["queue"] == 4096)

    def summary(e2e):
        return {"samples_per_s": e2e["samples_per_s"], "trained_samples_per_s": e2e.get("trained_samples_per_s"),
                "train_max_busy": e2e.get("train_max_busy", 1.0),
                "fraction_of_learner": round(e2e["samples_per_s"] / learner["java_samples_per_s"], 2),
                "latency_rate": e2e["latency_rate"], "p50_ms": e2e["p50_ms"], "p99_ms": e2e["p99_ms"], **cpu_fields(e2e)}

    e2e = end_to_end(1.0, int(os.environ.get("BENCH_MEMORY_MINUTES", "10")))
    mem = e2e.get("memory") or {}
    result["end_to_end"] = summary(e2e)
    result["end_to_end_shedding"] = summary(end_to_end(SHEDDING_MAX_BUSY, 0))
    if mem:   # BENCH_MEMORY_MINUTES=0 keeps the memory series of the last run that measured one
        result["memory"] = {"rss_mb_start": mem["rss_mb_start"], "rss_mb_end": mem["rss_mb_end"],
                            "interval_s": mem["interval_s"], "rss_heap_physical_offheap_mb": mem["rss_heap_physical_offheap_mb"]}
    return result


TORCH_VERSION = [None]


def step_row(encoder, batch, queue):
    """Java and PyTorch interleaved, ROUNDS times each, so both see the same machine; medians."""
    java, torch = [], []
    what = f"step {encoder} batch {batch} K {queue}"
    for _ in range(ROUNDS):
        java.append(run_json(java_cmd("step", encoder, batch, queue, SECONDS), "Java " + what))
        torch.append(run_json(["/usr/bin/python3", os.path.join(ROOT, "bench/learner_step.py"),
                               encoder, str(batch), str(queue), str(SECONDS)], "PyTorch " + what))
    TORCH_VERSION[0] = torch[0].get("torch")
    j = statistics.median(r["samples_per_s"] for r in java)
    t = statistics.median(r["samples_per_s"] for r in torch)
    gflops = java[0].get("gflops")
    row = {"encoder": encoder, "batch": batch, "queue": queue, "java_samples_per_s": round(j, 1),
           "torch_samples_per_s": round(t, 1), "ratio": round(j / t, 2),
           "java_gflops": None if gflops is None else round(statistics.median(r["gflops"] for r in java), 1)}
    print(json.dumps(row), flush=True)
    return row


def embed_rows():
    """The embed operator's encoder forward (FrozenEncoder) per micro-batch size, in 1 and 2 threads (subtasks)."""
    rows = []
    for encoder, batch, threads in EMBED:
        r = run_json(java_cmd("embed", encoder, batch, threads, min(SECONDS, 10)),
                     f"embed {encoder} batch {batch}, {threads} thread(s)")
        rows.append({"encoder": encoder, "batch": batch, "threads": threads, "samples_per_s": r["samples_per_s"]})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main():
    if "--e2e-only" in sys.argv:
        steps.plan(e2e_runs())
        path = os.path.join(ROOT, "bench/results/speed.json")
        result = with_end_to_end(json.load(open(path)))
        json.dump(result, open(path, "w"), indent=2)
        write_markdown(result)
        return 0
    # BENCH_ONLY=cnn (or mlp) re-measures only that encoder's rows and keeps the rest of speed.json as it was.
    only = os.environ.get("BENCH_ONLY")
    path = os.path.join(ROOT, "bench/results/speed.json")
    if only == "cpu":
        steps.plan(1 if e2e_runs() else 0)
        result = with_cpu_only(json.load(open(path)))
        json.dump(result, open(path, "w"), indent=2)
        write_markdown(result)
        return 0
    if only == "embed":
        steps.plan(len(EMBED))
        result = json.load(open(path))
        result["embed"] = embed_rows()
        json.dump(result, open(path, "w"), indent=2)
        write_markdown(result)
        return 0
    if only:
        steps.plan(2 * ROUNDS * sum(1 for c in CONFIGS if c[0] == only))
        result = json.load(open(path))
        fresh = [step_row(*c) for c in CONFIGS if c[0] == only]
        keyed = {(r["encoder"], r["batch"], r["queue"]): r for r in result["learner_step"] + fresh}
        result["learner_step"] = [keyed[c] for c in CONFIGS if c in keyed]
        result.setdefault("partial_updates", []).append(
            {"encoder": only, "date": date.today().isoformat(), "command": f"BENCH_ONLY={only} bench/speed"})
        json.dump(result, open(path, "w"), indent=2)
        write_markdown(result)
        return 0
    e2e = os.environ.get("BENCH_E2E", "1") != "0"
    steps.plan(2 * ROUNDS * len(CONFIGS) + len(EMBED) + 1 + (e2e_runs() if e2e else 0))
    rows = [step_row(*c) for c in CONFIGS]
    embed = embed_rows()
    gemm = run_json(java_cmd("gemm", 1024, SECONDS), "gemm 1024")
    result = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "date": date.today().isoformat(),
        "command": "bench/speed",
        "torch": TORCH_VERSION[0],
        "learner_step": rows,
        "embed": embed,
        "gemm_gflops": gemm["nd4j_mmul_gflops"],
        "openblas_sgemm_gflops": gemm["openblas_sgemm_gflops"],
        "end_to_end": None,
        "memory": None,
    }
    if e2e:
        result = with_end_to_end(result)
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench/results/speed.json"), "w") as f:
        json.dump(result, f, indent=2)
    write_markdown(result)


def write_markdown(r):
    lines = ["<!-- speed:begin (written by bench/speed) -->",
             f"Machine: {r['machine']}; {r['date']}; PyTorch {r['torch']} (Debian python3-torch, OpenBLAS pthread as "
             f"system BLAS), 2 threads each, `OMP_WAIT_POLICY=PASSIVE`. Command: `bench/speed`.",
             "",
             "| encoder | batch | queue K | Java samples/s | PyTorch samples/s | Java/PyTorch | Java GFLOP/s |",
             "|---|---|---|---|---|---|---|"]
    for s in r["learner_step"]:
        lines.append(f"| {s['encoder']} | {s['batch']} | {s['queue']} | {s['java_samples_per_s']:,.0f} | "
                     f"{s['torch_samples_per_s']:,.0f} | {s['ratio']:.2f} | {s['java_gflops'] if s['java_gflops'] else 'n/a'} |")
    if r.get("embed"):
        lines += ["", "Embedding only (`LearnerBench embed ENCODER BATCH THREADS`: the embed operator's encoder forward on "
                  "micro-batches, one encoder per thread as one per embed subtask), samples/s:", "",
                  "| encoder | micro-batch | 1 thread | 2 threads | scaling |", "|---|---|---|---|---|"]
        by = {(e["encoder"], e["batch"], e["threads"]): e["samples_per_s"] for e in r["embed"]}
        for enc in ("mlp", "cnn"):
            for b in (1, 32, 256):
                one, two = by.get((enc, b, 1)), by.get((enc, b, 2))
                if one and two:
                    lines.append(f"| {enc} | {b} | {one:,.0f} | {two:,.0f} | {two / one:.2f}× |")
    for u in r.get("partial_updates", []):
        lines += ["", f"The {u['encoder']} rows were re-measured on {u['date']} with `{u['command']}` (same interleaving)."]
    lines += ["", f"Matrix-multiply ceiling (1024³, fp32): ND4J `mmul` {r['gemm_gflops']} GFLOP/s, OpenBLAS `sgemm` "
              f"called directly {r['openblas_sgemm_gflops']} GFLOP/s."]
    e = r.get("end_to_end")
    if e:
        lines += ["", "End to end (`contrastream bench-e2e`: real broker as a child JVM, MiniCluster, MLP 784-512-256 → 128, "
                  "batch 256, K 4096, decode/augment/embed at parallelism 2, all on the same 2 cores; samples/s from the "
                  "samples topic to the embeddings topic at the steady state; trained: the samples the learner trained on "
                  "per second meanwhile, from its step count in the drift reports):", "",
                  "| `--train-max-busy` | samples/s (steady) | trained samples/s | fraction of the learner step alone | "
                  "latency rate | p50 | p99 |", "|---|---|---|---|---|---|---|"]
        for x in [e, r.get("end_to_end_shedding")]:
            if not x:
                continue
            trained = f"{x['trained_samples_per_s']:,.0f}" if x.get("trained_samples_per_s") is not None else "—"
            lines.append(f"| {x.get('train_max_busy', 1.0)} | {x['samples_per_s']:,.0f} | {trained} | "
                         f"{x['fraction_of_learner']:.2f} | {x['latency_rate']:,.0f}/s | {x['p50_ms']} ms | {x['p99_ms']} ms |")
        if e.get("core_us_per_sample_outside_learner") is not None:
            groups = ", ".join(f"{k} {v:,.0f}" for k, v in (e.get("cpu_groups") or {}).items())
            broker = e.get("broker_core_us_per_sample")
            w = e.get("cpu_window") or {}
            m = e.get("cpu_measured")
            when = (f"measured separately on {m['date']} with `{m['command']}` at {m['samples_per_s']:,.0f} samples/s, "
                    if m else "")
            load = f", load average {w['load_average_1m']}" if w.get("load_average_1m") is not None else ""
            lines += ["", f"CPU per sample (`--train-max-busy` {e.get('train_max_busy', 1.0)}; {when}per-thread CPU from /proc "
                      f"over {w.get('seconds', '?')} s of the steady window{load}; core-µs per sample embedded): "
                      f"**{e['core_us_per_sample_outside_learner']:,.0f} outside the learner** ({groups}), "
                      f"{e['learner_core_us_per_sample']:,.0f} in the learner (its task chain, the gemm helper and the native "
                      "BLAS threads); not counted: the benchmark's own producer and reader "
                      f"{e['bench_core_us_per_sample']:,.0f}" + (f", the broker {broker:,.0f}" if broker is not None else "")
                      + ". Costs paid per second rather than per sample (checkpoints every second, GC, JIT, timers) weigh "
                      "more per sample the fewer samples per second a busy machine allows."]
    m = r.get("memory")
    if m:
        series = m["rss_heap_physical_offheap_mb"]
        lines += ["", f"Memory over the run at the latency rate (every {m['interval_s']} s; RSS / used heap / JavaCPP's "
                  "physical bytes / off-heap bytes ND4J holds through JavaCPP (`Pointer.totalBytes`), MB; the broker is a "
                  f"separate process): start {series[0]}, end {series[-1]}.", "",
                  "`" + " ".join(str(x) for x in series) + "`"]
    lines.append("<!-- speed:end -->")
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = "\n".join(lines)
    if "<!-- speed:begin" in text:
        text = re.sub(r"<!-- speed:begin.*?<!-- speed:end -->", lambda _: block, text, flags=re.S)
    else:
        text += "\n## Learner step (issue 4)\n\n" + block + "\n"
    open(path, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
