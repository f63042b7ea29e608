import { escapeHtml } from '../report/escape-html.js';
import type { OutageOutcome } from './outage-run.js';
import { OUTAGE_OUTCOMES } from './outage-run.js';
import type { CacheSweep } from './sweep-cache.js';

/** Fill colour of each outcome in the sweep chart (Okabe–Ito: blue, yellow, vermillion, told apart without red/green). */
export const OUTCOME_COLOURS: Readonly<Record<OutageOutcome, string>> = {
  'caught up': '#56b4e9',
  'evicted, rejoined': '#f0e442',
  'expelled by timeout': '#d55e00',
};

/** Where a value falls on a categorical axis of sorted grid values: between the two neighbouring centres, linearly; clamped to the ends. */
function gridPosition(grid: readonly number[], v: number, centre: (k: number) => number): number {
  if (grid.length === 1 || v <= grid[0]!) return centre(0);
  for (let k = 1; k < grid.length; k++) {
    if (v <= grid[k]!) return centre(k - 1) + ((v - grid[k - 1]!) / (grid[k]! - grid[k - 1]!)) * (centre(k) - centre(k - 1));
  }
  return centre(grid.length - 1);
}

const esc = escapeHtml;

/** A cache size for an axis label: MiB (or GiB when whole). */
export function formatCacheSize(bytes: number): string {
  const gib = bytes / 1_073_741_824, mib = bytes / 1_048_576;
  if (Number.isInteger(gib)) return `${gib} GiB`;
  if (Number.isInteger(mib)) return `${mib} MiB`;
  return `${mib.toFixed(1)} MiB`;
}

/** An outage for an axis label, in seconds. */
function formatOutage(us: number): string {
  const s = us / 1e6;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * The sweep as a standalone SVG chart: outage length on the x axis, cache size on the y axis (larger
 * up), one coloured cell per grid point (`*` where the seeds disagree and the worst is shown), a
 * legend for the three outcomes, and, when the sweep carries sizeCache's answer, lines marking the
 * computed size, the rule of thumb and the longest safe outage. No dependencies.
 */
export function renderSweepSvg(sweep: CacheSweep): string {
  const answer = sweep.answer;
  // Room above the grid for the outage mark's label.
  const cellW = 70, cellH = 34, left = 110, top = answer === null ? 74 : 90, legendH = 70;
  const cols = sweep.outagesUs.length, rows = sweep.sizes.length;
  // Wide enough for the grid, the legend (three entries of 160 px) and the subtitle lines.
  const marksW = answer === null ? 0 : 200;
  const width = Math.max(left + cols * cellW + 30 + marksW, left + 3 * 160 + 20, 640);
  const height = Math.max(top + rows * cellH + 60 + legendH, 310);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${esc(`grsim cache-size sweep: ${sweep.silentMember} silent, expel timeout ${sweep.expelTimeoutS} s`)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">How a member silent for an outage comes back</text>`);
  out.push(`<text x="${left}" y="40" fill="#555555">${esc(`${sweep.silentMember} silent, expel timeout ${sweep.expelTimeoutS} s, ${sweep.seeds.length} seed${sweep.seeds.length === 1 ? '' : 's'} (worst shown)`)}</text>`);
  out.push(`<text x="${left}" y="56" fill="#555555">${esc(`cache growth ${(sweep.growthBytesPerSecond / 1_048_576).toFixed(2)} MiB/s before the cut`)}</text>`);
  // Cells: row 0 is the largest size (top).
  sweep.cells.forEach((row, i) => {
    const y = top + (rows - 1 - i) * cellH;
    row.forEach((cell, j) => {
      const x = left + j * cellW;
      // Each seed's outcome, named by its seed: the outcomes themselves contain commas ("evicted, rejoined").
      const bySeed = cell.outcomes.map((o, k) => `seed ${sweep.seeds[k]}: ${o}`).join('; ');
      const label = `${formatCacheSize(cell.cacheBytes)} × ${formatOutage(cell.outageUs)}: ${bySeed}`;
      out.push(`<rect x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${OUTCOME_COLOURS[cell.outcome]}"><title>${esc(label)}</title></rect>`);
      if (cell.outcomes.some((o) => o !== cell.outcome)) {
        out.push(`<text class="seeds-disagree" x="${x + cellW - 8}" y="${y + 16}" text-anchor="end" font-size="18" font-weight="bold" fill="#000000" stroke="#ffffff" stroke-width="0.6"><title>${esc(`seeds disagree: ${bySeed}`)}</title>*</text>`);
      }
    });
    out.push(`<text x="${left - 8}" y="${y + cellH / 2 + 4}" text-anchor="end">${esc(formatCacheSize(sweep.sizes[i] as number))}</text>`);
  });
  const axisY = top + rows * cellH;
  out.push(`<line x1="${left - 2}" y1="${top - 2}" x2="${left - 2}" y2="${axisY}" stroke="#000000"/>`);
  out.push(`<line x1="${left - 2}" y1="${axisY}" x2="${left + cols * cellW}" y2="${axisY}" stroke="#000000"/>`);
  sweep.outagesUs.forEach((o, j) => {
    out.push(`<text x="${left + j * cellW + cellW / 2 - 1}" y="${axisY + 16}" text-anchor="middle">${esc(formatOutage(o))}</text>`);
  });
  out.push(`<text x="${left + (cols * cellW) / 2}" y="${axisY + 36}" text-anchor="middle" font-weight="bold">outage (member silent), seconds</text>`);
  // The rotated axis label is centred on the rows and must fit the chart's height.
  const labelY = Math.max(top + (rows * cellH) / 2, 150);
  out.push(`<text x="16" y="${labelY}" text-anchor="middle" font-weight="bold" font-size="11" transform="rotate(-90 16 ${labelY})">group_replication_message_cache_size</text>`);
  if (answer !== null) {
    // Marks: the answer (solid), the rule of thumb (dashed) across the rows; the outage down the columns.
    const rowCentre = (k: number): number => top + (rows - 1 - k) * cellH + (cellH - 2) / 2;
    const colCentre = (k: number): number => left + k * cellW + (cellW - 2) / 2;
    const right = left + cols * cellW;
    const hLine = (bytes: number, label: string, dash: string, cls: string, dy: number): void => {
      const yy = gridPosition(sweep.sizes, bytes, rowCentre);
      const off = bytes < (sweep.sizes[0] as number) ? ' (below the grid)' : bytes > (sweep.sizes[rows - 1] as number) ? ' (above the grid)' : '';
      out.push(`<g class="${cls}"><line x1="${left - 2}" y1="${yy}" x2="${right + 6}" y2="${yy}" stroke="#000000" stroke-width="2"${dash}/>` +
        `<text x="${right + 10}" y="${yy + 4 + dy}" font-weight="bold">${esc(`${label} ${formatCacheSize(bytes)}${off}`)}</text></g>`);
    };
    const aY = gridPosition(sweep.sizes, answer.cacheSizeBytes, rowCentre), rY = gridPosition(sweep.sizes, answer.ruleOfThumbBytes, rowCentre);
    // Labels of two close lines move apart.
    const apart = Math.abs(aY - rY) < 14 ? (aY <= rY ? [-6, 8] : [8, -6]) : [0, 0];
    hLine(answer.cacheSizeBytes, 'computed size', '', 'mark-answer', apart[0]!);
    hLine(answer.ruleOfThumbBytes, 'rule of thumb', ' stroke-dasharray="7 4"', 'mark-rule-of-thumb', apart[1]!);
    const xx = gridPosition(sweep.outagesUs, answer.outageUs, colCentre);
    // The cell of the answer itself (when the grid has both its size and its outage), outlined.
    const ai = sweep.sizes.indexOf(answer.cacheSizeBytes), aj = sweep.outagesUs.indexOf(answer.outageUs);
    if (ai >= 0 && aj >= 0) {
      out.push(`<rect class="mark-answer-cell" x="${left + aj * cellW - 1}" y="${top + (rows - 1 - ai) * cellH - 1}" width="${cellW}" height="${cellH}" fill="none" stroke="#000000" stroke-width="3"/>`);
    }
    const what = answer.outageSource === 'longest-without-expel' ? 'longest safe outage' : 'outage sized for';
    out.push(`<g class="mark-outage"><line x1="${xx}" y1="${top - 8}" x2="${xx}" y2="${axisY + 2}" stroke="#000000" stroke-width="2" stroke-dasharray="2 3"/>` +
      `<text x="${xx}" y="${top - 12}" text-anchor="middle" font-weight="bold">${esc(`${what} ${formatOutage(answer.outageUs)}`)}</text></g>`);
  }
  // Legend.
  const ly = axisY + 54;
  out.push(`<g class="legend">`);
  OUTAGE_OUTCOMES.forEach((o, k) => {
    const x = left + k * 160;
    out.push(`<rect x="${x}" y="${ly}" width="14" height="14" fill="${OUTCOME_COLOURS[o]}"/>`);
    out.push(`<text x="${x + 20}" y="${ly + 12}">${esc(o)}</text>`);
  });
  if (sweep.cells.some((row) => row.some((c) => c.outcomes.some((o) => o !== c.outcome)))) {
    out.push(`<text x="${left}" y="${ly + 34}" fill="#333333"><tspan font-weight="bold" font-size="16">*</tspan> the seeds disagree; the cell shows the worst outcome (hover for each seed's)</text>`);
  }
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
