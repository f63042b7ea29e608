// What holds the heap, and what grows: reads V8 heap snapshots (.heapsnapshot, e.g. those
// `node --expose-gc bench/long-run-memory.mjs 24 --snapshots DIR` writes) and prints, one column
// per snapshot, the retained size of each top-level holder of the heap (the objects the roots
// dominate directly), grouped by a label made of the holder's constructor and the property path
// that leads to most of what it retains (`Map.table.[17].spool.?.pending` is a spool's pending
// text), then the self size of each kind of object in the first and the last snapshot.
// Usage: node --max-old-space-size=4096 bench/heap-snapshot-diff.mjs A.heapsnapshot [B.heapsnapshot …]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A snapshot's nodes and edges (V8's format: flat integer arrays described by `snapshot.meta`). */
function load(path) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const meta = json.snapshot.meta;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const field = (name) => meta.node_fields.indexOf(name);
  const [fType, fName, fSelf, fEdges] = ['type', 'name', 'self_size', 'edge_count'].map(field);
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((n) => meta.edge_fields.indexOf(n));
  const { nodes, edges, strings } = json;
  const count = nodes.length / nodeWidth;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) { firstEdge[i] = e; e += nodes[i * nodeWidth + fEdges] * edgeWidth; firstEdge[i + 1] = e; }
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const skipped = new Set(['weak', 'shortcut'].map((t) => edgeTypes.indexOf(t)));
  return {
    count, firstEdge, edgeWidth,
    type: (i) => nodeTypes[nodes[i * nodeWidth + fType]],
    name: (i) => strings[nodes[i * nodeWidth + fName]],
    self: (i) => nodes[i * nodeWidth + fSelf],
    /** Calls f(edge, target) for each strong edge of node i. */
    forEdges: (i, f) => {
      for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += edgeWidth) {
        if (!skipped.has(edges[e + eType])) f(e, edges[e + eTo] / nodeWidth);
      }
    },
    edgeName: (e) => {
      const t = edgeTypes[edges[e + eType]];
      const v = edges[e + eName];
      return t === 'element' || t === 'hidden' ? `[${v}]` : t === 'context' || t === 'property' || t === 'internal' ? strings[v] : '?';
    },
  };
}

/** Immediate dominators from the root (node 0), Cooper–Harvey–Kennedy iteration, and retained sizes. */
function dominators(h) {
  const n = h.count;
  const postIndex = new Int32Array(n).fill(-1);
  const post = [];
  const reached = new Uint8Array(n);
  const stack = [[0, null]];
  reached[0] = 1;
  // Iterative depth-first search for a postorder.
  const children = (i) => { const out = []; h.forEdges(i, (_, to) => out.push(to)); return out; };
  stack[0][1] = children(0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const next = top[1].pop();
    if (next === undefined) { postIndex[top[0]] = post.length; post.push(top[0]); stack.pop(); continue; }
    if (reached[next] === 1) continue;
    reached[next] = 1;
    stack.push([next, children(next)]);
  }
  const preds = Array.from({ length: n }, () => []);
  for (const i of post) h.forEdges(i, (_, to) => preds[to].push(i));
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const meet = (a, b) => {
    while (a !== b) {
      while (postIndex[a] < postIndex[b]) a = idom[a];
      while (postIndex[b] < postIndex[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const i = post[k];
      let d = -1;
      for (const p of preds[i]) if (idom[p] !== -1) d = d === -1 ? p : meet(p, d);
      if (d !== idom[i]) { idom[i] = d; changed = true; }
    }
  }
  const retained = new Float64Array(n);
  for (const i of post) { retained[i] += h.self(i); if (i !== 0) retained[idom[i]] += retained[i]; }
  return { idom, retained, reached };
}

/** Per top-level holder label, its retained bytes; and per kind of object, its self bytes. */
function summarise(path) {
  const h = load(path);
  const { idom, retained, reached } = dominators(h);
  const dominated = Array.from({ length: h.count }, () => []);
  for (let i = 1; i < h.count; i++) if (reached[i] === 1) dominated[idom[i]].push(i);
  const edgeTo = (from, to) => { let name = '?'; h.forEdges(from, (e, t) => { if (t === to && name === '?') name = h.edgeName(e); }); return name; };
  const label = (i) => {
    let text = `${h.type(i) === 'object' ? '' : `${h.type(i)}:`}${h.name(i).slice(0, 40)}`;
    for (let x = i, depth = 0; depth < 8; depth++) {
      const big = dominated[x].find((c) => retained[c] * 2 >= retained[x] && retained[c] > 0);
      if (big === undefined) break;
      text += `.${edgeTo(x, big)}`;
      x = big;
    }
    return text;
  };
  const holders = new Map();
  for (let i = 1; i < h.count; i++) {
    if (reached[i] !== 1 || h.type(i) === 'synthetic' || h.type(idom[i]) !== 'synthetic') continue;
    const k = label(i);
    holders.set(k, (holders.get(k) ?? 0) + retained[i]);
  }
  const kinds = new Map();
  for (let i = 0; i < h.count; i++) {
    const t = h.type(i);
    const k = t === 'object' || t === 'closure' || t === 'native' ? `${t}:${h.name(i)}` : t;
    kinds.set(k, (kinds.get(k) ?? 0) + h.self(i));
  }
  return { name: basename(path), total: retained[0], holders, kinds };
}

const paths = process.argv.slice(2);
if (paths.length === 0) throw new Error('usage: heap-snapshot-diff.mjs A.heapsnapshot [B.heapsnapshot …]');
const runs = paths.map(summarise);
const mb = (b) => (b / 1048576).toFixed(2).padStart(8);
const table = (title, maps, rows) => {
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  const sorted = [...keys].sort((a, b) => Math.max(...maps.map((m) => m.get(b) ?? 0)) - Math.max(...maps.map((m) => m.get(a) ?? 0)));
  console.log(`\n${title} (MB)`);
  for (const k of sorted.slice(0, rows)) console.log(`${maps.map((m) => mb(m.get(k) ?? 0)).join(' ')}  ${k}`);
};
console.log(`${runs.map((r) => r.name.padStart(8)).join(' ')}`);
console.log(`${runs.map((r) => mb(r.total)).join(' ')}  whole heap (with array buffers)`);
table('retained by top-level holder', runs.map((r) => r.holders), 30);
table('self size by kind, first and last snapshot', [runs[0].kinds, runs.at(-1).kinds], 20);
