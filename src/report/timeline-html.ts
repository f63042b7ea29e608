import { escapeHtml } from './escape-html.js';
import type { ScenarioReport } from './json-report.js';
import { firstViews, majorityEndWords, majorityPeriods, memberLanes, perColumn, unreachablePairs, type LaneState, type Segment } from './timeline-data.js';
import { TIMELINE_CSS, TIMELINE_SCRIPT } from './timeline-page.js';
import { FALSE_EXPEL_WHY } from './summary-text.js';
import { axisPieces, axisX, isBreak, BREAK_W } from './timeline-axis.js';

/** Options of renderTimelineHtml. */
export interface TimelineOptions {
  /**
   * The command that replays the run, shown in the header.
   * @defaultValue `grsim run <scenario>.yaml --seed <seed>`
   */
  readonly replayCommand?: string;
}

/** Colours chosen from the Okabe–Ito palette, so no two meanings rely on telling red from green. */
export const TIMELINE_COLOURS = {
  ONLINE: '#0072B2',
  RECOVERING: '#F0E442',
  ERROR: '#D55E00',
  OFFLINE: '#B8B8B8',
  UNREACHABLE: '#E69F00',
  PRIMARY: '#1A1A1A',
  superReadOnly: '#CC79A7',
  offlineMode: '#7B3294',
  fault: '#4D4D4D',
  suspicion: '#E69F00',
  rejoin: '#009E73',
  System: '#0072B2',
  Warning: '#E69F00',
  logError: '#D55E00',
} as const;

/** Line colours of members in the cache and throughput charts, in member order. */
const MEMBER_LINE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7B3294', '#1A1A1A', '#999999'];

const LABEL_W = 170;
const PLOT_W = 1080;
const WIDTH = LABEL_W + PLOT_W + 30;
const STATES_ORDER = ['ONLINE', 'RECOVERING', 'ERROR', 'OFFLINE', 'UNREACHABLE'] as const;
const ROLES_ORDER = ['PRIMARY', 'SECONDARY', ''] as const;
const LEVELS_ORDER = ['System', 'ERROR', 'Warning'] as const;


/** JSON safe inside a `<script type="application/json">` element: no `<`, `>`, `&` or line separators survive literally. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A coordinate to 0.1 px: short, and the same on every machine. */
function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Seconds for a label: microsecond precision trimmed (`15.929548 s`, `280 s`). */
function secs(t: number): string {
  return `${Math.round(t * 1e6) / 1e6} s`;
}

/** Wall-clock HH:MM:SS of `t` seconds after the start (UTC). */
function clock(startMs: number, t: number): string {
  return new Date(startMs + Math.floor(t * 1000)).toISOString().slice(11, 19);
}

/** The smallest round tick step (s) that leaves at least `minPx` between ticks at `pxPerS`. */
function tickStep(pxPerS: number, minPx: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  for (const s of steps) if (s * pxPerS >= minPx) return s;
  return 86400 * Math.ceil(minPx / pxPerS / 86400);
}

/**
 * Where the cursor starts: a second after the observers of the first fault have all noticed it
 * (their UNREACHABLE rows are the story), or the middle of the first fault, or the start.
 */
function initialCursor(report: ScenarioReport): number {
  const first = report.faults[0];
  if (first === undefined) return 0;
  const seen = report.metrics.detection.samples.filter((d) => d.fault === first.start).map((d) => d.unreachable);
  const t = seen.length > 0 ? Math.max(...seen) + 1 : (first.start + (first.end ?? report.end)) / 2;
  return Math.round(Math.min(t, report.end) * 1e6) / 1e6;
}

/** A duration in words for a quiet stretch (`4 min 8 s`, `2 h 5 min`). */
function span(s: number): string {
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  if (r < 3600) return `${Math.floor(r / 60)} min${r % 60 === 0 ? '' : ` ${r % 60} s`}`;
  return `${Math.floor(r / 3600)} h${Math.floor((r % 3600) / 60) === 0 ? '' : ` ${Math.floor((r % 3600) / 60)} min`}`;
}

/**
 * A chart's tick value to three significant digits of its top tick `max`, trailing zeros dropped:
 * the half tick of a top of 1 reads 0.5 (not 1), one of 0.8333 reads 0.417, and one of 1,200 reads 600.
 */
export function tickNumber(v: number, max: number): string {
  const decimals = max > 0 ? Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(max)))) : 0;
  return String(Number(v.toFixed(decimals)));
}

/** A byte tick in the binary unit of the top tick `max`, so every tick of a chart shares one unit: "72.1 MiB". */
export function bytesTick(b: number, max: number): string {
  if (b === 0) return '0 B';
  const [unit, size] = max >= 1_073_741_824 ? ['GiB', 1_073_741_824] : max >= 1_048_576 ? ['MiB', 1_048_576] : max >= 1024 ? ['KiB', 1024] : ['B', 1];
  return `${tickNumber(b / size, max / size)} ${unit}`;
}

/** Assigns overlapping intervals to lanes (first free lane), returning each one's lane. */
function lanes(items: readonly { readonly start: number; readonly end: number }[]): number[] {
  const laneEnds: number[] = [];
  return items.map((it) => {
    let k = laneEnds.findIndex((e) => e <= it.start);
    if (k < 0) { k = laneEnds.length; laneEnds.push(it.end); } else laneEnds[k] = it.end;
    return k;
  });
}

/**
 * The run as one self-contained HTML page: the report's data embedded as JSON, the picture as
 * plain SVG, and a small inline script for the time cursor and the error-log lines. No network
 * access and no external fonts; the same report gives the same bytes (nothing reads a clock).
 * Every string from the scenario is escaped.
 */
export function renderTimelineHtml(report: ScenarioReport, options: TimelineOptions = {}): string {
  const end = report.end > 0 ? report.end : 1;
  const startMs = Date.parse(report.start);
  const pieces = axisPieces(report, LABEL_W, PLOT_W);
  const x = (t: number): number => axisX(pieces, Math.min(Math.max(t, 0), end));
  const w = (a: number, b: number): number => Math.max(0.5, x(b) - x(a));
  const names = report.members.map((m) => m.name);
  const memberIdx = new Map(names.map((n, i) => [n, i]));
  const replay = options.replayCommand ?? `grsim run ${report.scenario}.yaml --seed ${report.seed}`;
  const e = escapeHtml;
  const svg: string[] = [];
  let y = 0;
  const segTitle = (label: string, s: Segment<unknown>): string => `${label}: ${secs(s.start)} → ${secs(s.end)} (${clock(startMs, s.start)}–${clock(startMs, s.end)})`;

  // Time axis.
  y = 28;
  const axisY = y;
  svg.push(`<g class="axis">`);
  let lastLabelX = -Infinity;
  pieces.forEach(([t0, t1, x0, x1], k) => {
    if (isBreak(pieces, k)) {
      const mid = (x0 + x1) / 2;
      svg.push(`<g class="axis-break"><title>${e(`${span(t1 - t0)} in which nothing happens (${secs(t0)} → ${secs(t1)}), drawn ${BREAK_W} px wide`)}</title>` +
        `<rect x="${px(x0)}" y="${axisY - 4}" width="${px(x1 - x0)}" height="100%" class="break-band"/>` +
        `<path d="M${px(x0 + 2)} ${axisY}l5 -6l5 6l5 -6l5 6l5 -6l5 6l5 -6" class="zigzag"/>` +
        `<text x="${px(mid)}" y="${axisY - 9}" text-anchor="middle" class="muted">≈${e(span(t1 - t0))}</text></g>`);
      lastLabelX = x1 - 40;
      return;
    }
    const step = tickStep((x1 - x0) / Math.max(t1 - t0, 1e-9), 78);
    for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
      const tx = x(t);
      svg.push(`<line x1="${px(tx)}" y1="${axisY - 6}" x2="${px(tx)}" y2="${axisY}" class="tickmark"/>`);
      if (tx - lastLabelX >= 70) { svg.push(`<text x="${px(tx)}" y="${axisY - 9}" text-anchor="middle">${clock(startMs, t)}</text>`); lastLabelX = tx + 30; }
    }
  });
  svg.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${LABEL_W + PLOT_W}" y2="${axisY}" class="tickmark"/>`);
  svg.push(`<text x="8" y="${axisY - 9}" class="muted">time (UTC)</text>`);
  svg.push(`</g>`);
  y += 8;

  // Global band: view changes, faults, majority loss.
  const views = firstViews(report);
  const viewLabelY = y + 12;
  svg.push(`<text x="${LABEL_W - 8}" y="${viewLabelY}" text-anchor="end" class="rowlabel">view changes</text>`);
  const viewLabelAt: number[] = [];
  for (const v of views) {
    // Labels that would overlap the previous one step down a row.
    let row = 0;
    while (viewLabelAt[row] !== undefined && x(v.t) - viewLabelAt[row]! < 34) row++;
    // Dense runs: a view whose label finds no room in three rows keeps only its line.
    if (row >= 3) continue;
    viewLabelAt[row] = x(v.t);
    const short = v.viewId.slice(v.viewId.lastIndexOf(':'));
    svg.push(`<text class="view-label" x="${px(x(v.t) + 2)}" y="${viewLabelY + row * 11}"><title>${e(`view ${v.viewId} at ${secs(v.t)} (first installed by ${v.by}): ${v.members.join(', ')}`)}</title>${e(short)}</text>`);
  }
  y += 12 + 11 * Math.max(1, Math.min(viewLabelAt.length, 3)) + 2;
  const bandTop = y;

  const faultLane = lanes(report.faults.map((f) => ({ start: f.start, end: f.end ?? end })));
  const faultRows = Math.max(1, ...faultLane.map((l) => l + 1));
  svg.push(`<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end" class="rowlabel">faults</text>`);
  report.faults.forEach((f, k) => {
    const fy = y + faultLane[k]! * 20;
    const fe = f.end ?? end;
    const label = `${f.kind}: ${f.detail}`;
    const bw = w(f.start, fe);
    svg.push(`<g class="fault" data-kind="${e(f.kind)}"><title>${e(`${label}, ${secs(f.start)} → ${f.end === null ? 'end of run (still in force)' : secs(f.end)}; touches ${f.members.join(', ')}`)}</title>` +
      `<rect x="${px(x(f.start))}" y="${fy}" width="${px(bw)}" height="16" rx="2"/>` +
      (bw > label.length * 6.2 + 8 ? `<text x="${px(x(f.start) + 4)}" y="${fy + 12}">${e(label)}</text>` : '') + `</g>`);
  });
  y += faultRows * 20 + 2;

  svg.push(`<text x="${LABEL_W - 8}" y="${y + 12}" text-anchor="end" class="rowlabel">majority lost</text>`);
  const episodes = majorityPeriods(report);
  const epLane = lanes(episodes);
  episodes.forEach((m, k) => {
    const my = y + epLane[k]! * 17;
    const text = `${m.member} without a majority`;
    svg.push(`<g class="majority-loss" data-end="${m.cause}"><title>${e(`${m.member} lost the majority at ${secs(m.start)}; ${majorityEndWords(m, secs)}`)}</title>` +
      `<rect x="${px(x(m.start))}" y="${my}" width="${px(w(m.start, m.end))}" height="15" fill="url(#hatch-majority)"/>` +
      (w(m.start, m.end) > text.length * 6.2 + 8 ? `<text x="${px(x(m.start) + 4)}" y="${my + 11}">${e(text)}</text>` : '') + `</g>`);
  });
  y += Math.max(1, ...epLane.map((l) => l + 1)) * 17 + 10;

  // One swimlane per member.
  const lanesOf = memberLanes(report);
  const laneH = 78;
  const ticksByMember: string[] = [];
  svg.push(`<line x1="0" y1="${y - 4}" x2="${WIDTH}" y2="${y - 4}" class="separator"/>`);
  for (const lane of lanesOf) {
    const m = report.members[memberIdx.get(lane.name)!]!;
    const top = y;
    const out: string[] = [];
    out.push(`<g class="swimlane" data-member="${e(lane.name)}">`);
    out.push(`<text x="8" y="${top + 22}" class="member-name">${e(lane.name)}</text>`);
    out.push(`<text x="8" y="${top + 36}" class="muted">${e(`${m.host}:${m.port}`)}</text>`);
    for (const ep of episodes) {
      if (ep.member !== lane.name) continue;
      out.push(`<rect class="lane-majority" x="${px(x(ep.start))}" y="${top}" width="${px(w(ep.start, ep.end))}" height="${laneH - 6}" fill="url(#hatch-majority)" opacity="0.45"/>`);
    }
    // PRIMARY strip above the state bar.
    for (const s of lane.primary) out.push(`<rect class="primary" x="${px(x(s.start))}" y="${top + 4}" width="${px(w(s.start, s.end))}" height="5"><title>${e(segTitle('PRIMARY', s))}</title></rect>`);
    for (const s of lane.state) {
      const sw = w(s.start, s.end);
      out.push(`<g class="state state-${s.value}"><title>${e(segTitle(s.value, s))}</title><rect x="${px(x(s.start))}" y="${top + 10}" width="${px(sw)}" height="18"/>` +
        (sw > s.value.length * 7 + 8 ? `<text x="${px(x(s.start) + 4)}" y="${top + 23}">${s.value}</text>` : '') + `</g>`);
    }
    for (const [label, segs, cls] of [['super_read_only', lane.superReadOnly, 'sro'], ['offline_mode', lane.offlineMode, 'offline-mode']] as const) {
      for (const s of segs) {
        const sw = w(s.start, s.end);
        out.push(`<g class="flag ${cls}"><title>${e(segTitle(`${label} = ON`, s))}</title><rect x="${px(x(s.start))}" y="${top + (cls === 'sro' ? 30 : 36)}" width="${px(sw)}" height="5"/>` +
          (sw > 96 ? `<text x="${px(x(s.start) + 2)}" y="${top + 44}">${label}</text>` : '') + `</g>`);
      }
    }
    // One path per suspicion (the script builds its tooltip from data-s, the suspect, and data-t:
    // start, end, expel request); the creation dots, timeout crosses and expel triangles of a lane
    // are one path each, so a day of suspicions stays cheap to draw.
    const susLane = lanes(lane.suspicions);
    const labelled = new Set<string>();
    let dots = '', crosses = '', triangles = '';
    lane.suspicions.forEach((s, k) => {
      const sy = top + 50 + Math.min(susLane[k]!, 3) * 4;
      out.push(`<path class="sus" d="M${px(x(s.start))} ${sy}h${px(w(s.start, s.end))}" data-s="${e(s.suspect)}" data-o="${s.outcome}" data-t="${s.start} ${s.end}${s.expelRequested === null ? '' : ` ${s.expelRequested}`}"/>`);
      dots += `M${px(x(s.start) - 2.5)} ${sy}a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0 -5 0`;
      if (s.expelRequested !== null) triangles += `M${px(x(s.expelRequested))} ${sy - 4}l4 8h-8z`;
      else if (s.outcome === 'timedOut') crosses += `M${px(x(s.end) - 3)} ${sy - 3}l6 6m0 -6l-6 6`;
      const text = `suspects ${s.suspect}`;
      if (susLane[k] === 0 && !labelled.has(s.suspect) && w(s.start, s.end) > text.length * 5.6 + 12) {
        labelled.add(s.suspect);
        out.push(`<text class="sus-label" x="${px(x(s.start) + 5)}" y="${sy - 2}">${e(text)}</text>`);
      }
    });
    if (dots !== '') out.push(`<path class="sus-created" d="${dots}"/>`);
    if (crosses !== '') out.push(`<path class="sus-timeout" d="${crosses}"/>`);
    if (triangles !== '') out.push(`<path class="sus-expel" d="${triangles}"/>`);
    for (const r of lane.rejoins) {
      out.push(`<g class="rejoin"><title>${e(`auto-rejoin attempt from ${secs(r.start)}: ${r.ok === null ? 'still running at the end' : r.ok ? `succeeded at ${secs(r.end)}` : `failed at ${secs(r.end)}`}`)}</title>` +
        `<rect x="${px(x(r.start))}" y="${top + 56}" width="${px(w(r.start, r.end))}" height="5"/></g>`);
    }
    // One tick per error-log line, grouped by level; the script maps the k-th tick of a group to
    // the k-th line of that member and level (the ticks carry nothing but their position).
    const byLevel: Record<'S' | 'W' | 'E', string[]> = { S: [], W: [], E: [] };
    for (const i of lane.logLines) {
      const l = report.log[i]!;
      byLevel[l.level === 'ERROR' ? 'E' : l.level === 'Warning' ? 'W' : 'S'].push(`<rect x="${px(x(l.t) - 1)}"/>`);
    }
    ticksByMember.push(`<g class="ticks" transform="translate(0 ${top + 63})">` +
      (['S', 'W', 'E'] as const).map((lv) => `<g class="lv-${lv}" data-level="${lv}">${byLevel[lv].join('')}</g>`).join('') + `</g>`);
    out.push(ticksByMember[ticksByMember.length - 1]!);
    out.push(`</g>`);
    svg.push(out.join(''));
    y += laneH;
    svg.push(`<line x1="0" y1="${y - 4}" x2="${WIDTH}" y2="${y - 4}" class="separator"/>`);
  }
  const lanesBottom = y;

  // Observer × observed UNREACHABLE.
  y += 14;
  svg.push(`<text x="8" y="${y}" class="section">Failure detection is per observer: who shows whom UNREACHABLE</text>`);
  y += 8;
  const pairH = names.length <= 5 ? 11 : 7;
  for (const p of unreachablePairs(report)) {
    svg.push(`<g class="pair" data-observer="${e(p.observer)}" data-member="${e(p.member)}">` +
      `<text x="${LABEL_W - 8}" y="${y + pairH - 2}" text-anchor="end" class="pairlabel">${e(`${p.observer} sees ${p.member}`)}</text>` +
      `<line x1="${LABEL_W}" y1="${y + pairH / 2}" x2="${LABEL_W + PLOT_W}" y2="${y + pairH / 2}" class="pair-base"/>` +
      // One path per kind of stretch; the script's tooltip reads the exact times from the data.
      (p.absent.length === 0 ? '' : `<path class="absent" d="${p.absent.map((s) => `M${px(x(s.start))} ${y + pairH / 2 - 1}h${px(w(s.start, s.end))}v2h${px(-w(s.start, s.end))}z`).join('')}"/>`) +
      (p.unreachable.length === 0 ? '' : `<path class="unreachable" d="${p.unreachable.map((s) => `M${px(x(s.start))} ${y + 1}h${px(w(s.start, s.end))}v${pairH - 2}h${px(-w(s.start, s.end))}z`).join('')}"/>`) +
      `<rect class="pair-hit" x="${LABEL_W}" y="${y}" width="${PLOT_W}" height="${pairH}"/></g>`);
    y += pairH;
  }

  // Cache and throughput charts (workload runs only).
  const chart = (title: string, series: { name: string; points: [number, number][]; dashed?: boolean; colour: string }[], format: (v: number, max: number) => string, cls: string): void => {
    y += 24;
    const h = 110;
    let max = 0;
    for (const s of series) for (const [, v] of s.points) max = Math.max(max, v);
    if (max <= 0) max = 1;
    const yv = (v: number): number => y + h - (v / (max * 1.05)) * h;
    svg.push(`<g class="chart ${cls}"><text x="8" y="${y - 6}" class="section">${e(title)}</text>`);
    svg.push(`<rect x="${LABEL_W}" y="${y}" width="${PLOT_W}" height="${h}" class="chart-frame"/>`);
    for (const f of [0, 0.5, 1]) svg.push(`<text x="${LABEL_W - 6}" y="${px(yv(max * f) + 4)}" text-anchor="end" class="muted">${e(format(max * f, max))}</text>`);
    series.forEach((s) => {
      if (s.points.length === 0) return;
      const d = s.points.map(([t, v], k) => `${k === 0 ? 'M' : 'L'}${px(x(t))} ${px(yv(v))}`).join('');
      svg.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="${s.dashed === true ? 1.2 : 1.6}"${s.dashed === true ? ' stroke-dasharray="6 3"' : ''}><title>${e(s.name)}</title></path>`);
    });
    svg.push(`<g class="chart-legend">${series.map((s, k) => `<g transform="translate(${LABEL_W + 8 + k * 150} ${y + 12})"><line x1="0" y1="-4" x2="18" y2="-4" stroke="${s.colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 3"' : ''}/><text x="22" y="0">${e(s.name)}</text></g>`).join('')}</g></g>`);
    y += h + 6;
  };
  if (report.workload !== undefined) {
    const cols = PLOT_W;
    const cacheSeries = names.map((n, k) => ({ name: `${n} cache`, colour: MEMBER_LINE_COLOURS[k % MEMBER_LINE_COLOURS.length]!, points: perColumn(report.cache.filter((p) => p.member === n).map((p) => [p.t, p.peakBytes] as const), end, cols, 'max') }));
    // The limit as a step line (usually the same on every member: drawn once per distinct series).
    const limitSteps: [number, number][] = [];
    for (const p of report.cache) if (p.member === names[0] && (limitSteps.length === 0 || limitSteps[limitSteps.length - 1]![1] !== p.limit)) { limitSteps.push([p.t, p.limit]); }
    const limitPoints: [number, number][] = [];
    limitSteps.forEach(([t, v], k) => { if (k > 0) limitPoints.push([t, limitSteps[k - 1]![1]]); limitPoints.push([k === 0 ? 0 : t, v]); });
    if (limitSteps.length > 0) limitPoints.push([end, limitSteps[limitSteps.length - 1]![1]]);
    chart('XCom message cache (bytes, maximum per pixel) against group_replication_message_cache_size',
      [...cacheSeries.filter((s) => s.points.length > 0), ...(limitPoints.length > 0 ? [{ name: 'cache limit', colour: '#1A1A1A', dashed: true, points: limitPoints }] : [])], bytesTick, 'cache-chart');
    const tput = names.map((n, k) => ({ name: `${n} commits/s`, colour: MEMBER_LINE_COLOURS[k % MEMBER_LINE_COLOURS.length]!, points: perColumn((report.throughput ?? []).filter((p) => p.member === n).map((p) => [p.t, p.committedPerSecond] as const), end, cols, 'mean') }));
    chart('Throughput (transactions committed per second, mean per pixel)', tput.filter((s) => s.points.length > 0), tickNumber, 'throughput-chart');
  }
  const height = y + 16;

  // View change lines over the band and the swimlanes; the cursor over everything.
  const overlay: string[] = [];
  for (const v of views) overlay.push(`<line class="view-line" x1="${px(x(v.t))}" y1="${bandTop - 2}" x2="${px(x(v.t))}" y2="${lanesBottom - 4}"/>`);
  overlay.push(`<g id="cursor"><line id="cursor-line" x1="${LABEL_W}" y1="${axisY}" x2="${LABEL_W}" y2="${height - 8}"/></g>`);

  const legend = [
    ...(['ONLINE', 'RECOVERING', 'ERROR', 'OFFLINE'] as LaneState[]).map((s) => `<span class="key"><i class="sw state-${s}"></i>${s}</span>`),
    `<span class="key"><i class="sw primary-key"></i>PRIMARY (thin bar above the state)</span>`,
    `<span class="key"><i class="sw sro-key"></i>super_read_only</span>`,
    `<span class="key"><i class="sw offline-key"></i>offline_mode</span>`,
    `<span class="key"><i class="sw unreach-key"></i>UNREACHABLE (observer → observed)</span>`,
    `<span class="key"><i class="sw absent-key"></i>not in the observer's table</span>`,
    `<span class="key"><i class="sw fault-key"></i>fault</span>`,
    `<span class="key"><i class="sw majority-key"></i>majority lost</span>`,
    `<span class="key"><i class="sw susp-key"></i>suspicion (● created, ✕ timed out, ▲ expel requested)</span>`,
    `<span class="key"><i class="sw rejoin-key"></i>auto-rejoin attempt</span>`,
    `<span class="key"><i class="sw view-key"></i>view change (first install)</span>`,
    `<span class="key"><i class="sw lv-S"></i><i class="sw lv-W"></i><i class="sw lv-E"></i>error-log line: System, Warning, ERROR (hover or click)</span>`,
  ].join('');

  // The data the script needs, packed: states and log lines as arrays of indices.
  const codes: string[] = [], msgs: string[] = [];
  const codeIdx = new Map<string, number>(), msgIdx = new Map<string, number>();
  const intern = (list: string[], map: Map<string, number>, s: string): number => {
    let k = map.get(s);
    if (k === undefined) { k = list.length; list.push(s); map.set(s, k); }
    return k;
  };
  const firstRow = Object.values(report.final).flatMap((f) => f.table)[0];
  const data = {
    start: report.start,
    end: report.end,
    axis: pieces.map((p) => p.map((v) => Math.round(v * 1e6) / 1e6)),
    memberVersion: firstRow?.MEMBER_VERSION ?? report.version,
    members: report.members.map((m) => [m.name, m.host, m.port, m.uuid]),
    states: report.states.map((s) => [s.t, memberIdx.get(s.observer) ?? -1, memberIdx.get(s.member) ?? -1, s.state === null ? -1 : STATES_ORDER.indexOf(s.state), ROLES_ORDER.indexOf(s.role)]),
    running: report.flags.map((f) => [f.t, memberIdx.get(f.member) ?? -1, f.running ? 1 : 0]),
    log: report.log.map((l) => [l.t, memberIdx.get(l.member) ?? -1, LEVELS_ORDER.indexOf(l.level as (typeof LEVELS_ORDER)[number]), intern(codes, codeIdx, l.code), intern(msgs, msgIdx, l.message)]),
    codes, msgs,
    initialCursor: initialCursor(report),
  };

  const m = report.metrics;
  const story: string[] = [];
  for (const f of report.faults.slice(0, 4)) story.push(`${f.kind} ${f.detail} from ${secs(f.start)} to ${f.end === null ? 'the end' : secs(f.end)}`);
  if (report.faults.length > 4) story.push(`… ${report.faults.length - 4} more faults`);
  if (m.detection.stats.count > 0) story.push(`detection (fault → UNREACHABLE): ${m.detection.stats.count} observations, ${secs(m.detection.stats.min!)} to ${secs(m.detection.stats.max!)}`);
  for (const x2 of m.expels.slice(0, 3)) story.push(`${x2.member} expelled by ${x2.remover} at ${secs(x2.removed)}${x2.timeToExpel === null ? '' : `, ${secs(x2.timeToExpel)} after the fault`}${x2.falseExpel ? ` (false expel: ${FALSE_EXPEL_WHY})` : ''}`);
  if (m.expels.length > 3) story.push(`… ${m.expels.length - 3} more expels`);
  for (const l of m.leaves.slice(0, 3)) story.push(`${l.member} left at its own request (asked at ${secs(l.asked)}), removed by ${l.remover} at ${secs(l.removed)}`);
  if (m.leaves.length > 3) story.push(`… ${m.leaves.length - 3} more leaves`);
  for (const ep of episodes.slice(0, 3)) story.push(`${ep.member} without a majority from ${secs(ep.start)}; ${majorityEndWords(ep, secs)}`);
  if (m.majority.length > 3) story.push(`… ${m.majority.length - 3} more majority losses`);
  const rejoined = m.rejoins.filter((r) => r.started > 0);
  for (const r of rejoined.slice(0, 3)) story.push(`${r.member}: ${r.started} auto-rejoin attempt${r.started === 1 ? '' : 's'}, ${r.succeeded} succeeded`);
  if (rejoined.length > 3) {
    const rest = rejoined.slice(3);
    story.push(`… ${rest.length} more members: ${rest.reduce((a, r) => a + r.started, 0)} auto-rejoin attempts, ${rest.reduce((a, r) => a + r.succeeded, 0)} succeeded`);
  }
  if (m.writes.submitted > 0) story.push(`writes: ${m.writes.committed} committed, ${m.writes.rolledBack} rolled back, ${m.writes.refused} refused, ${m.writes.pending} pending`);

  const title = `grsim timeline: ${report.scenario} (seed ${report.seed})`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(title)}</title>`,
    `<style>${TIMELINE_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${e(report.scenario)}</h1>`,
    `<dl class="facts"><dt>seed</dt><dd id="seed">${e(String(report.seed))}</dd><dt>MySQL profile</dt><dd>${e(report.version)} (${e(report.mode)})</dd>` +
      `<dt>grsim</dt><dd>${e(report.grsim)}</dd><dt>t = 0</dt><dd>${e(report.start)}</dd><dt>run length</dt><dd>${e(secs(report.end))}</dd></dl>`,
    `<p class="replay">replay: <code id="replay">${e(replay)}</code></p>`,
    `<ul class="story">${story.map((s) => `<li>${e(s)}</li>`).join('')}</ul>`,
    '</header>',
    `<div class="legend">${legend}</div>`,
    `<div id="chart-wrap">`,
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<defs><pattern id="hatch-majority" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FCE7C2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#E69F00" stroke-width="2.5"/></pattern></defs>`,
    ...svg,
    ...overlay,
    '</svg>',
    '<div id="tip" role="tooltip" hidden></div>',
    '</div>',
    '<section id="cursor-panel">',
    `<h2>At the cursor: <span id="cursor-label"></span></h2>`,
    `<p class="controls"><label>time (s since t = 0) <input id="cursor-time" type="number" min="0" max="${report.end}" step="0.000001"></label> ` +
      `<input id="cursor-range" type="range" min="0" max="${report.end}" step="0.001" aria-label="time cursor"> <span class="muted">click or drag on the chart to move the cursor</span></p>`,
    '<div id="cursor-tables"></div>',
    '</section>',
    '<section id="log-panel"><h2>Error-log line</h2><pre id="log-line">Click a tick in a swimlane to show its line.</pre></section>',
    `<script type="application/json" id="timeline-data">${scriptJson(data)}</script>`,
    `<script>${TIMELINE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
