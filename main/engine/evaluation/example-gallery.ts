/**
 * Example gallery of a run (contract: run-gallery.ts): for each queued stack and surrogate, the
 * first attacked examples of the first repeat as small PNG data URLs, with every prediction.
 *
 * The perturbation image is amplified so a few grey levels are visible: under L∞ grey = 0.5 +
 * δ·0.5/ε, so mid-grey means "unchanged" and black / white mean −ε / +ε (the same scale for every
 * example, so images compare). Under L2 a single pixel may move far more than ε/√d, so each image is
 * scaled by its own largest |δ| instead: grey = 0.5 + δ·0.5/max|δ|.
 */
import { join } from 'node:path'
import { describeSpecError, type AttackSpec } from '../../contract/audit-spec'
import { RunGallery, type GalleryEntry, type GalleryExample } from '../../contract/run-gallery'
import type { ImageSplit } from '../data/dataset'
import { readJsonFile, writeJsonAtomic } from '../workspace/atomic-write'
import { encodePng, type AdversarialBatch } from './export-adversarial'

export const GALLERY_FILE = 'gallery.json'

export const PERTURBATION_SCALE =
  'L∞: grey = 0.5 + δ·0.5/ε (mid-grey: unchanged; black and white: −ε and +ε). L2: grey = 0.5 + δ·0.5/max|δ| of each image'

const dataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`

/** Keeps the first `limit` examples of one (stack, surrogate) from the batches the attack reports. */
export class GalleryCollector {
  private readonly examples: GalleryExample[] = []

  constructor(
    private readonly split: ImageSplit,
    private readonly surrogate: string,
    private readonly targets: string[],
    private readonly attack: AttackSpec,
    private readonly limit: number
  ) {}

  get full(): boolean {
    return this.examples.length >= this.limit
  }

  add(batch: AdversarialBatch): void {
    const { height, width, channels } = this.split
    const shape: [number, number, number] = [height, width, channels]
    const size = height * width * channels
    for (let i = 0; i < batch.indices.length && !this.full; i++) {
      const k = batch.indices[i]
      const original = new Float32Array(size)
      const delta = new Float32Array(size)
      let linf = 0
      for (let p = 0; p < size; p++) {
        original[p] = this.split.images[k * size + p] / 255
        delta[p] = batch.pixels[i * size + p] - original[p]
        linf = Math.max(linf, Math.abs(delta[p]))
      }
      const scale = this.attack.norm === 'linf' ? 0.5 / this.attack.eps : linf > 0 ? 0.5 / linf : 0
      const amplified = delta.map((d) => 0.5 + d * scale)
      const predictions: Record<string, number> = {}
      for (const t of this.targets) predictions[t] = Number(batch.predictions[t][i])
      this.examples.push({
        index: k,
        label: Number(batch.labels[i]),
        goal: Number(batch.goals[i]),
        surrogatePrediction: Number(batch.predictions[this.surrogate][i]),
        predictions,
        original: dataUrl(encodePng(original, 0, shape)),
        adversarial: dataUrl(encodePng(batch.pixels, i * size, shape)),
        perturbation: dataUrl(encodePng(amplified, 0, shape)),
        linf
      })
    }
  }

  entry(attackLabel: string): GalleryEntry {
    const { norm, eps, targeted } = this.attack
    return {
      attack: attackLabel,
      surrogate: this.surrogate,
      targets: this.targets,
      targeted,
      norm,
      eps,
      examples: this.examples
    }
  }
}

/** Writes `runDir/gallery.json`. */
export async function writeGallery(
  runDir: string,
  split: ImageSplit,
  classNames: string[],
  entries: GalleryEntry[]
): Promise<void> {
  const gallery: RunGallery = {
    version: 1,
    shape: [split.height, split.width, split.channels],
    classNames,
    perturbationScale: PERTURBATION_SCALE,
    entries
  }
  await writeJsonAtomic(join(runDir, GALLERY_FILE), gallery)
}

/**
 * Reads `runDir/gallery.json`: null when the run has none (older runs, runs that failed before the
 * attack); a file that is not a valid gallery throws a message naming it.
 */
export async function readGallery(runDir: string): Promise<RunGallery | null> {
  const path = join(runDir, GALLERY_FILE)
  let json: unknown
  try {
    json = await readJsonFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const parsed = RunGallery.safeParse(json)
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid example gallery (${describeSpecError(parsed.error)}): delete it; the run itself is unaffected`
    )
  return parsed.data
}
