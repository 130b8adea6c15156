// The load over each day as inline SVG: tours on the road and drivers on duty (blocks, gaps
// included) in 15-minute steps, one small chart per day on a shared scale, plus the worst
// "rest bottleneck" between two consecutive days (domain.md §10 rest-concurrency): tours of day d
// still running at x and tours of day d+1 running together before x + min_rest can never share
// a driver — that is the Friday-evening / Saturday-morning pinch.
import { t } from './i18n.js';
import { DAYS, clear, dayName, dayShort, el, hhmm, num, weekInterval } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const WEEK = 8 * 1440;  // Sunday tours may run into the next Monday
const STEP = 15;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children) if (c) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// Running count per week minute of half-open intervals.
function running(intervals) {
  const diff = new Int32Array(WEEK + 1);
  for (const [s, e] of intervals) {
    diff[Math.max(0, s)] += 1;
    diff[Math.min(WEEK, e)] -= 1;
  }
  const out = new Int32Array(WEEK);
  let c = 0;
  for (let m = 0; m < WEEK; m += 1) { c += diff[m]; out[m] = c; }
  return out;
}

// Tours (by start day) and blocks of a plan as week-linear intervals.
export function planIntervals(plan) {
  const tours = [];
  const blocks = [];
  for (const d of plan.drivers || []) {
    for (const b of d.blocks || []) {
      const bi = weekInterval(b.day, b.start, b.end);
      if (bi) blocks.push(bi);
      for (const tour of b.tours || []) {
        const ti = weekInterval(b.day, tour.start_time, tour.end_time);
        if (ti) tours.push({ day: Math.floor(ti[0] / 1440), interval: ti });
      }
    }
  }
  return { tours, blocks };
}

// The worst pair of consecutive days: max over x of A_d(x) + max_{y <= x+rest} A_{d+1}(y).
export function restBottleneck(tours, restMinutes) {
  const perDay = DAYS.map((_, d) => running(tours.filter((x) => x.day === d).map((x) => x.interval)));
  let best = null;
  for (let d = 0; d + 1 < 7; d += 1) {
    const a = perDay[d];
    const b = perDay[d + 1];
    // prefix maximum of B with the latest minute reaching it
    const pre = new Int32Array(WEEK);
    const at = new Int32Array(WEEK);
    let mx = 0;
    let where = 0;
    for (let m = 0; m < WEEK; m += 1) {
      if (b[m] >= mx && b[m] > 0) { mx = b[m]; where = m; }
      pre[m] = mx;
      at[m] = where;
    }
    for (let x = 0; x < WEEK; x += 1) {
      if (!a[x]) continue;
      const y = Math.min(WEEK - 1, x + restMinutes);
      if (!pre[y]) continue;
      const sum = a[x] + pre[y];
      if (!best || sum > best.sum) best = { day: d, x, y: at[y], a: a[x], b: pre[y], sum };
    }
  }
  return best;
}

function niceMax(v) {
  if (v <= 5) return 5;
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v) return m * pow;
  return v;
}

// The minutes of the day [from, to) that any day uses, widened to whole 3-hour marks.
function activeRange(tourRun, blockRun) {
  let first = 1440; let last = 0;
  for (let m = 0; m < 7 * 1440 + 1440; m += 1) {
    if (!tourRun[m] && !blockRun[m]) continue;
    const mod = m % 1440;
    first = Math.min(first, mod);
    last = Math.max(last, mod + 1);
  }
  if (first >= last) return [0, 1440];
  return [Math.floor(first / 180) * 180, Math.min(1440, Math.ceil(last / 180) * 180)];
}

function dayChart(d, tourRun, blockRun, yMax, toursOfDay, marks, [from, to]) {
  const W = 760; const H = 104; const L = 38; const R = 22; const T = 8; const B = 18;
  const pw = W - L - R; const ph = H - T - B;
  const X = (minuteOfDay) => L + ((minuteOfDay - from) / (to - from)) * pw;
  const Y = (v) => T + ph - (v / yMax) * ph;
  const base = d * 1440;
  const slotsT = []; const slotsB = [];
  let peak = 0; let peakAt = 0;
  for (let k = 0; k < 1440 / STEP; k += 1) {
    let mt = 0; let mb = 0;
    for (let m = base + k * STEP; m < base + (k + 1) * STEP; m += 1) {
      if (tourRun[m] > mt) mt = tourRun[m];
      if (blockRun[m] > mb) mb = blockRun[m];
    }
    slotsT.push(mt); slotsB.push(mb);
    if (mt > peak) { peak = mt; peakAt = k * STEP; }
  }
  const k0 = Math.floor(from / STEP); const k1 = Math.ceil(to / STEP);
  const step = (slots) => {
    let p = `M${X(from)},${Y(0)}`;
    for (let k = k0; k < k1; k += 1) p += ` L${X(k * STEP)},${Y(slots[k])} L${X((k + 1) * STEP)},${Y(slots[k])}`;
    return `${p} L${X(to)},${Y(0)} Z`;
  };
  const line = (slots) => {
    let p = '';
    for (let k = k0; k < k1; k += 1) p += `${k > k0 ? ' L' : 'M'}${X(k * STEP)},${Y(slots[k])} L${X((k + 1) * STEP)},${Y(slots[k])}`;
    return p;
  };
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'day-chart', role: 'img', 'data-day': DAYS[d],
    'aria-label': t('chart.peak', { day: dayName(DAYS[d]), tours: toursOfDay, peak, time: hhmm(peakAt) }),
  });
  const grid = svg('g', { class: 'grid' });
  for (let h = from / 60; h <= to / 60; h += 3) {
    grid.append(svg('line', { x1: X(h * 60), x2: X(h * 60), y1: T, y2: T + ph }));
    grid.append(svg('text', { x: X(h * 60), y: H - 4, 'text-anchor': 'middle' }, `${String(h).padStart(2, '0')}:00`));
  }
  for (const v of [0, yMax / 2, yMax]) {
    grid.append(svg('line', { x1: L, x2: L + pw, y1: Y(v), y2: Y(v), class: 'h' }));
    grid.append(svg('text', { x: L - 4, y: Y(v) + 4, 'text-anchor': 'end' }, num(v)));
  }
  root.append(grid);
  root.append(svg('path', { d: step(slotsT), class: 'tours-area' }));
  root.append(svg('path', { d: line(slotsB), class: 'blocks-line' }));
  for (const mk of marks) {
    root.append(svg('line', { x1: X(mk.minute), x2: X(mk.minute), y1: T, y2: T + ph, class: 'pinch-mark' }));
    root.append(svg('text', { x: Math.min(X(mk.minute) + 4, W - 120), y: T + 12, class: 'pinch-label' }, mk.label));
  }
  root.append(svg('text', { x: L + 4, y: T + 12, class: 'day-label' }, dayShort(DAYS[d])));
  return { node: root, peak, peakAt };
}

// Renders the charts of a plan into `container`; restMinutes from the run's policy.
export function renderDemand(container, plan, restMinutes = 660) {
  clear(container);
  const { tours, blocks } = planIntervals(plan);
  if (!tours.length) return;
  const tourRun = running(tours.map((x) => x.interval));
  const blockRun = running(blocks);
  let yMax = 1;
  for (let m = 0; m < WEEK; m += 1) yMax = Math.max(yMax, tourRun[m], blockRun[m]);
  yMax = niceMax(yMax);
  const bottleneck = restBottleneck(tours, restMinutes);
  const marks = DAYS.map(() => []);
  if (bottleneck) {
    const dx = Math.floor(bottleneck.x / 1440);
    const dy = Math.floor(bottleneck.y / 1440);
    if (dx < 7) marks[dx].push({ minute: bottleneck.x % 1440, label: `${bottleneck.a} @ ${hhmm(bottleneck.x)}` });
    if (dy < 7) marks[dy].push({ minute: bottleneck.y % 1440, label: `${bottleneck.b} ≤ ${hhmm(bottleneck.y)}` });
    const hours = restMinutes % 60 ? `${num(restMinutes / 60, 1)} h` : `${restMinutes / 60} h`;
    container.append(el('p', { class: 'pinch', id: 'chart-bottleneck' }, t('chart.bottleneck', {
      from: dayShort(DAYS[bottleneck.day]), to: dayShort(DAYS[bottleneck.day + 1]),
      a: bottleneck.a, x: hhmm(bottleneck.x), b: bottleneck.b, y: hhmm(bottleneck.y), rest: hours, sum: bottleneck.sum,
    })));
  }
  container.append(el('p', { class: 'legend' },
    el('span', { class: 'swatch tours' }), ` ${t('chart.tours')}  `,
    el('span', { class: 'swatch blocks' }), ` ${t('chart.blocks')}  `,
    el('small', { class: 'muted' }, t('chart.hint'))));
  const toursByDay = DAYS.map((_, d) => tours.filter((x) => x.day === d).length);
  const range = activeRange(tourRun, blockRun);
  for (let d = 0; d < 7; d += 1) {
    let any = false;
    for (let m = d * 1440; m < (d + 1) * 1440 && !any; m += 1) any = tourRun[m] > 0 || blockRun[m] > 0;
    if (!any && !toursByDay[d]) continue;
    const chart = dayChart(d, tourRun, blockRun, yMax, toursByDay[d], marks[d], range);
    container.append(el('figure', { class: 'day-figure' },
      el('figcaption', {}, t('chart.peak', { day: dayName(DAYS[d]), tours: toursByDay[d], peak: chart.peak, time: hhmm(chart.peakAt) })),
      chart.node));
  }
}
