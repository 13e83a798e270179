/**
 * The example gallery of a run: `runs/<id>/gallery.json`.
 *
 * For each (queued stack, surrogate), the first few attacked examples of the first repeat: the clean
 * image, the adversarial image, the perturbation amplified to the full grey range, the true label and
 * every model's prediction on the adversarial image. Images are small PNG data URLs, so the UI and
 * the report show them without serving files.
 */
import { z } from 'zod'

/** Examples kept per (stack, surrogate) unless the engine is told otherwise. */
export const GALLERY_DEFAULT_SIZE = 12

const PngDataUrl = z
  .string()
  .startsWith('data:image/png;base64,', 'gallery images are PNG data URLs')

export const GalleryExample = z.object({
  /** Index in the test split. */
  index: z.number().int().min(0),
  label: z.number().int().min(0),
  /** Goal class: the label when untargeted, (label + 1) mod C when targeted. */
  goal: z.number().int().min(0),
  /** The surrogate's prediction on the adversarial image (white-box). */
  surrogatePrediction: z.number().int().min(0),
  /** Each target's prediction on the adversarial image, by target name. */
  predictions: z.record(z.string(), z.number().int().min(0)),
  original: PngDataUrl,
  adversarial: PngDataUrl,
  perturbation: PngDataUrl,
  /** Largest |adversarial − original| over the pixels of the float32 example (before 8-bit rounding). */
  linf: z.number().min(0)
})
export type GalleryExample = z.infer<typeof GalleryExample>

export const GalleryEntry = z.object({
  /** Label of the queued stack (attack-queue.ts). */
  attack: z.string(),
  surrogate: z.string(),
  /** Target names in column order. */
  targets: z.array(z.string()),
  targeted: z.boolean(),
  norm: z.enum(['linf', 'l2']),
  eps: z.number(),
  examples: z.array(GalleryExample)
})
export type GalleryEntry = z.infer<typeof GalleryEntry>

export const RunGallery = z.object({
  version: z.literal(1),
  /** Height, width, channels of every image. */
  shape: z.tuple([
    z.number().int().positive(),
    z.number().int().positive(),
    z.number().int().positive()
  ]),
  classNames: z.array(z.string()),
  /** How the perturbation image maps δ to grey levels, in words (it differs between L∞ and L2). */
  perturbationScale: z.string(),
  entries: z.array(GalleryEntry)
})
export type RunGallery = z.infer<typeof RunGallery>

/** Whether a model counts as fooled by an example: a wrong class (untargeted) or the goal class (targeted). */
export function isFooled(
  prediction: number,
  example: Pick<GalleryExample, 'label' | 'goal'>,
  targeted: boolean
): boolean {
  return targeted ? prediction === example.goal : prediction !== example.label
}
