/**
 * Reads a model's declared rank-4 input shape into [height, width, channels], refusing shapes
 * the audit cannot feed: another rank, dynamic (named or -1) image dimensions, or channels other
 * than 1 or 3. The batch dimension may be dynamic; a fixed batch size is returned apart.
 */
import { TargetImportError } from './target-model'
import type { ImageShape } from './target-preprocessing'

export type Dim = number | string | null | undefined

export function resolveInputShape(
  file: string,
  dims: readonly Dim[],
  layout: 'NCHW' | 'NHWC'
): { shape: ImageShape; batch?: number } {
  const shown = `[${dims.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : '?')).join(', ')}]`
  if (dims.length !== 4)
    throw new TargetImportError(
      file,
      `the model's input has shape ${shown}; an image classifier takes a rank-4 batch of images (${layout}).`
    )
  const [c, h, w] = layout === 'NCHW' ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]]
  const fixed = (d: Dim): boolean => typeof d === 'number' && d > 0
  if (!fixed(h) || !fixed(w) || !fixed(c))
    throw new TargetImportError(
      file,
      `the model's input shape ${shown} has dynamic image dimensions; re-export it with a fixed height, width and channels ` +
        `(only the batch dimension may be dynamic).`
    )
  if (c !== 1 && c !== 3)
    throw new TargetImportError(
      file,
      `the model's input shape ${shown} read as ${layout} has ${c} channels; expected 1 or 3. Check preprocessing.layout (NCHW or NHWC).`
    )
  const batch = typeof dims[0] === 'number' && dims[0] > 0 ? dims[0] : undefined
  return { shape: [h as number, w as number, c as number], batch }
}
