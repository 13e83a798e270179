/**
 * The attack queue's tasks and pre-flight check: one task per (stack, surrogate), run by
 * tasks/kinds/attack-task.ts on the same attacked examples with the same seed rule. A one-stack audit
 * keeps the task ids and export folders it had before the queue existed (`attack-<surrogate>`,
 * `adversarial/<surrogate>`). LGV members collected from a surrogate are collected once (an `lgv`
 * task) and shared by every stack that asks for the same collection.
 */
import type { QueuedAttack } from '../../contract/attack-queue'
import type { SurrogateSpec } from '../../contract/audit-spec'
import type { TaskInfo } from '../../contract/job-events'
import { attackRowId, attackRows } from '../../contract/techniques/ensemble-rows'
import { checkAttackPlan } from '../attacks/attack-plan'

/** Task id of one (stack, surrogate); the one-stack form is the pre-queue id. */
export function attackTaskId(
  queue: readonly QueuedAttack[],
  index: number,
  surrogate: string
): string {
  return queue.length === 1 ? `attack-${surrogate}` : `attack-${index + 1}-${surrogate}`
}

/** The attack tasks of a queue, in run order: each surrogate's row, then an ensemble stack's ensemble row. */
export function attackTasks(queue: readonly QueuedAttack[]): TaskInfo[] {
  return queue.flatMap((q, i) =>
    attackRows(q.attack, q.surrogates).map((row) => ({
      id: attackTaskId(queue, i, attackRowId(row)),
      kind: 'attack' as const,
      label: `${q.label} from ${row.surrogate}, transfer to targets`
    }))
  )
}

/** Runs `checkAttackPlan` on every entry with its own surrogates; a queue entry's error names the entry. */
export function checkAttackQueue(
  queue: readonly QueuedAttack[],
  surrogates: SurrogateSpec[]
): void {
  queue.forEach((q, i) => {
    try {
      checkAttackPlan(
        q.attack,
        surrogates.filter((s) => q.surrogates.includes(s.name))
      )
    } catch (error) {
      if (queue.length === 1 || !(error instanceof Error)) throw error
      throw new Error(`attacks[${i}] ("${q.label}"): ${error.message}`)
    }
  })
}
