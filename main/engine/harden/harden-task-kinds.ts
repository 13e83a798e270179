/**
 * The Harden step's task kinds, in planning order (tasks/task-kinds.ts lists them after the audit's):
 * train the stand-ins, measure their natural accuracy, attack them with the audit's stacks, measure
 * their white-box robustness and robust-loss flatness, then rank the recipes.
 */
import type { TaskKindDefinition } from '../tasks/audit-task'
import { hardenAttackTask } from './tasks/harden-attack-task'
import { hardenEvaluateTask } from './tasks/harden-evaluate-task'
import { hardenMeasureTask } from './tasks/harden-measure-task'
import { hardenRankTask } from './tasks/harden-rank-task'
import { hardenTrainTask } from './tasks/harden-train-task'

export const HARDEN_TASK_KINDS: readonly TaskKindDefinition[] = [
  hardenTrainTask,
  hardenEvaluateTask,
  hardenAttackTask,
  hardenMeasureTask,
  hardenRankTask
]
