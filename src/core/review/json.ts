import type { GroupSummary } from '../stats/groups';
import type { Review, ReviewSide } from './review';

/** The `--format json` contract (docs/review.md): keep its fields stable; add, never rename. */
export function reviewToJson(r: Review): unknown {
  const side = (s: ReviewSide) => ({
    ref: s.ref,
    commit: s.commit,
    runs: s.runs.map((x) => x.id),
    depth: s.depth,
    found: s.found,
  });
  const stats = (g: GroupSummary) => ({
    mean: g.mean,
    std: g.std,
    n: g.n,
    min: g.min,
    max: g.max,
    nonFinite: g.nonFinite,
  });
  return {
    verdict: r.verdict,
    base: side(r.base),
    head: side(r.head),
    metrics: r.metrics.map((m) => ({
      name: m.name,
      summary: m.summary,
      group: m.group,
      direction: m.direction,
      base: stats(m.base),
      head: stats(m.head),
      delta: m.delta,
      deltaPct: m.deltaPct,
      threshold: m.threshold,
      verdict: m.verdict,
      beyondNoise: m.beyondNoise,
      p: m.p,
      note: m.note,
    })),
    params: r.params.map((p) => ({ key: p.key, base: p.base, head: p.head })),
    code: r.code && {
      files: r.code.files,
      insertions: r.code.insertions,
      deletions: r.code.deletions,
      changed: r.code.changed,
    },
    dirty: r.dirty.map((d) => ({ side: d.side, id: d.id, name: d.name })),
    notes: r.notes,
  };
}
