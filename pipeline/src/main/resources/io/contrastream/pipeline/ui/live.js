'use strict';
// The live page: polls /api/state and draws it with uPlot. Each time uPlot has drawn a chart, a draw hook writes
// data-points (and a few other data-* counts) of the data it drew onto the chart's container, so a test can read
// from the rendered DOM what the charts hold.
(function () {
  const POLL_MS = 1500;
  const HEIGHT = 280;
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf'];
  const NO_LABEL = '#b8bec6';
  const TIME_AXIS = {label: 'window end (event time)'};
  const charts = {};
  let refreshes = 0;

  const el = id => document.getElementById(id);
  const present = values => values.filter(v => v != null).length;
  const fmt = n => Number(n).toLocaleString('en');

  /**
   * Draws into container id, reusing its chart while its structure (key) is unchanged. After every draw, counted(u)
   * gives the data-* attributes to set, e.g. {points: 12}.
   */
  function upsert(id, key, opts, data, counted) {
    const c = charts[id];
    if (c && c.key === key) {
      c.plot.setData(data);
      return;
    }
    if (c) c.plot.destroy();
    const target = el(id);
    target.querySelectorAll('.empty').forEach(e => e.remove());
    opts.width = Math.max(240, target.clientWidth);
    opts.height = HEIGHT;
    opts.legend = Object.assign({live: false}, opts.legend);
    opts.hooks = opts.hooks || {};
    opts.hooks.draw = (opts.hooks.draw || []).concat(u => Object.assign(target.dataset, counted(u)));
    charts[id] = {key, plot: new uPlot(opts, data, target)};
  }

  function empty(id, text) {
    if (charts[id]) return;
    const target = el(id);
    let e = target.querySelector('.empty');
    if (!e) {
      e = document.createElement('div');
      e.className = 'empty';
      target.appendChild(e);
    }
    e.textContent = text;
  }

  function training(w, x) {
    const n = present(w.loss);
    if (!n) return empty('training', 'waiting for the first drift window…');
    upsert('training', 'training', {
      scales: {x: {time: true}, loss: {}, rate: {range: (u, min, max) => [0, Math.max(1, max) * 1.1]}},
      axes: [TIME_AXIS, {scale: 'loss', label: 'InfoNCE loss'},
        {scale: 'rate', side: 1, label: 'learner steps / s', grid: {show: false}}],
      series: [{label: 'window end'},
        {label: 'loss', scale: 'loss', stroke: '#2563eb', width: 2, points: {show: true, size: 5}, spanGaps: true},
        {label: 'learner steps / s', scale: 'rate', stroke: '#f59e0b', width: 2, dash: [6, 4], spanGaps: true}],
    }, [x, w.loss, w.stepRate], u => ({points: present(u.data[1])}));
  }

  function knn(w, x) {
    const n = present(w.knn);
    if (!n) return empty('knn', 'waiting for the kNN monitor (needs labelled samples)…');
    upsert('knn', 'knn', {
      scales: {x: {time: true}, y: {range: [0, 100]}},
      axes: [TIME_AXIS, {label: 'kNN-20 accuracy (%)'}],
      series: [{label: 'window end'},
        {label: 'encoder', stroke: '#16a34a', width: 2, points: {show: true, size: 5}, spanGaps: true},
        {label: 'raw features', stroke: '#6b7280', width: 2, dash: [6, 4], spanGaps: true}],
    }, [x, w.knn, w.knnRaw], u => ({points: present(u.data[1])}));
  }

  function drift(w, x) {
    const p = w.pValue.map(v => v == null ? null : Math.max(v, 1e-4));
    const n = present(p);
    if (!n) return empty('drift', 'waiting for a window to compare with the reference…');
    const alarms = w.alarm.map((a, i) => a ? (p[i] ?? w.alarmLevel[i] ?? 1) : null);
    const bands = w.alarm.map((a, i) => a ? [w.start[i] / 1000, w.end[i] / 1000, w.detectors[i]] : null);
    upsert('drift', 'drift', {
      scales: {x: {time: true}, y: {distr: 3, log: 10, range: (u, min) => [Math.min(min || 1, 0.005) / 2, 1.5]}},
      axes: [TIME_AXIS, {label: 'MMD p-value (log scale)', splits: (u, i, min, max) => decades(min, max),
        values: (u, ticks) => ticks.map(v => v == null ? '' : v >= 0.01 ? String(v) : v.toExponential(0))}],
      series: [{label: 'window end'},
        {label: 'p-value', stroke: '#7c3aed', width: 2, points: {show: true, size: 5}, spanGaps: true},
        {label: 'alarm level α', stroke: '#dc2626', width: 1.5, dash: [5, 4], points: {show: false}},
        {label: 'alarm', stroke: '#b91c1c', fill: '#dc2626', width: 0, paths: () => null,
          points: {show: true, size: 12, width: 2, stroke: '#7f1d1d', fill: '#ef4444'}}],
      hooks: {drawClear: [u => alarmBands(u, charts.drift && charts.drift.bands, false)],
        draw: [u => alarmBands(u, charts.drift && charts.drift.bands, true)]},
    }, [x, p, w.alarmLevel, alarms], u => ({points: present(u.data[1]), alarms: present(u.data[3])}));
    charts.drift.bands = bands;
    charts.drift.plot.redraw(false, false);
  }

  /** Powers of ten from min to max: a log axis with a line per decade stays readable. */
  function decades(min, max) {
    const out = [];
    for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(Math.pow(10, e));
    return out;
  }

  /**
   * Shades each alarmed window red beneath the series, and on top names the detectors of an alarm where the
   * previous label leaves room (alarms can fire every other window, and overlapping labels read as noise).
   */
  function alarmBands(u, bands, labels) {
    if (!bands) return;
    const ctx = u.ctx;
    const {top, height} = u.bbox;
    const dpr = window.devicePixelRatio || 1;
    let free = -Infinity;
    ctx.save();
    ctx.font = `bold ${11 * dpr}px system-ui, "DejaVu Sans", sans-serif`;
    ctx.textAlign = 'left';   // uPlot leaves the context as its last axis drew it
    ctx.textBaseline = 'alphabetic';
    bands.forEach(b => {
      if (!b) return;
      const x0 = u.valToPos(b[0], 'x', true);
      const x1 = Math.max(u.valToPos(b[1], 'x', true), x0 + 3 * dpr);
      if (!labels) {
        ctx.fillStyle = 'rgba(239, 68, 68, 0.18)';
        ctx.fillRect(x0, top, x1 - x0, height);
      } else {
        const text = 'ALARM' + (b[2] ? ': ' + b[2] : '');
        const w = ctx.measureText(text).width;
        const x = Math.min(x0 + 3 * dpr, u.bbox.left + u.bbox.width - w - 2 * dpr);
        if (x < free) return;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(x - 2 * dpr, top + 2 * dpr, w + 4 * dpr, 15 * dpr);
        ctx.fillStyle = '#b91c1c';
        ctx.fillText(text, x, top + 14 * dpr);
        free = x + w + 8 * dpr;
      }
    });
    ctx.restore();
  }

  function representation(r) {
    const n = present(r.cosineMovement);
    if (!n) return empty('representation', 'waiting for a second encoder version…');
    upsert('representation', 'representation', {
      scales: {x: {time: false}, cos: {range: (u, min, max) => [0, Math.max(max || 0, 0.01) * 1.15]}, overlap: {range: [0, 1]}},
      axes: [{label: 'encoder version', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500], values: (u, ticks) => ticks.map(v => 'v' + v)},
        {scale: 'cos', label: 'movement (1 − cosine)'},
        {scale: 'overlap', side: 1, label: '10-NN overlap', grid: {show: false}}],
      series: [{label: 'version'},
        {label: 'movement (1 − cos)', scale: 'cos', stroke: '#db2777', width: 2, points: {show: true, size: 6}, spanGaps: true},
        {label: '10-NN overlap', scale: 'overlap', stroke: '#0891b2', width: 2, points: {show: true, size: 6}, spanGaps: true}],
    }, [r.version, r.cosineMovement, r.knnOverlap], u => ({points: present(u.data[1])}));
  }

  function deadLetters(d) {
    const reasons = Object.keys(d);
    const counts = reasons.map(k => d[k]);
    if (!reasons.length) return empty('deadletters', 'no dead letters yet');
    const x = reasons.map((_, i) => i);
    upsert('deadletters', 'dl:' + reasons.join(','), {
      scales: {x: {time: false, range: [-0.5, reasons.length - 0.5]}, y: {range: (u, min, max) => [0, Math.max(1, max) * 1.2]}},
      axes: [{label: 'reason', splits: () => x, values: () => reasons.map(k => k.toLowerCase().replace(/_/g, '\n')),
        grid: {show: false}, font: '11px system-ui, "DejaVu Sans", sans-serif'},
        {label: 'dead letters'}],
      series: [{label: 'reason'},
        {label: 'dead letters', stroke: '#c2410c', fill: 'rgba(249, 115, 22, 0.75)', width: 1,
          paths: uPlot.paths.bars({size: [0.6, 90]}), points: {show: false}}],
      hooks: {draw: [u => barCounts(u)]},
    }, [x, counts], u => ({points: present(u.data[1]), total: u.data[1].reduce((a, b) => a + b, 0)}));
  }

  function barCounts(u) {
    const ctx = u.ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.save();
    ctx.fillStyle = '#1f2933';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    u.data[0].forEach((xv, i) => {
      const v = u.data[1][i];
      ctx.fillText(fmt(v), u.valToPos(xv, 'x', true), u.valToPos(v, 'y', true) - 4 * dpr);
    });
    ctx.restore();
  }

  function map(m) {
    if (!m.points) return empty('map', 'waiting for embeddings…');
    // Up to ten labels get their own colour; the rest share one series, unlabelled points another.
    const own = m.labels.slice(0, PALETTE.length);
    const groupOf = l => l < 0 ? 'none' : own.includes(l) ? String(l) : 'other';
    const groups = own.map((l, i) => ({key: String(l), name: 'label ' + l, color: PALETTE[i]}));
    if (m.label.some(l => l >= 0 && !own.includes(l))) groups.push({key: 'other', name: 'other labels', color: '#52606d'});
    if (m.label.some(l => l < 0)) groups.push({key: 'none', name: 'no label', color: NO_LABEL});
    // uPlot wants ascending x: sort the points by PC1 and give each group its own y column (null elsewhere).
    const order = m.x.map((_, i) => i).sort((a, b) => m.x[a] - m.x[b]);
    const data = [order.map(i => m.x[i])];
    groups.forEach(g => data.push(order.map(i => groupOf(m.label[i]) === g.key ? m.y[i] : null)));
    upsert('map', 'map:' + groups.map(g => g.key).join(','), {
      scales: {x: {time: false}, y: {}},
      axes: [{label: 'PC1'}, {label: 'PC2'}],
      cursor: {drag: {x: false, y: false}},
      series: [{label: 'PC1'}].concat(groups.map(g => ({label: g.name, stroke: g.color, fill: g.color, width: 0, paths: () => null,
        points: {show: true, size: 4, width: 0, stroke: g.color, fill: g.color}}))),
    }, data, u => ({
      points: u.data.slice(1).reduce((a, ys) => a + present(ys), 0),
      labels: u.series.filter((s, i) => i > 0 && s.label.startsWith('label ') && present(u.data[i]) > 0).length,
    }));
    const pct = v => v == null ? '?' : (100 * v).toFixed(0) + '%';
    el('map-title').textContent = `Embedding map (PCA) · encoder v${m.version} · ${fmt(m.points)} newest embeddings`;
    el('map-sub').textContent = `Computed in the CLI process; the two components explain ${pct(m.explained[0])} and `
      + `${pct(m.explained[1])} of the variance. Colour: the sample's label on the samples topic.`;
  }

  function status(s) {
    const c = s.counts;
    const ago = s.lastRecord > 0 ? Math.max(0, Math.round((s.now - s.lastRecord) / 1000)) + ' s ago' : 'none yet';
    el('status').textContent = `${fmt(c.windows)} drift windows · ${fmt(c.embeddings)} embeddings · `
      + `${fmt(c.deadLetters)} dead letters · ${fmt(c.labelled)} labels known · last record ${ago}`;
    el('status').classList.remove('stale');
  }

  async function refresh() {
    try {
      const response = await fetch('/api/state', {cache: 'no-store'});
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const s = await response.json();
      const x = s.windows.end.map(t => t / 1000);
      status(s);
      training(s.windows, x);
      knn(s.windows, x);
      drift(s.windows, x);
      representation(s.representation);
      deadLetters(s.deadLetters);
      map(s.map);
      document.body.dataset.refreshes = ++refreshes;
    } catch (e) {
      el('status').textContent = 'cannot reach the page server (' + e.message + '): has the CLI exited?';
      el('status').classList.add('stale');
    } finally {
      setTimeout(refresh, POLL_MS);
    }
  }

  window.addEventListener('resize', () => Object.keys(charts).forEach(id =>
    charts[id].plot.setSize({width: Math.max(240, el(id).clientWidth), height: HEIGHT})));
  refresh();
})();
