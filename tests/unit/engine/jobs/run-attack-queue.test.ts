/**
 * Attack queue end to end on tiny models: several stacks against the same targets and examples,
 * one cell per (stack, surrogate, target), and the example gallery written next to the run.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { RunGallery } from '../../../../main/contract/run-gallery'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { loadDataset } from '../../../../main/engine/data/load-dataset'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

/** Grey levels (red channel) of a PNG data URL, in [0,1]. */
function decodeGrey(url: string): { width: number; height: number; grey: number[] } {
  const png = PNG.sync.read(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))
  const grey: number[] = []
  for (let p = 0; p < png.width * png.height; p++) grey.push(png.data[p * 4] / 255)
  return { width: png.width, height: png.height, grey }
}

describe('runAudit with an attack queue (real engine, tiny models)', () => {
  it('scores every stack on the same examples and writes a gallery within ε', async () => {
    const recipe = { epochs: 2, batchSize: 50, lr: 0.05 }
    const eps = 24 / 255
    const spec = AuditSpec.parse({
      name: 'queue',
      dataset: { trainLimit: 300, testLimit: 100 },
      surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }],
      targets: [
        { name: 'ta', arch: 'small-cnn', width: 6, seed: 2, recipe },
        { name: 'tb', arch: 'small-resnet', width: 4, seed: 3, recipe }
      ],
      attacks: [
        { label: 'bim-a', eps, steps: 4, maxExamples: 16, repeats: 1 },
        { label: 'bim-b', eps, steps: 4, maxExamples: 16, repeats: 1 },
        { eps, steps: 4, maxExamples: 16, repeats: 1, stack: { mi: {} } }
      ]
    })
    const { ctx, events, store, runId } = await auditContext(spec)
    await runAudit(spec, ctx)
    const done = events.flatMap((e) =>
      e.kind === 'task-done' && e.taskId.startsWith('attack') ? [e.taskId] : []
    )
    expect(done).toEqual(['attack-1-sur', 'attack-2-sur', 'attack-3-sur'])

    const results = (await store.get(runId)).results!
    expect(results.transfer.map((c) => `${c.attack}|${c.target}`)).toEqual([
      'bim-a|ta',
      'bim-a|tb',
      'bim-b|ta',
      'bim-b|tb',
      'BIM + MI|ta',
      'BIM + MI|tb'
    ])
    const attacked = results.evaluated.attacked
    expect(attacked).toBeGreaterThan(0)
    for (const c of results.transfer) expect(c.attacked).toBe(attacked)
    // The same BIM queued twice: the same examples and seed give the same counts.
    const of = (attack: string) =>
      results.transfer.filter((c) => c.attack === attack).map((c) => c.fooled)
    expect(of('bim-b')).toEqual(of('bim-a'))
    expect(results.whiteBox.map((w) => w.attack)).toEqual(['bim-a', 'bim-b', 'BIM + MI'])

    const dataset = await loadDataset(spec.dataset, spec.seed)
    const gallery = RunGallery.parse(
      JSON.parse(await readFile(join(store.runDir(runId), 'gallery.json'), 'utf8'))
    )
    expect(gallery.shape).toEqual([28, 28, 1])
    expect(gallery.entries.map((e) => e.attack)).toEqual(['bim-a', 'bim-b', 'BIM + MI'])
    const [a, b] = gallery.entries
    expect(a.examples).toHaveLength(Math.min(12, attacked))
    expect(b.examples.map((x) => x.index)).toEqual(a.examples.map((x) => x.index))
    expect(a.targets).toEqual(['ta', 'tb'])
    for (const example of a.examples) {
      expect(example.label).toBe(dataset.test.labels[example.index])
      expect(Object.keys(example.predictions)).toEqual(['ta', 'tb'])
      const original = decodeGrey(example.original)
      const adversarial = decodeGrey(example.adversarial)
      const perturbation = decodeGrey(example.perturbation)
      expect([original.width, original.height, adversarial.width, perturbation.height]).toEqual([
        28, 28, 28, 28
      ])
      original.grey.forEach((v, p) => {
        expect(v).toBeCloseTo(dataset.test.images[example.index * 784 + p] / 255, 6)
        // 8-bit rounding of the adversarial image may add half a grey level.
        expect(Math.abs(adversarial.grey[p] - v)).toBeLessThanOrEqual(eps + 0.5 / 255 + 1e-9)
        // Amplified L∞ perturbation: 0.5 + δ·0.5/ε, up to PNG rounding.
        expect(
          Math.abs(perturbation.grey[p] - (0.5 + (adversarial.grey[p] - v) * (0.5 / eps)))
        ).toBeLessThan(0.05)
      })
      expect(example.linf).toBeLessThanOrEqual(eps + 1e-6)
      expect(example.linf).toBeGreaterThan(0)
    }
  }, 120_000)
})
