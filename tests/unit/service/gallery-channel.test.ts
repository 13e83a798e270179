import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { AuditSpec } from '../../../main/contract/audit-spec'
import type { RunRecord } from '../../../main/contract/run-record'
import type { ImageSplit } from '../../../main/engine/data/dataset'
import { GalleryCollector, writeGallery } from '../../../main/engine/evaluation/example-gallery'
import { recordingService } from '../helpers/recording-service'

const spec = AuditSpec.parse({
  surrogates: [{ name: 'sur', arch: 'small-cnn' }],
  targets: [{ name: 'tgt', arch: 'small-cnn' }]
})

const record = (id: string): RunRecord => ({
  id,
  name: 'gallery run',
  status: 'completed',
  createdAt: '2026-11-22T00:00:00.000Z',
  finishedAt: '2026-11-22T00:01:00.000Z',
  spec,
  seed: 0,
  backend: 'cpu',
  versions: {},
  dataset: { name: 'tiny', train: 1, test: 2, shape: [2, 2, 1] },
  timings: {},
  results: {
    models: [],
    transfer: [
      { attack: 'BIM', surrogate: 'sur', target: 'tgt', successRate: 0.5, fooled: 1, attacked: 2 }
    ],
    whiteBox: [{ attack: 'BIM', surrogate: 'sur', successRate: 1 }],
    evaluated: { candidates: 2, allCorrect: 2, attacked: 2 },
    attackSeconds: 1
  }
})

/** Two 2×2 grey images and their adversarial versions, one pixel moved by ±ε. */
function tinyGallery(limit: number) {
  const images = new Uint8Array([0, 51, 102, 255, 10, 20, 30, 40])
  const split: ImageSplit = {
    images,
    labels: new Uint8Array([1, 2]),
    count: 2,
    height: 2,
    width: 2,
    channels: 1
  }
  const eps = 51 / 255
  const pixels = new Float32Array([
    eps,
    51 / 255,
    102 / 255,
    1,
    10 / 255,
    20 / 255,
    30 / 255 - eps,
    40 / 255
  ])
  const collector = new GalleryCollector(split, 'sur', ['tgt'], { ...spec.attack, eps }, limit)
  collector.add({
    indices: [0, 1],
    pixels,
    labels: [1, 2],
    goals: [1, 2],
    predictions: { sur: [0, 0], tgt: [1, 0] }
  })
  return { split, entry: collector.entry('BIM') }
}

describe('runs.gallery', () => {
  it('keeps the first examples with every prediction and an amplified perturbation', () => {
    const { entry } = tinyGallery(1)
    expect(entry.examples).toHaveLength(1)
    const [x] = entry.examples
    expect(x).toMatchObject({ index: 0, label: 1, surrogatePrediction: 0, predictions: { tgt: 1 } })
    expect(x.linf).toBeCloseTo(51 / 255, 6)
    expect(x.perturbation.startsWith('data:image/png;base64,')).toBe(true)
  })

  it('serves a run’s gallery, null for a run without one, and refuses unknown runs and broken files', async () => {
    const { service } = await recordingService()
    await service.runStore.create(record('with-gallery'))
    await service.runStore.create(record('without-gallery'))
    const { split, entry } = tinyGallery(12)
    await writeGallery(service.runStore.runDir('with-gallery'), split, ['a', 'b', 'c'], [entry])

    const gallery = (await service.handle(Channels.GetGallery, { runId: 'with-gallery' })) as {
      entries: { examples: unknown[] }[]
      shape: number[]
    }
    expect(gallery.shape).toEqual([2, 2, 1])
    expect(gallery.entries[0].examples).toHaveLength(2)
    expect(await service.handle(Channels.GetGallery, { runId: 'without-gallery' })).toBeNull()
    await expect(service.handle(Channels.GetGallery, { runId: 'no-such-run' })).rejects.toThrow(
      /no-such-run/
    )

    // The report shows the gallery section when the run has one.
    const { html } = (await service.handle(Channels.ReportHtml, { runId: 'with-gallery' })) as {
      html: string
    }
    expect(html).toContain('Example gallery')
    expect(html).toContain('tgt: b ✓')

    await writeFile(
      join(service.runStore.runDir('without-gallery'), 'gallery.json'),
      '{"version": 2}'
    )
    await expect(service.handle(Channels.GetGallery, { runId: 'without-gallery' })).rejects.toThrow(
      /gallery\.json is not a valid example gallery/
    )
  })
})
