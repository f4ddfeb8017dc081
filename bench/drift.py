"""Runs DriftBench, writes bench/results/drift.json and the drift table in BENCHMARKS.md."""
import datetime, json, os, sys

from benchlib import ROOT, java_json, replace_block, steps


def run():
    return java_json("io.contrastream.tools.bench.DriftBench", [])


def write_markdown(r):
    def delay(s, prefix=""):
        return f"{s[prefix + 'delay_samples']:,}" if s[prefix + "detected"] else "missed"
    rows = [f"| {s['name']} | {delay(s)} | {s['false_alarms']} | {delay(s, 'adwin_loss_')} | {delay(s, 'mmd_raw_pixels_')} | {', '.join(s['detectors'][:3])} |"
            for s in r["scenarios"] if s["shifted"]]
    base = r["baselines"]
    text = f"""<!-- drift:begin (written by bench/drift) -->
{r['date']}, command `{r['command']}`. Fashion-MNIST training images after the first {r['pretrain_samples']:,} (on which the
CNN learner pre-trains, one pass); each stream {r['windows_per_stream']} windows of {r['window_size']:,}, the learner
training on it as the job does, shift from sample {r['shift_at_sample']:,} (a window boundary), reference = window 0.
Delay = samples from the shift to the end of the window that raised the alarm (one window = {r['window_size']:,}).

| scenario | delay (ours: MMD on embeddings + Page-Hinkley) | false alarms before the shift | ADWIN on the loss alone | same MMD test on raw pixels | first alarms (window:detectors) |
|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

Stationary streams: {r['stationary_windows']} windows; false alarms per 100 windows: ours {r['false_alarms_per_100_windows']:.2f},
ADWIN on the loss alone {base['adwin_loss']['false_alarms_per_100_windows']:.2f}, MMD on raw pixels
{base['mmd_raw_pixels']['false_alarms_per_100_windows']:.2f}. Drift analysis {r['drift_ms_per_window']:.0f} ms per window
against {r['pipeline_ms_per_window']:.0f} ms of the rest of the pipeline's compute per window (learner steps and embedding
every sample): {100 * r['drift_cost_fraction']:.1f} % of the compute.
<!-- drift:end -->"""
    replace_block("drift", text, "## Drift detection (issue 6): `bench/drift`")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--markdown-only":
        write_markdown(json.load(open(os.path.join(ROOT, "bench/results/drift.json"))))
        sys.exit(0)
    steps.plan(1)
    r = run()
    r.update(date=datetime.date.today().isoformat(), command="bench/drift")
    json.dump(r, open(os.path.join(ROOT, "bench/results/drift.json"), "w"), indent=2)
    write_markdown(r)
    print(json.dumps(r, indent=2))
