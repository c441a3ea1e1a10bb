// The fewest samples at p0 that ANY sequential test of a split can need on average, at the same false-fail
// rate α at p0, power 1 − β at p0 ± δ and sample cap as the SPRT design (split-sprt-design.ts): the floor
// under the bench's SPRT/fixed-n ratio at p0. Computed exactly, not simulated.
//
// Lagrangian relaxation, the Bayes route to optimal sequential tests (Wald & Wolfowitz, Ann. Math. Stat. 19,
// 1948; with error constraints, Lorden, Ann. Stat. 4, 1976): for multipliers λ = (λ0, λ−, λ+) ≥ 0 every
// test T that stops by the cap has
//   E0[N](T) + λ0·P0(reject) + λ−·P−(no reject) + λ+·P+(no reject) ≥ V(λ),
// where V(λ), the minimum of the left side over all tests, comes from backward induction over (n, hits) in
// the measure of p0: stopping to reject costs λ0, stopping otherwise costs λ−·LR− + λ+·LR+ (the likelihood
// ratios of p0 ∓ δ to p0 there: P±(stop there) = LR± · P0(stop there)), one more sample costs 1, and at
// the cap the test stops. Hence every test meeting the constraints has E0[N] ≥ g(λ) = V(λ) − λ0·α −
// (λ− + λ+)·β, for every λ (randomized tests included). `lowerBound` is the best g found while Newton steps
// on log λ move the Bayes test T_λ's own error rates onto α and β, where g(λ) meets E0[N](T_λ) up to the
// discreteness of deterministic tests; `bayes` is the last T_λ, a test that (nearly) attains the bound.
// The induction is exact: it visits only nodes where continuing or accepting can beat rejecting (the
// hull of those at n + 1, one step wider, and the window where each alternative's cost stays under λ0);
// every other node rejects. Cost: O(cap × that band) per evaluation, 20–80 evaluations per case (1–5 s).

export interface OptimumOptions {
  expected: number;
  tolerance: number;
  alpha: number;
  beta: number;
  maxSamples: number;
}

export interface BayesTest {
  meanSamples: number;
  falseFail: number;
  /** P(reject) at p0 − δ and p0 + δ (undefined for a side outside (0, 1)). */
  powerBelow?: number;
  powerAbove?: number;
}

export interface OptimumResult {
  /** No test meeting α, β and the cap has a smaller mean sample count at p0. */
  lowerBound: number;
  bayes: BayesTest;
  multipliers: { reject: number; below: number; above: number };
  evaluations: number;
}

interface Root {
  value: number;
  meanSamples: number;
  reject0: number;
  missBelow: number;
  missAbove: number;
}

/** Stop once the Bayes test's error rates are within 1 % (in log) of α and β. */
const MATCHED = 0.01;
const MAX_ITERATIONS = 40;
/** Forward-difference step in log λ for the Jacobian. */
const H = 0.05;

export function optimalMeanSamples(options: OptimumOptions): OptimumResult {
  const { expected: p0, tolerance: delta, alpha, beta, maxSamples: cap } = options;
  const hasBelow = p0 - delta > 0;
  const hasAbove = p0 + delta < 1;
  // At p0 = 1/2 the problem is symmetric: one multiplier serves both sides.
  const symmetric = hasBelow && hasAbove && Math.abs(p0 - 0.5) < 1e-12;
  const sides = symmetric ? 1 : Number(hasBelow) + Number(hasAbove);
  const lambdaOf = (x: number[]) => {
    const [reject, ...rest] = x.map(Math.exp);
    const below = hasBelow ? rest[0] : 0;
    const above = hasAbove ? (symmetric ? rest[0] : rest[hasBelow ? 1 : 0]) : 0;
    return { reject, below, above };
  };
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations += 1;
    const l = lambdaOf(x);
    const r = induct(p0, hasBelow ? p0 - delta : p0, hasAbove ? p0 + delta : p0, l, cap);
    const g = r.value - l.reject * alpha - (l.below + l.above) * beta;
    const misses = [...(hasBelow ? [r.missBelow] : []), ...(hasAbove && !symmetric ? [r.missAbove] : [])];
    const f = [r.reject0 / alpha, ...misses.map((m) => m / beta)].map((q) => Math.log(Math.max(q, 1e-300)));
    return { r, g, f };
  };
  // Start well on the conservative side: every rate under its target, the Bayes test long.
  let x = [Math.log(cap / alpha / 20), ...Array.from({ length: sides }, () => Math.log(cap / beta / 20))];
  let lowerBound = 0;
  let last = evaluate(x);
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    lowerBound = Math.max(lowerBound, last.g);
    if (Math.max(...last.f.map(Math.abs)) <= MATCHED) break;
    const jacobian = x.map((_, j) => {
      const shifted = x.map((v, k) => (k === j ? v + H : v));
      const fj = evaluate(shifted).f;
      return fj.map((v, k) => (v - last.f[k]) / H);
    });
    // jacobian[j][k] = ∂f_k/∂x_j; solve Σ_j ∂f_k/∂x_j · dx_j = −f_k, a step of at most 1 in log λ.
    let dx = solve(
      x.map((_, k) => x.map((__, j) => jacobian[j][k])),
      last.f.map((v) => -v),
    );
    if (!dx) dx = last.f.map((v) => 0.8 * v); // Singular: each rate falls with its own multiplier.
    const norm = Math.max(...dx.map(Math.abs));
    x = x.map((v, j) => v + (norm > 1 ? dx![j] / norm : dx![j]));
    last = evaluate(x);
  }
  lowerBound = Math.max(lowerBound, last.g);
  const { r } = last;
  return {
    lowerBound,
    bayes: {
      meanSamples: r.meanSamples,
      falseFail: r.reject0,
      powerBelow: hasBelow ? 1 - r.missBelow : undefined,
      powerAbove: hasAbove ? 1 - r.missAbove : undefined,
    },
    multipliers: lambdaOf(x),
    evaluations,
  };
}

/** Gaussian elimination with partial pivoting; undefined when singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const m = a.map((row, i) => [...row, b[i]]);
  const k = b.length;
  for (let i = 0; i < k; i++) {
    let p = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(m[r][i]) > Math.abs(m[p][i])) p = r;
    [m[i], m[p]] = [m[p], m[i]];
    if (!(Math.abs(m[i][i]) > 1e-12)) return undefined;
    for (let r = 0; r < k; r++) {
      if (r === i) continue;
      const factor = m[r][i] / m[i][i];
      for (let c = i; c <= k; c++) m[r][c] -= factor * m[i][c];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}

/**
 * V(λ) and the Bayes test's E0[N], P0(reject), P∓(no reject) at the root, by backward induction from the
 * cap. Arrays are indexed by hit count; a side that does not exist has p = p0 and λ = 0.
 */
function induct(
  p0: number,
  pBelow: number,
  pAbove: number,
  l: { reject: number; below: number; above: number },
  cap: number,
): Root {
  const { reject: l0, below: lb, above: la } = l;
  // LLR steps of a hit and a miss per side, and the LR factor from s to s + 1 at fixed n.
  const [hb, mb] = [Math.log(pBelow / p0), Math.log((1 - pBelow) / (1 - p0))];
  const [ha, ma] = [Math.log(pAbove / p0), Math.log((1 - pAbove) / (1 - p0))];
  const [rb, ra] = [Math.exp(hb - mb), Math.exp(ha - ma)];
  const arrays = () => Array.from({ length: 5 }, () => new Float64Array(cap + 2));
  // value, E0[N], P0(reject), P−(no reject), P+(no reject) from each node onward.
  let [nv, ne, nr, nb, na] = arrays();
  let [cv, ce, cr, cb, ca] = arrays();
  // Hit counts where both alternatives' costs stay under λ0: lb·LR− < λ0 (LR− falls with s), la·LR+ < λ0.
  const window = (n: number): [number, number] => [
    lb > 0 ? Math.max(0, Math.floor((Math.log(l0 / lb) - n * mb) / (hb - mb))) : 0,
    la > 0 ? Math.min(n, Math.ceil((Math.log(l0 / la) - n * ma) / (ha - ma))) : n,
  ];
  // [a, b]: the nodes at level n + 1 that do not reject (empty when b < a); everything else rejects.
  let a = 0;
  let b = -1;
  for (let n = cap; n >= 0; n--) {
    const [wa, wb] = window(n);
    const from = n === cap || b < a ? wa : Math.max(0, Math.min(a - 1, wa));
    const to = n === cap || b < a ? wb : Math.min(n, Math.max(b, wb));
    if (n < cap) {
      for (let s = from; s <= to + 1; s++) {
        if (s >= a && s <= b) continue;
        nv[s] = l0;
        ne[s] = 0;
        nr[s] = 1;
        nb[s] = 0;
        na[s] = 0;
      }
    }
    let lo = Infinity;
    let hi = -1;
    let lrb = Math.exp(from * hb + (n - from) * mb);
    let lra = Math.exp(from * ha + (n - from) * ma);
    for (let s = from; s <= to; s++) {
      const accept = lb * lrb + la * lra;
      lrb *= rb;
      lra *= ra;
      const go = n === cap ? Infinity : 1 + p0 * nv[s + 1] + (1 - p0) * nv[s];
      if (accept >= l0 && l0 <= go) {
        cv[s] = l0;
        ce[s] = 0;
        cr[s] = 1;
        cb[s] = 0;
        ca[s] = 0;
        continue;
      }
      lo = Math.min(lo, s);
      hi = s;
      if (accept < l0 && accept <= go) {
        cv[s] = accept;
        ce[s] = 0;
        cr[s] = 0;
        cb[s] = 1;
        ca[s] = 1;
        continue;
      }
      cv[s] = go;
      ce[s] = 1 + p0 * ne[s + 1] + (1 - p0) * ne[s];
      cr[s] = p0 * nr[s + 1] + (1 - p0) * nr[s];
      cb[s] = pBelow * nb[s + 1] + (1 - pBelow) * nb[s];
      ca[s] = pAbove * na[s + 1] + (1 - pAbove) * na[s];
    }
    [a, b] = hi < 0 ? [0, -1] : [lo, hi];
    [cv, ce, cr, cb, ca, nv, ne, nr, nb, na] = [nv, ne, nr, nb, na, cv, ce, cr, cb, ca];
  }
  if (b < 0) return { value: l0, meanSamples: 0, reject0: 1, missBelow: 0, missAbove: 0 };
  return { value: nv[0], meanSamples: ne[0], reject0: nr[0], missBelow: nb[0], missAbove: na[0] };
}
