import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { RunRecord } from '../../../../main/contract/run-record'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 2, batchSize: 50, lr: 0.05 }
/** A whole audit with a Harden step, every setting shrunk to seconds. */
const spec = AuditSpec.parse({
  name: 'tiny harden',
  seed: 1,
  dataset: { trainLimit: 300, testLimit: 80 },
  surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, seed: 5, recipe }],
  targets: [{ name: 'tcnn', arch: 'small-cnn', width: 4, seed: 2, recipe }],
  attack: { eps: 16 / 255, steps: 3, maxExamples: 30 },
  harden: {
    target: 'tcnn',
    recipes: ['sgd', 'sam-0.1', 'pgd-at'],
    adversarialTraining: { eps: 32 / 255, steps: 1 },
    whiteBox: { steps: 2, examples: 20 },
    flatness: {
      examples: 20,
      pgdSteps: 1,
      batchSize: 10,
      average: { samples: 2 },
      worst: { steps: 2, restarts: 2 }
    }
  }
})

describe('an audit with a Harden step (tiny, real engine)', () => {
  it('trains stand-ins, measures them, ranks the recipes and writes a recommendation from the numbers', async () => {
    const { ctx, events, runDir } = await auditContext(spec)
    const before = tf.memory().numTensors
    const record = await runAudit(spec, ctx)
    expect(tf.memory().numTensors).toBe(before)
    const h = record.results!.harden!
    expect(RunRecord.parse(JSON.parse(JSON.stringify(record))).results!.harden).toEqual(h)
    expect(h.target).toEqual({
      name: 'tcnn',
      arch: 'small-cnn',
      width: 4,
      source: 'trained target'
    })
    expect(h.recipes.map((r) => r.recipe).sort()).toEqual(['pgd-at', 'sam-0.1', 'sgd'])
    expect(h.recipes.map((r) => r.ranking.rank)).toEqual([1, 2, 3])
    const byId = Object.fromEntries(h.recipes.map((r) => [r.recipe, r]))
    // The SGD baseline of a trained target is that target: same weights, not retrained.
    const target = record.results!.models.find((m) => m.name === 'tcnn')!
    expect(byId.sgd.model.reusedTarget).toBe(true)
    expect(byId.sgd.model.hash).toBe(target.hash)
    expect(byId.sgd.naturalAccuracy).toBeCloseTo(target.accuracy, 10)
    // AT costs its PGD step on top of SGD's pass; SAM two passes.
    const n = 2 * Math.ceil(300 / 50)
    expect(byId['pgd-at'].model.passes).toBe(2 * n)
    expect(byId['sam-0.1'].model.passes).toBe(2 * n)
    for (const r of h.recipes) {
      expect(r.transfer.cells).toHaveLength(1)
      expect(r.transfer.strongest.attacked).toBe(h.evaluated.attacked)
      expect(r.whiteBox.examples).toBe(20)
      expect(r.whiteBox.robustAccuracy).toBeLessThanOrEqual(r.naturalAccuracy + 0.2)
      for (const v of [r.flatness.robustLoss, r.flatness.averageCase, r.flatness.worstCase])
        expect(Number.isFinite(v)).toBe(true)
    }
    expect(byId.sgd.ranking.score).toBe(0)
    const ranked = [...h.recipes].sort((a, b) => b.ranking.score - a.ranking.score)
    expect(ranked.map((r) => r.recipe)).toEqual(h.recipes.map((r) => r.recipe))
    // The text quotes the measured numbers, and names every recipe in its evidence.
    const sgdRate = `${(byId.sgd.transfer.strongest.successRate * 100).toFixed(1)} %`
    expect(h.recommendation.text).toContain(h.recommendation.recipe ? sgdRate : 'No recipe')
    for (const r of h.recipes) expect(h.recommendation.evidence.join('\n')).toContain(r.label)
    // AT ε 32/255 above the audit's 16/255: warned, still run.
    expect(h.warnings.join(' ')).toMatch(/larger than the audit's ε/)
    const tasks = events.find((e) => e.kind === 'started')
    const ids = [
      'train-harden-sam-0.1',
      'train-harden-pgd-at',
      'harden-evaluate',
      'harden-attack-sur',
      'harden-measure-sgd',
      'harden-measure-pgd-at',
      'harden-rank'
    ]
    expect(tasks?.kind === 'started' && tasks.tasks.map((t) => t.id)).toEqual(
      expect.arrayContaining(ids)
    )
    // No task trains the SGD baseline: it is tcnn.
    expect(tasks?.kind === 'started' && tasks.tasks.some((t) => t.id === 'train-harden-sgd')).toBe(
      false
    )
    for (const id of ids)
      expect(events.some((e) => e.kind === 'task-done' && e.taskId === id)).toBe(true)
    // Per-sample rows of the audit's own attack: one per attacked image, each target's call.
    const csv = await readFile(join(runDir, 'per-sample.csv'), 'utf8')
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe(
      'stack,surrogate,test_index,label,goal,surrogate_prediction,tcnn_prediction,tcnn_fooled'
    )
    expect(lines).toHaveLength(1 + record.results!.evaluated.attacked)
    const fooled = lines.slice(1).filter((l) => l.endsWith(',1')).length
    expect(fooled).toBe(record.results!.transfer[0].fooled)
  }, 300_000)
})
