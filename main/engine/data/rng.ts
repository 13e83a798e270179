/**
 * Seeded pseudo-random generator (mulberry32), so that a seed reproduces a run.
 *
 * `fork(label)` derives an independent stream per purpose (shuffling, augmentation, init), so
 * turning one consumer on or off never shifts another consumer's draws.
 */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /**
   * The generator's whole state: `new Rng(rng.position)` continues exactly where `rng` is, which is
   * how a resumed training run gets the same shuffles and augmentations as an uninterrupted one.
   */
  get position(): number {
    return this.state
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** A seed for tfjs ops that take one (initialisers, random ops). */
  seed(): number {
    return this.int(2 ** 31)
  }

  /** Fisher–Yates shuffle, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = items[i]
      items[i] = items[j]
      items[j] = tmp
    }
    return items
  }

  /** An independent generator for one purpose, derived from this one's seed and a label. */
  fork(label: string): Rng {
    let h = this.state ^ 0x9e3779b9
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193)
    return new Rng(h >>> 0)
  }
}
