"""One-knob-at-a-time sensitivity of the learner on Fashion-MNIST (see bench/sensitivity)."""
import datetime
import json
import os
import sys

from benchlib import ROOT, java_json, replace_block, steps

BASE = {"batch": "256", "queue": "4096", "tau": "0.2", "m": "0.99", "strength": "1.0", "replay": "0"}
VARIANTS = [{}, {"batch": "128"}, {"batch": "512"}, {"queue": "1024"}, {"queue": "16384"}, {"tau": "0.1"},
            {"tau": "0.5"}, {"m": "0.9"}, {"m": "0.999"}, {"strength": "0.5"}, {"strength": "1.5"},
            {"replay": "2"}, {"replay": "4"}]


def study(args):
    return java_json("io.contrastream.tools.bench.StreamStudy", args)


def main():
    only = sys.argv[1:]   # e.g. "replay=4" runs that variant alone
    variants = [dict(kv.split("=", 1) for kv in only)] if only else VARIANTS
    rows = []
    steps.plan(len(variants))
    for v in variants:
        r = study({**BASE, **v})
        r["changed"] = v or {"(baseline)": ""}
        print(json.dumps(r), flush=True)
        rows.append(r)
    if only:
        return 0
    result = {"date": datetime.date.today().isoformat(), "command": "bench/sensitivity", "base": BASE, "runs": rows}
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    json.dump(result, open(os.path.join(ROOT, "bench/results/fashion-mnist-sensitivity.json"), "w"), indent=2)
    lines = ["<!-- sensitivity:begin (written by bench/sensitivity) -->",
             f"{result['date']}, command `bench/sensitivity`: the learner alone (StreamStudy: no broker, no Flink, the "
             "same augmentation seeding and OnlineTrainer as the job), CNN, one pass over the 60,000 training images "
             f"in file order, one knob changed at a time from batch {BASE['batch']}, K {BASE['queue']}, τ {BASE['tau']}, "
             f"m {BASE['m']}, augmentation strength {BASE['strength']}, replay {BASE['replay']}; % on the 10,000 test images.", "",
             "| changed | kNN-200 | kNN-20 | learner steps | train seconds |", "|---|---|---|---|---|"]
    for r in rows:
        name = ", ".join(f"{k} {v}" for k, v in r["changed"].items()).strip()
        lines.append(f"| {name} | {r['knn200']:.2f} | {r['knn20']:.2f} | {r['steps']} | {r['train_seconds']:.0f} |")
    lines.append("<!-- sensitivity:end -->")
    replace_block("sensitivity", "\n".join(lines), "### Sensitivity to the learner's knobs (issue 3): `bench/sensitivity`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
