import type { OutageOutcome } from './outage-run.js';
import { OUTAGE_OUTCOMES } from './outage-run.js';
import type { CacheSweep } from './sweep-cache.js';

/** Fill colour of each outcome in the sweep chart. */
export const OUTCOME_COLOURS: Readonly<Record<OutageOutcome, string>> = {
  'caught up': '#4caf50',
  'evicted, rejoined': '#ff9800',
  'expelled by timeout': '#e53935',
};

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

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
 * up), one coloured cell per grid point, and a legend for the three outcomes. No dependencies.
 */
export function renderSweepSvg(sweep: CacheSweep): string {
  const cellW = 70, cellH = 34, left = 110, top = 74, legendH = 70;
  const cols = sweep.outagesUs.length, rows = sweep.sizes.length;
  // Wide enough for the grid, the legend (three entries of 160 px) and the subtitle lines.
  const width = Math.max(left + cols * cellW + 30, left + 3 * 160 + 20, 640);
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
      const label = `${formatCacheSize(cell.cacheBytes)} × ${formatOutage(cell.outageUs)}: ${cell.outcomes.join(', ')}`;
      out.push(`<rect x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${OUTCOME_COLOURS[cell.outcome]}"><title>${esc(label)}</title></rect>`);
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
  // Legend.
  const ly = axisY + 54;
  out.push(`<g class="legend">`);
  OUTAGE_OUTCOMES.forEach((o, k) => {
    const x = left + k * 160;
    out.push(`<rect x="${x}" y="${ly}" width="14" height="14" fill="${OUTCOME_COLOURS[o]}"/>`);
    out.push(`<text x="${x + 20}" y="${ly + 12}">${esc(o)}</text>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
