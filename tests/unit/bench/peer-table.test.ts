import { describe, expect, it } from 'vitest'
import {
  formatPeerTable,
  median,
  peerRatioLine,
  ratio,
  type PeerRow
} from '../../../bench/peer-table'

const row = (over: Partial<PeerRow>): PeerRow => ({
  name: 'small-cnn training',
  kind: 'training',
  unit: 'images/s',
  threads: 1,
  ours: [100, 300, 200],
  peer: [400, 400, 400],
  lowerIsBetter: false,
  backend: 'wasm (SIMD, 1 thread)',
  ...over
})

describe('bench:peer table', () => {
  it('compares medians, as throughput: a time per step counts the other way round', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(ratio(row({}))).toBe(0.5)
    expect(ratio(row({ unit: 's/step', ours: [2], peer: [1], lowerIsBetter: true }))).toBe(0.5)
  })

  it('ends with the smallest training and attack ratios, in the exact form the issue asks for', () => {
    const rows = [
      row({}),
      row({ threads: 2, ours: [900], peer: [300] }),
      row({ name: 'small-cnn BIM-50', kind: 'attack', ours: [30], peer: [20] })
    ]
    expect(peerRatioLine(rows)).toBe('peer ratio: training 0.50, attack 1.50')
    expect(peerRatioLine(rows.slice(0, 1))).toBe('peer ratio: training 0.50, attack n/a')
    expect(formatPeerTable(rows, true).split('\n')[2]).toBe(
      '| small-cnn training | 1 | images/s | 200 (100–300) | 400 (400–400) | **0.50** | wasm (SIMD, 1 thread) |'
    )
  })
})
