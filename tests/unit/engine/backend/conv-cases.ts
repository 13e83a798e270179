/** Convolution geometries the conv kernel tests share: strides, paddings and filter shapes that have caught bugs. */
export type ConvPad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]]

export interface ConvCase {
  x: [number, number, number, number]
  w: [number, number, number, number]
  strides: number | [number, number]
  pad: ConvPad
  dilations?: number | [number, number]
}

export const CONV_GRADIENT_CASES: ConvCase[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 2, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 7, 9, 3], w: [3, 2, 3, 4], strides: 2, pad: 'valid' },
  { x: [3, 8, 5, 2], w: [2, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [1, 9, 9, 2], w: [5, 5, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [2, 7, 7, 3], w: [3, 3, 3, 2], strides: 2, pad: 1 },
  // Padding wider than the filter: some dy rows face only padding.
  { x: [1, 5, 6, 2], w: [3, 3, 2, 2], strides: 1, pad: 4 },
  {
    x: [2, 6, 7, 3],
    w: [3, 3, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0]
    ]
  },
  {
    x: [2, 6, 7, 3],
    w: [3, 3, 3, 2],
    strides: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0]
    ]
  },
  { x: [2, 5, 5, 4], w: [1, 1, 4, 3], strides: 2, pad: 'valid' }
]

export const convLabel = (c: ConvCase): string =>
  `x [${c.x}] w [${c.w}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}${c.dilations ? ` dilations ${c.dilations}` : ''}`
