// Seeded pseudo-random numbers, so that a seed fully determines a run (initialisation, shuffling).
//
// Generator: sfc32, Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand
// (http://pracrand.sourceforge.net/; 128-bit state, passes PractRand and BigCrush), in the common
// 32-bit JavaScript form of https://github.com/bryc/code/blob/master/jshash/PRNGs.md.
// Seeding: the four state words come from splitmix32 (a 32-bit variant of Steele, Lea & Flood's
// SplitMix, "Fast splittable pseudorandom number generators", OOPSLA 2014, with the finaliser
// constants from Chris Wellons' hash-prospector), then 12 outputs are discarded as PractRand does,
// so that nearby seeds (1, 2, 3...) give unrelated streams.

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** One sfc32 step: a uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0; // the counter guarantees a period of at least 2^32
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), in steps of 2^-32. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by Box-Muller. Only the cosine branch is used, so the state stays four words
   *  (a cached second value would have to be saved in checkpoints too). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: log(0) impossible
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n), n >= 1. floor(u * n): the bias, under n / 2^32, is negligible here. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates (Durstenfeld) shuffle in place: every permutation equally likely. */
  shuffle(a: Int32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The whole state, as four unsigned 32-bit integers (JSON-safe, for checkpoints). */
  getState(): number[] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  setState(s: number[]): void {
    if (s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new RangeError(`Rng state must be four unsigned 32-bit integers, got ${JSON.stringify(s)}`);
    }
    [this.a, this.b, this.c, this.d] = s.map((w) => w | 0);
  }
}
