// Partial matching of expected against observed (CONFORMANCE.md): objects match on the expected
// keys only; arrays match when each expected item takes a DISTINCT observed item (a proper
// bipartite assignment, not greedy first-match); an empty expected array needs an empty one.
export function matches(expected: unknown, observed: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(observed)) return false;
    if (expected.length === 0) return observed.length === 0;
    if (observed.length < expected.length) return false;
    return assignable(expected, observed);
  }
  if (expected !== null && typeof expected === 'object') {
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
    const obs = observed as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      if (!(k in obs)) return false;
      if (!matches(v, obs[k])) return false;
    }
    return true;
  }
  return expected === observed;
}

/** Kuhn's augmenting-path matching: every expected item gets its own observed item. */
function assignable(expected: unknown[], observed: unknown[]): boolean {
  const edges = expected.map((e) => observed.map((o, j) => (matches(e, o) ? j : -1)).filter((j) => j >= 0));
  const owner = new Array<number>(observed.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const j of edges[i]!) {
      if (seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || tryAssign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < expected.length; i++) {
    if (!tryAssign(i, new Array<boolean>(observed.length).fill(false))) return false;
  }
  return true;
}
