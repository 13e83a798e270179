/**
 * Export of a run's adversarial examples: one 8-bit PNG per example and `examples.csv` with the
 * true label, the attack's goal class and every model's prediction, so the examples can be inspected
 * or fed to a model outside the app.
 *
 * Predictions in the CSV are those made during the audit, on the float32 examples. The PNGs round
 * every pixel to the nearest k/255 (spec §3.1: rounding cannot leave the ε-box when x0 and ε are
 * multiples of 1/255, but it can change a prediction slightly); `export.json` records this.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { writeFileAtomic, writeJsonAtomic } from '../workspace/atomic-write'

export interface AdversarialBatch {
  /** Test-split indices of the examples, in batch order. */
  indices: number[]
  /** NHWC pixels in [0,1], `indices.length` images of `shape`. */
  pixels: Float32Array
  labels: ArrayLike<number>
  /** Goal class per example (the label when untargeted). */
  goals: ArrayLike<number>
  /** Prediction per model name, per example. */
  predictions: Record<string, ArrayLike<number>>
}

/** Encodes one H×W×C image (C = 1 or 3) in [0,1] as an 8-bit RGBA PNG. */
export function encodePng(
  pixels: Float32Array,
  offset: number,
  [height, width, channels]: [number, number, number]
): Buffer {
  if (channels !== 1 && channels !== 3)
    throw new Error(`PNG export handles 1 or 3 channels, got ${channels}`)
  const png = new PNG({ width, height })
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      const v = pixels[offset + p * channels + (channels === 1 ? 0 : c)]
      png.data[p * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255)
    }
    png.data[p * 4 + 3] = 255
  }
  return PNG.sync.write(png)
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** Writes `dir/adv-<index>.png` for every example, `dir/examples.csv` and `dir/export.json`. */
export async function exportAdversarialExamples(
  dir: string,
  batches: AdversarialBatch[],
  shape: [number, number, number],
  classNames: string[],
  meta: Record<string, unknown>
): Promise<number> {
  await mkdir(dir, { recursive: true })
  const models = Object.keys(batches[0]?.predictions ?? {})
  const name = (k: number): string => classNames[k] ?? String(k)
  const rows = [
    [
      'file',
      'test_index',
      'label',
      'label_name',
      'goal',
      ...models.flatMap((m) => [`${m}_prediction`, `${m}_prediction_name`])
    ]
      .map(csvField)
      .join(',')
  ]
  const size = shape[0] * shape[1] * shape[2]
  let count = 0
  for (const batch of batches) {
    for (let i = 0; i < batch.indices.length; i++) {
      const file = `adv-${String(batch.indices[i]).padStart(5, '0')}.png`
      // Plain writes for the many derived images; the CSV and manifest that list them are atomic.
      await writeFile(join(dir, file), encodePng(batch.pixels, i * size, shape))
      const preds = models.flatMap((m) => [
        String(batch.predictions[m][i]),
        name(batch.predictions[m][i])
      ])
      rows.push(
        [
          file,
          String(batch.indices[i]),
          String(batch.labels[i]),
          name(batch.labels[i]),
          String(batch.goals[i]),
          ...preds
        ]
          .map(csvField)
          .join(',')
      )
      count++
    }
  }
  await writeFileAtomic(join(dir, 'examples.csv'), rows.join('\n') + '\n')
  await writeJsonAtomic(join(dir, 'export.json'), {
    ...meta,
    count,
    roundedTo8Bit: true,
    predictionsOn: 'float32 examples before rounding'
  })
  return count
}
