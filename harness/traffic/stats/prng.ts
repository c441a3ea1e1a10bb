// A tiny seeded PRNG for reproducible simulations in tests and power studies (never for anything that
// needs unpredictability). Source: mulberry32 by Tommy Ettinger (public domain), a 32-bit state generator
// that passes gjrand's tests for the sample sizes used here.

/** Returns a function yielding uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
