/**
 * One queued attack stack (attack-queue.ts) from one surrogate, scored on every target, on the
 * examples the evaluate task chose. Task ids and export folders are those of run-attack-queue.ts,
 * so a one-stack audit keeps `attack-<surrogate>` and `adversarial/<surrogate>`.
 */
import { join } from 'node:path'
import { attackQueue } from '../../../contract/attack-queue'
import { GALLERY_DEFAULT_SIZE, type GalleryEntry } from '../../../contract/run-gallery'
import type { TransferCell } from '../../../contract/run-record'
import { attackPasses } from '../../../contract/time-estimate'
import { loadLgvMembers } from '../../attacks/attack-plan'
import { loadRowSurrogate } from '../../attacks/ensemble/ensemble-surrogate'
import {
  attackRowId,
  attackRows,
  withoutEnsemble
} from '../../../contract/techniques/ensemble-rows'
import { GalleryCollector, writeGallery } from '../../evaluation/example-gallery'
import {
  exportAdversarialExamples,
  type AdversarialBatch
} from '../../evaluation/export-adversarial'
import { joinPerSampleFiles, PerSampleResults } from '../../evaluation/per-sample-results'
import { measureTransfer, type NamedTarget } from '../../evaluation/transfer-evaluation'
import type { Classifier } from '../../models/classifier'
import { loadImportedTarget } from '../../jobs/load-imported-target'
import { throttleProgress } from '../../jobs/progress-throttle'
import { attackTaskId, attackTasks } from '../../jobs/run-attack-queue'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { loadRunModel } from '../load-run-model'
import { EVALUATE_TASK_ID, type EvaluateResult } from './evaluate-task'
import { lgvCollections, lgvKey, type LgvResult } from './lgv-task'
import { modelFolder, trainTaskId, type TrainResult } from './train-task'

export interface AttackParams {
  /** Position of the stack in the queue. */
  stack: number
  surrogate: string
  /** An ensemble row's members ("ensemble(a, b)" is then `surrogate`). */
  members?: string[]
  /** The LGV collection task whose members this attack uses, if any. */
  lgvTask?: string
}

export interface AttackResult {
  cells: TransferCell[]
  whiteBox: { attack: string; surrogate: string; successRate: number }
  gallery: GalleryEntry
}

/** The run-relative CSV of one attack task's per-sample rows (joined into per-sample.csv at the end). */
const perSampleFile = (taskId: string): string => `per-sample/${taskId}.csv`

export const attackTask: TaskKindDefinition<AttackParams, AttackResult> = {
  kind: 'attack',
  shownAs: 'attack',
  plan(spec) {
    const queue = attackQueue(spec)
    const lgv = lgvCollections(spec)
    const labels = new Map(attackTasks(queue).map((t) => [t.id, t.label]))
    return queue.flatMap(({ attack, surrogates }, stack) =>
      attackRows(attack, surrogates).map(({ surrogate, members }) => {
        const row = attackRowId({ surrogate, members })
        const id = attackTaskId(queue, stack, row)
        const lgvTask =
          !members && attack.stack.lgv?.collect
            ? lgv.get(lgvKey(surrogate, attack.stack.lgv.collect))?.id
            : undefined
        const folder = queue.length === 1 ? [row] : [`${stack + 1}`, row]
        return {
          id,
          kind: 'attack',
          label: labels.get(id) ?? id,
          deps: [
            EVALUATE_TASK_ID,
            ...(members ?? [surrogate]).map(trainTaskId),
            ...spec.targets.map((t) => trainTaskId(t.name)),
            ...(lgvTask ? [lgvTask] : [])
          ],
          seed: attack.seed ?? spec.seed,
          cost: attackPasses(members ? attack : withoutEnsemble(attack), attack.maxExamples),
          outputs: [
            perSampleFile(id),
            ...(attack.exportExamples ? [`adversarial/${folder.join('/')}`] : [])
          ],
          params: {
            stack,
            surrogate,
            ...(members ? { members } : {}),
            ...(lgvTask ? { lgvTask } : {})
          }
        }
      })
    )
  },
  run: attack,
  async collect(outcomes, { results, runDir, dataset }) {
    for (const { result } of outcomes) {
      results.transfer.push(...result.cells)
      results.whiteBox.push(result.whiteBox)
    }
    if (GALLERY_DEFAULT_SIZE > 0)
      await writeGallery(
        runDir,
        dataset.test,
        dataset.classNames,
        outcomes.map((o) => o.result.gallery)
      )
    await joinPerSampleFiles(
      runDir,
      outcomes.map((o) => perSampleFile(o.task.id))
    )
  }
}

async function attack(task: AuditTask<AttackParams>, ctx: TaskContext): Promise<AttackResult> {
  const { spec } = ctx.job
  const queue = attackQueue(spec)
  const { label, attack: stackAttack } = queue[task.params.stack]
  const { dataset } = await auditData(spec)
  const { test } = dataset
  const hashOf = (model: string): string => (ctx.job.deps[trainTaskId(model)] as TrainResult).hash
  const load = (name: string): Promise<Classifier> =>
    loadRunModel(ctx, modelFolder(name), hashOf(name))
  const { surrogate, attack, ensembleMembers } = await loadRowSurrogate(
    task.params,
    stackAttack,
    load
  )
  const targets: NamedTarget[] = []
  for (const t of spec.targets)
    targets.push({
      name: t.name,
      model: await loadRunModel(ctx, modelFolder(t.name), hashOf(t.name))
    })
  for (const t of spec.importedTargets ?? []) {
    const loaded = await loadImportedTarget(t, dataset)
    ctx.defer(() => loaded.model.dispose())
    targets.push(loaded)
  }
  const lgvMembers: Classifier[] = []
  if (task.params.lgvTask) {
    for (const m of (ctx.job.deps[task.params.lgvTask] as LgvResult).members)
      lgvMembers.push(await loadRunModel(ctx, m.folder, m.hash))
  } else {
    const loaded = await loadLgvMembers(attack, surrogate.name, surrogate.model.config)
    for (const m of loaded) ctx.defer(() => m.params.dispose())
    lgvMembers.push(...loaded)
  }
  const { attacked } = ctx.job.deps[EVALUATE_TASK_ID] as EvaluateResult
  const progress = throttleProgress((value: number, detail: string) =>
    ctx.emit({ kind: 'task-progress', taskId: task.id, value, detail })
  )
  const examples: AdversarialBatch[] = []
  const targetNames = targets.map((t) => t.name)
  const collector = new GalleryCollector(
    test,
    surrogate.name,
    targetNames,
    attack,
    GALLERY_DEFAULT_SIZE
  )
  const perSample = new PerSampleResults(targetNames, dataset.classNames, attack.targeted)
  const result = await measureTransfer(surrogate, targets, test, attacked, attack, {
    signal: ctx.signal,
    seed: task.seed,
    lgvMembers,
    ensembleMembers,
    onExamples: (batch) => {
      if (attack.exportExamples) examples.push(batch)
      collector.add(batch)
      perSample.add(label, surrogate.name, batch)
    },
    onBatch: (done, total) => progress(done / total, `${done}/${total} examples`)
  })
  await perSample.write(join(ctx.runDir, perSampleFile(task.id)))
  if (attack.exportExamples) {
    const shape: [number, number, number] = [test.height, test.width, test.channels]
    const meta = { surrogate: surrogate.name, stack: label, seed: task.seed, attack }
    await exportAdversarialExamples(
      join(ctx.runDir, task.outputs[1]),
      examples,
      shape,
      dataset.classNames,
      meta
    )
  }
  return {
    cells: result.cells.map((c) => ({ attack: label, ...c })),
    whiteBox: { attack: label, surrogate: surrogate.name, successRate: result.whiteBoxRate },
    gallery: collector.entry(label)
  }
}
