/**
 * The attack part of an audit: every queued stack (attack-queue.ts) from each of its surrogates,
 * on the same attacked examples with the same seed rule, scored on every target.
 *
 * One task per (stack, surrogate). A one-stack audit keeps the task ids and export folders it had
 * before the queue existed (`attack-<surrogate>`, `adversarial/<surrogate>`). LGV members collected
 * from a surrogate are collected once and shared by every stack that asks for the same collection.
 */
import { join } from 'node:path'
import type { QueuedAttack } from '../../contract/attack-queue'
import type { AttackSpec, ModelSpec } from '../../contract/audit-spec'
import type { TaskInfo } from '../../contract/job-events'
import type { GalleryEntry } from '../../contract/run-gallery'
import type { TransferCell } from '../../contract/run-record'
import { checkAttackPlan, collectLgvMembers, loadLgvMembers } from '../attacks/attack-plan'
import type { ImageSplit } from '../data/dataset'
import { GalleryCollector, writeGallery } from '../evaluation/example-gallery'
import { exportAdversarialExamples, type AdversarialBatch } from '../evaluation/export-adversarial'
import { measureTransfer, type NamedModel, type NamedTarget } from '../evaluation/transfer-evaluation'
import type { Classifier } from '../models/classifier'
import { throttleProgress } from './progress-throttle'

/** Task id of one (stack, surrogate); the one-stack form is the pre-queue id. */
export function attackTaskId(queue: readonly QueuedAttack[], index: number, surrogate: string): string {
  return queue.length === 1 ? `attack-${surrogate}` : `attack-${index + 1}-${surrogate}`
}

/** The attack tasks of a queue, in run order. */
export function attackTasks(queue: readonly QueuedAttack[]): TaskInfo[] {
  return queue.flatMap((q, i) =>
    q.surrogates.map((s) => ({ id: attackTaskId(queue, i, s), kind: 'attack' as const, label: `${q.label} from ${s}, transfer to targets` }))
  )
}

/** Runs `checkAttackPlan` on every entry with its own surrogates; a queue entry's error names the entry. */
export function checkAttackQueue(queue: readonly QueuedAttack[], surrogates: ModelSpec[]): void {
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

export interface AttackQueueContext {
  queue: readonly QueuedAttack[]
  surrogates: NamedModel[]
  targets: NamedTarget[]
  train: ImageSplit
  test: ImageSplit
  /** Test indices every stack attacks (the one denominator). */
  attacked: number[]
  classNames: string[]
  flipPreservesLabel: boolean
  auditSeed: number
  runDir: string
  /** Examples per (stack, surrogate) in gallery.json; 0 writes no gallery. */
  gallerySize: number
  signal?: AbortSignal
  progress: (taskId: string, value: number, detail: string) => void
  taskDone: (taskId: string, seconds: number) => void
  /** Receives every LGV member loaded or collected, for the caller to dispose. */
  keep: (models: Classifier[]) => void
}

export interface AttackQueueResult {
  transfer: TransferCell[]
  whiteBox: { attack: string; surrogate: string; successRate: number }[]
  timings: Record<string, number>
}

export async function runAttackQueue(ctx: AttackQueueContext): Promise<AttackQueueResult> {
  const { queue, test } = ctx
  const transfer: TransferCell[] = []
  const whiteBox: AttackQueueResult['whiteBox'] = []
  const timings: Record<string, number> = {}
  const gallery: GalleryEntry[] = []
  const lgvCache = new Map<string, Promise<Classifier[]>>()
  const lgvMembersOf = (attack: AttackSpec, surrogate: NamedModel): Promise<Classifier[]> => {
    const lgv = attack.stack.lgv
    if (!lgv) return Promise.resolve([])
    const source = lgv.sources.find((s) => s.surrogate === surrogate.name)
    const key = JSON.stringify([surrogate.name, source ? source.dirs : lgv.collect])
    let members = lgvCache.get(key)
    if (!members) {
      members = (
        lgv.collect && !source
          ? collectLgvMembers(surrogate.model, ctx.train, lgv.collect, {
              seed: ctx.auditSeed,
              flipPreservesLabel: ctx.flipPreservesLabel,
              signal: ctx.signal
            })
          : loadLgvMembers(attack, surrogate.name, surrogate.model.config)
      ).then((m) => {
        ctx.keep(m)
        return m
      })
      lgvCache.set(key, members)
    }
    return members
  }
  const targetNames = ctx.targets.map((t) => t.name)
  for (const [index, { label, attack, surrogates }] of queue.entries()) {
    for (const surrogate of ctx.surrogates.filter((s) => surrogates.includes(s.name))) {
      const taskId = attackTaskId(queue, index, surrogate.name)
      const taskStart = performance.now()
      const progress = throttleProgress((value: number, detail: string) => ctx.progress(taskId, value, detail))
      const lgvMembers = await lgvMembersOf(attack, surrogate)
      const examples: AdversarialBatch[] = []
      const collector = new GalleryCollector(test, surrogate.name, targetNames, attack, ctx.gallerySize)
      const seed = attack.seed ?? ctx.auditSeed
      const result = await measureTransfer(surrogate, ctx.targets, test, ctx.attacked, attack, {
        signal: ctx.signal,
        seed,
        lgvMembers,
        onExamples: (batch) => {
          if (attack.exportExamples) examples.push(batch)
          collector.add(batch)
        },
        onBatch: (done, total) => progress(done / total, `${done}/${total} examples`)
      })
      transfer.push(...result.cells.map((c) => ({ attack: label, ...c })))
      if (attack.exportExamples) {
        // One stack keeps the pre-queue folder; a queue adds the stack's 1-based position.
        const folder = queue.length === 1 ? [surrogate.name] : [`${index + 1}`, surrogate.name]
        const shape: [number, number, number] = [test.height, test.width, test.channels]
        const meta = { surrogate: surrogate.name, stack: label, seed, attack }
        await exportAdversarialExamples(join(ctx.runDir, 'adversarial', ...folder), examples, shape, ctx.classNames, meta)
      }
      whiteBox.push({ attack: label, surrogate: surrogate.name, successRate: result.whiteBoxRate })
      if (ctx.gallerySize > 0) gallery.push(collector.entry(label))
      timings[taskId] = (performance.now() - taskStart) / 1000
      ctx.taskDone(taskId, timings[taskId])
    }
  }
  if (ctx.gallerySize > 0) await writeGallery(ctx.runDir, test, ctx.classNames, gallery)
  return { transfer, whiteBox, timings }
}
