/**
 * Every kind of task an audit can hold, in planning order: a kind's `plan` sees the tasks of the
 * kinds above it. To add a kind, write its definition in its own file under kinds/ (see
 * audit-task.ts: `plan`, `run`, optionally `collect`) and add it to this list — one import, one
 * entry. Workers (pool and BullMQ) look kinds up here, so they run a new kind with no other change.
 */
import { HARDEN_TASK_KINDS } from '../harden/harden-task-kinds'
import type { TaskKindDefinition } from './audit-task'
import { attackTask } from './kinds/attack-task'
import { deriveTask } from './kinds/derive-task'
import { evaluateTask } from './kinds/evaluate-task'
import { lgvTask } from './kinds/lgv-task'
import { onnxSurrogateTask } from './kinds/onnx-surrogate-task'
import { trainTask } from './kinds/train-task'

export const TASK_KINDS: readonly TaskKindDefinition[] = [
  trainTask,
  onnxSurrogateTask,
  deriveTask,
  lgvTask,
  evaluateTask,
  attackTask,
  ...HARDEN_TASK_KINDS
]

export function taskKind(kind: string): TaskKindDefinition {
  const found = TASK_KINDS.find((k) => k.kind === kind)
  if (!found)
    throw new Error(
      `this Flatline has no task kind "${kind}" (it knows ${TASK_KINDS.map((k) => k.kind).join(', ')}): is the worker an older version?`
    )
  return found
}
