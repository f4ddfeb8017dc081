"""Runs StreamStudy once per method on a paced stream (the same arrival rate and wall-clock budget for every method,
idle time spent on replayed batches) and, with --equal-steps, once more unpaced (every method the same 234 steps);
writes bench/results/methods.json and the methods tables in BENCHMARKS.md."""
import argparse, datetime, json, os, sys

from benchlib import ROOT, java_json, replace_block, steps

METHODS = [("moco", {}), ("simclr", {}), ("nnclr", {}), ("byol", {}), ("simsiam", {}),
           ("moco, debiased τ⁺ 0.1, hardness β 1", {"prior": "0.1", "hardness": "1"})]


def run(rate):
    rows = []
    for name, extra in METHODS:
        r = java_json("io.contrastream.tools.bench.StreamStudy",
                      {"method": name.split(",")[0], "probe": "true", "rate": str(rate), **extra})
        steps = r["steps"]
        row = {"method": name, "knn200": r["knn200"], "knn20": r["knn20"], "linear_probe": float(r["linear_probe"]),
               "samples_per_s": steps * int(r["args"]["batch"]) / r["busy_seconds"], "collapse_std": r["collapse_std"],
               "steps": steps, "replay_steps": r["replay_steps"], "train_seconds": r["train_seconds"],
               "lag_seconds": r["lag_seconds"], "rate": rate, "args": r["args"]}
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def table(rows, paced):
    head = "| method | kNN-200 | kNN-20 | linear probe | samples/s | steps (stream + replay) | collapse std |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        steps = f"{r['steps']} ({r['steps'] - r['replay_steps']} + {r['replay_steps']})" if paced else str(r["steps"])
        lines.append(f"| {r['method']} | {r['knn200']:.2f} | {r['knn20']:.2f} | {r['linear_probe']:.2f} | "
                     f"{r['samples_per_s']:.0f} | {steps} | {r['collapse_std']:.4f} |")
    return lines


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=float, default=400, help="arrival rate of the paced stream, samples/s")
    p.add_argument("--equal-steps", action="store_true", help="also run every method unpaced for the same 234 steps")
    a = p.parse_args()
    date = datetime.date.today().isoformat()
    steps.plan(len(METHODS) * (2 if a.equal_steps else 1))
    paced = run(a.rate)
    lines = ["<!-- methods:begin (written by bench/methods) -->",
             f"{date}, command `bench/methods{' --equal-steps' if a.equal_steps else ''}`: each method trained by the "
             "learner as the job trains it (StreamStudy), CNN, batch 256, the 60,000 training images once in file order; "
             "% on the 10,000 test images; collapse std of the L2-normalised test embeddings. samples/s: the method's "
             "own training throughput (samples through its steps per busy second, 2 cores).", "",
             f"**Same arrival rate, same budget**: the stream arrives at {a.rate:.0f} samples/s, so every method has "
             f"{60000 / a.rate:.0f} s; whatever time a method's steps leave idle it spends on batches replayed from a "
             "4,096-sample reservoir (a cheaper step buys more steps).", ""] + table(paced, True)
    rows = paced
    if a.equal_steps:
        unpaced = run(0)
        lines += ["", "**Same steps**: unpaced, every method the same 234 stream batches, no replay.", ""] + table(unpaced, False)
        rows = paced + [dict(r, method=r["method"] + " (equal steps)") for r in unpaced]
    lines.append("<!-- methods:end -->")
    json.dump(rows, open(os.path.join(ROOT, "bench/results/methods.json"), "w"), indent=2)
    replace_block("methods", "\n".join(lines), "## The family of methods (issue 8): `bench/methods`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
