"""Runs StreamStudy once per method, writes bench/results/methods.json and the methods table in BENCHMARKS.md."""
import datetime, json, os, sys

from benchlib import ROOT, java_json, replace_block

METHODS = [("moco", {}), ("simclr", {}), ("nnclr", {}), ("byol", {}), ("simsiam", {}),
           ("moco, debiased τ⁺ 0.1, hardness β 1", {"prior": "0.1", "hardness": "1"})]


def study(args):
    return java_json("io.contrastream.model.bench.StreamStudy", args)


def write_markdown(rows, date):
    lines = ["<!-- methods:begin (written by bench/methods) -->",
             f"{date}, command `bench/methods`: each method trained by the learner alone (StreamStudy, as the job trains "
             "it), CNN, one pass over the 60,000 training images in file order, batch 256, replay off, same seed; "
             "% on the 10,000 test images; samples/s of training on 2 cores.", "",
             "| method | kNN-200 | kNN-20 | linear probe | samples/s | collapse std (test embeddings) |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['method']} | {r['knn200']:.2f} | {r['knn20']:.2f} | {r['linear_probe']:.2f} | "
                     f"{r['samples_per_s']:.0f} | {r['collapse_std']:.4f} |")
    lines.append("<!-- methods:end -->")
    replace_block("methods", "\n".join(lines), "## The family of methods (issue 8): `bench/methods`")


def main():
    rows = []
    for name, extra in METHODS:
        method = name.split(",")[0]
        r = study({"method": method, "probe": "true", **extra})
        row = {"method": name, "knn200": r["knn200"], "knn20": r["knn20"], "linear_probe": float(r["linear_probe"]),
               "samples_per_s": r["samples"] / r["train_seconds"], "collapse_std": r["collapse_std"], "steps": r["steps"],
               "train_seconds": r["train_seconds"], "args": r["args"]}
        print(json.dumps(row), flush=True)
        rows.append(row)
    date = datetime.date.today().isoformat()
    json.dump(rows, open(os.path.join(ROOT, "bench/results/methods.json"), "w"), indent=2)
    write_markdown(rows, date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
