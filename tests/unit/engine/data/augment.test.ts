import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import {
  applyAugment,
  augmentBatch,
  drawAugmentParams,
  type AugmentParams
} from '../../../../main/engine/data/augment'
import { Rng } from '../../../../main/engine/data/rng'

/** A batch whose every value is distinct and non-zero, so a shifted or flipped copy is recognisable. */
function distinctBatch(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const size = n * h * w * c
  return tf.tensor4d(
    Float32Array.from({ length: size }, (_, i) => (i + 1) / size),
    [n, h, w, c]
  )
}

/** Reference from the definition: out = flip(crop(pad(x))) for one example, in plain JS. */
function reference(
  x: Float32Array,
  shape: [number, number, number, number],
  e: number,
  offsetY: number,
  offsetX: number,
  flip: boolean,
  padding: number
): number[] {
  const [, h, w, c] = shape
  const out: number[] = []
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const sy = i + offsetY - padding
      const sx = (flip ? w - 1 - j : j) + offsetX - padding
      for (let ch = 0; ch < c; ch++) {
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w
        out.push(inside ? x[((e * h + sy) * w + sx) * c + ch] : 0)
      }
    }
  }
  return out
}

function example(values: Float32Array, shape: number[], e: number): number[] {
  const size = shape[1] * shape[2] * shape[3]
  return [...values.subarray(e * size, (e + 1) * size)]
}

function params(offsetY: number[], offsetX: number[], flip: number[]): AugmentParams {
  return {
    offsetY: Int32Array.from(offsetY),
    offsetX: Int32Array.from(offsetX),
    flip: Uint8Array.from(flip)
  }
}

describe('drawAugmentParams', () => {
  it('draws offsets over the whole range [0, 2·padding] and flips about half the time', () => {
    const p = drawAugmentParams(4000, { cropPadding: 3, flip: true }, new Rng(7))
    expect(new Set(p.offsetY)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]))
    expect(new Set(p.offsetX)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]))
    const flips = p.flip.reduce((a, b) => a + b, 0) / 4000
    expect(flips).toBeGreaterThan(0.45)
    expect(flips).toBeLessThan(0.55)
  })

  it('never flips when flip is off, and draws nothing when there is nothing to draw', () => {
    const noFlip = drawAugmentParams(100, { cropPadding: 2, flip: false }, new Rng(1))
    expect(noFlip.flip.every((f) => f === 0)).toBe(true)
    const rng = new Rng(5)
    drawAugmentParams(100, { cropPadding: 0, flip: false }, rng)
    expect(rng.next()).toBe(new Rng(5).next())
  })

  it('rejects a negative or fractional padding, naming cropPadding', () => {
    for (const cropPadding of [-1, 1.5]) {
      expect(() => drawAugmentParams(1, { cropPadding, flip: false }, new Rng(0))).toThrow(
        `cropPadding must be a whole number ≥ 0, got ${cropPadding}`
      )
    }
  })
})

describe.each(['cpu', 'wasm'])('augmentBatch on %s', (backend) => {
  beforeAll(async () => {
    // The app's own wasm set-up (binary paths); the cpu backend needs none.
    if (backend === 'wasm') await initBackend({ prefer: ['wasm'] })
    expect(await tf.setBackend(backend)).toBe(true)
  })

  it('keeps shape and dtype', () => {
    const x = distinctBatch(5, 7, 6, 2)
    const y = augmentBatch(x, { cropPadding: 2, flip: true }, new Rng(1))
    expect(y.shape).toEqual([5, 7, 6, 2])
    expect(y.dtype).toBe('float32')
    tf.dispose([x, y])
  })

  it('is the identity, as a new tensor, with cropPadding 0 and flip off', () => {
    const x = distinctBatch(4, 5, 5, 1)
    const y = augmentBatch(x, { cropPadding: 0, flip: false }, new Rng(1))
    expect(y).not.toBe(x)
    expect([...y.dataSync()]).toEqual([...x.dataSync()])
    x.dispose()
    expect(y.dataSync().length).toBe(25 * 4) // still readable after the input is gone
    y.dispose()
  })

  it('fills the padding with zeros at the extreme offsets', () => {
    const pad = 2
    const x = tf.ones([2, 5, 6, 1]) as tf.Tensor4D
    // Example 0 crops the top-left corner of the padded image, example 1 the bottom-right.
    const y = applyAugment(x, params([0, 2 * pad], [0, 2 * pad], [0, 0]), pad)
    const v = y.arraySync()
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 6; j++) {
        expect(v[0][i][j][0]).toBe(i < pad || j < pad ? 0 : 1)
        expect(v[1][i][j][0]).toBe(i >= 5 - pad || j >= 6 - pad ? 0 : 1)
      }
    }
    tf.dispose([x, y])
  })

  it('shifts content by the offset: the centre offset keeps the image, others move it', () => {
    const x = distinctBatch(3, 4, 5, 2)
    const data = x.dataSync() as Float32Array
    const y = applyAugment(x, params([1, 0, 2], [1, 2, 1], [0, 0, 0]), 1)
    const out = y.dataSync() as Float32Array
    expect(example(out, y.shape, 0)).toEqual(example(data, x.shape, 0))
    expect(example(out, y.shape, 1)).toEqual(reference(data, x.shape, 1, 0, 2, false, 1))
    expect(example(out, y.shape, 2)).toEqual(reference(data, x.shape, 2, 2, 1, false, 1))
    tf.dispose([x, y])
  })

  it('flips a known image left to right, keeping channel order', () => {
    // One 2×3 image with 2 channels: pixel (i, j) holds [10·i + j, 100 + 10·i + j].
    const img = [
      [
        [0, 100],
        [1, 101],
        [2, 102]
      ],
      [
        [10, 110],
        [11, 111],
        [12, 112]
      ]
    ]
    const x = tf.tensor4d([img])
    const y = applyAugment(x, params([0], [0], [1]), 0)
    expect(y.arraySync()).toEqual([
      [
        [
          [2, 102],
          [1, 101],
          [0, 100]
        ],
        [
          [12, 112],
          [11, 111],
          [10, 110]
        ]
      ]
    ])
    tf.dispose([x, y])
  })

  it('makes every example a valid crop-and-flip of its input', () => {
    const pad = 2
    const x = distinctBatch(24, 6, 6, 1)
    const data = x.dataSync() as Float32Array
    const y = augmentBatch(x, { cropPadding: pad, flip: true }, new Rng(11))
    const out = y.dataSync() as Float32Array
    const seen = new Set<string>()
    for (let e = 0; e < 24; e++) {
      const actual = example(out, y.shape, e)
      const matches: string[] = []
      for (let oy = 0; oy <= 2 * pad; oy++) {
        for (let ox = 0; ox <= 2 * pad; ox++) {
          for (const flip of [false, true]) {
            const expected = reference(data, x.shape, e, oy, ox, flip, pad)
            if (expected.every((v, k) => v === actual[k])) matches.push(`${oy},${ox},${flip}`)
          }
        }
      }
      expect(matches).toHaveLength(1)
      seen.add(matches[0])
    }
    // 24 draws from 50 choices: the batch is not one transform repeated.
    expect(seen.size).toBeGreaterThan(10)
    expect([...seen].some((s) => s.endsWith('true'))).toBe(true)
    expect([...seen].some((s) => s.endsWith('false'))).toBe(true)
    tf.dispose([x, y])
  })

  it('gives the same output for the same seed and a different one for another seed', () => {
    const x = distinctBatch(16, 8, 8, 1)
    const options = { cropPadding: 3, flip: true }
    const a = augmentBatch(x, options, new Rng(42))
    const b = augmentBatch(x, options, new Rng(42))
    const c = augmentBatch(x, options, new Rng(43))
    expect([...a.dataSync()]).toEqual([...b.dataSync()])
    expect([...a.dataSync()]).not.toEqual([...c.dataSync()])
    tf.dispose([x, a, b, c])
  })

  it('leaks no tensors', () => {
    const x = distinctBatch(8, 6, 6, 1)
    const before = tf.memory().numTensors
    for (const options of [
      { cropPadding: 2, flip: true },
      { cropPadding: 0, flip: true },
      { cropPadding: 0, flip: false }
    ]) {
      augmentBatch(x, options, new Rng(3)).dispose()
    }
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
  })

  it('rejects params for another batch size', () => {
    const x = distinctBatch(2, 3, 3, 1)
    expect(() => applyAugment(x, params([0], [0], [0]), 0)).toThrow(
      'params are for 1 examples but the batch has 2'
    )
    x.dispose()
  })

  it('rejects offsets outside [0, 2·padding], naming the example', () => {
    const x = distinctBatch(2, 3, 3, 1)
    expect(() => applyAugment(x, params([0, 3], [0, 0], [0, 0]), 1)).toThrow(
      'example 1 has offsets (3, 0) outside [0, 2]'
    )
    x.dispose()
  })
})

describe('the cpu Transform kernel (why applyAugment gathers on cpu)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
  })

  it('still drops every image after the first', () => {
    // If this fails, tfjs fixed the kernel and applyAugment can use tf.image.transform on cpu too.
    const x = tf.ones([2, 2, 2, 1]) as tf.Tensor4D
    const identity = tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0], [1, 8])
    const y = tf.image.transform(x, tf.tile(identity, [2, 1]), 'nearest', 'constant', 0)
    expect([...y.dataSync()]).toEqual([1, 1, 1, 1, 0, 0, 0, 0])
    tf.dispose([x, identity, y])
  })
})
