/**
 * Keyed randomness for attacks (spec §7): every draw comes from a stream derived from the run seed
 * and a key naming the technique, batch, iteration, oracle call and copy, so enabling one technique
 * never shifts another's draws and the same seed reproduces a run bitwise.
 */
import { Rng } from '../data/rng'

export class AttackRng {
  private readonly root: Rng

  constructor(
    readonly seed: number,
    readonly batchId = 0
  ) {
    this.root = new Rng(seed)
  }

  /** The stream for one key, e.g. `at('di', t, call, copy)`; the same key always gives the same stream. */
  at(role: string, ...parts: (number | string)[]): Rng {
    return this.root.fork(`${role}/${this.batchId}/${parts.join('/')}`)
  }

  /** Per-run streams that do not depend on the batch (the LGV member order). */
  perRun(role: string): Rng {
    return this.root.fork(role)
  }
}
