"""Runs `contrastream bench-feed` with the default compatibility mechanism and without it, and records the results
(see bench/feed)."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, cli_json, replace_block, steps  # noqa: E402

LIMIT = os.environ.get("BENCH_LIMIT", "30000")
LATENCY_SECONDS = os.environ.get("BENCH_LATENCY_SECONDS", "90")


def run(extra, latency):
    return cli_json(["bench-feed", "--limit", LIMIT, "--latency-seconds", LATENCY_SECONDS if latency else "0", *extra],
                    " ".join(["bench-feed", *extra]))


def compatibility(score):
    return [{k: v[k] for k in ("version", "served", "knn20_own", "knn20_newest_queries")} for v in score["compatibility"]]


def main():
    steps.plan(2)
    on = run([], latency=True)
    off = run(["--feed-compatibility", "none"], latency=False)
    s, b = on["score"], off["score"]
    result = {
        "date": datetime.date.today().isoformat(),
        "command": "bench/feed" + (f" (BENCH_LIMIT={LIMIT})" if LIMIT != "30000" else ""),
        "samples": on["samples"],
        "mechanism": on["mechanism"],
        "knn20_consistent_bank": s["knn20_consistent_bank"],
        "knn20_feed_as_delivered": s["knn20_feed_as_delivered"],
        "knn20_newest_own_version": s["knn20_newest_own_version"],
        "compatibility": compatibility(s),
        "versions_in_feed": s["versions_in_feed"],
        "latency_p50_ms": on["latency"]["p50_ms"] if on["latency"] else None,
        "latency_p99_ms": on["latency"]["p99_ms"] if on["latency"] else None,
        "latency": on["latency"],
        "checkpoint_interval_ms": on["checkpoint_interval_ms"],
        "baseline": {
            "mechanism": off["mechanism"],
            "knn20_consistent_bank": b["knn20_consistent_bank"],
            "knn20_feed_as_delivered": b["knn20_feed_as_delivered"],
            "knn20_newest_own_version": b["knn20_newest_own_version"],
            "compatibility": compatibility(b),
            "versions_in_feed": b["versions_in_feed"],
        },
    }
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench/results/feed.json"), "w") as f:
        json.dump(result, f, indent=2)
    write_markdown(result)
    print(json.dumps(result))


def write_markdown(r):
    b = r["baseline"]
    base = {v["version"]: v for v in b["compatibility"]}
    lines = ["<!-- feed:begin (written by bench/feed) -->",
             f"{r['date']}, command `{r['command']}`: the first {r['samples']:,} Fashion-MNIST training images produced "
             "into a topic, the job run over them with its defaults (`run --bounded`, CNN), the embeddings topic read "
             "back as delivered (`read_committed`); kNN-20 (cosine, votes exp(cos/0.07)) of the 10,000 test images "
             "embedded by the newest served version. Mechanism `" + r["mechanism"] + "` against `none` (every version "
             "served as it is).", "",
             "| bank | " + r["mechanism"] + " | none |", "|---|---|---|",
             f"| re-embedded by the newest version | {r['knn20_consistent_bank']:.2f} | {b['knn20_consistent_bank']:.2f} |",
             f"| the embeddings topic as delivered ({r['versions_in_feed']} / {b['versions_in_feed']} versions) | "
             f"{r['knn20_feed_as_delivered']:.2f} | {b['knn20_feed_as_delivered']:.2f} |", "",
             "Each served version's own bank, queried by its own encoder and by the newest (BCT's criterion: the "
             "second must not be lower):", "",
             "| version | samples served | own | newest queries | none: own | none: newest queries |",
             "|---|---|---|---|---|---|"]
    for v in r["compatibility"]:
        o = base.get(v["version"])
        lines.append(f"| {v['version']} | {v['served']:,} | {v['knn20_own']:.2f} | {v['knn20_newest_queries']:.2f} | "
                     + (f"{o['knn20_own']:.2f} | {o['knn20_newest_queries']:.2f} |" if o else "- | - |"))
    if r["latency"]:
        l = r["latency"]
        lines += ["", f"Latency from produce to visible for a `read_committed` consumer at the defaults "
                      f"(checkpoint every {r['checkpoint_interval_ms']} ms), {l['rate']} samples/s, {l['samples']:,} samples "
                      f"after warm-up: p50 {l['p50_ms']} ms, p99 {l['p99_ms']} ms, max {l['max_ms']} ms."]
    lines.append("<!-- feed:end -->")
    replace_block("feed", "\n".join(lines), "## The feed: comparable vectors while the encoder learns")


if __name__ == "__main__":
    main()
