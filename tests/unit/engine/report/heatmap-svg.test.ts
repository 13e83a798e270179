import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  RunRecord,
  type ModelResult,
  type TransferCell
} from '../../../../main/contract/run-record'
import {
  formatPercent,
  renderTrainingCurvesSvg,
  renderTransferHeatmapSvg
} from '../../../../main/engine/report/heatmap-svg'

const fixture = RunRecord.parse(
  JSON.parse(readFileSync(new URL('../../../fixtures/run-record.json', import.meta.url), 'utf8'))
)
const results = fixture.results!

function cell(surrogate: string, target: string, successRate: number): TransferCell {
  return { surrogate, target, successRate, fooled: Math.round(successRate * 200), attacked: 200 }
}

describe('formatPercent', () => {
  it('prints one decimal and a spaced percent sign', () => {
    expect(formatPercent(0.473)).toBe('47.3 %')
    expect(formatPercent(0)).toBe('0.0 %')
    expect(formatPercent(1)).toBe('100.0 %')
    expect(formatPercent(0.12345)).toBe('12.3 %')
  })
})

describe('renderTransferHeatmapSvg', () => {
  it('renders an SVG string with a percent label in every cell and every model name', () => {
    const svg = renderTransferHeatmapSvg(results.transfer)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    for (const c of results.transfer) {
      expect(svg).toContain(`>${(c.successRate * 100).toFixed(1)} %<`)
      expect(svg).toContain(`>${c.surrogate}<`)
      expect(svg).toContain(`>${c.target}<`)
    }
  })

  it('labels a 2 × 3 grid and honours the requested size', () => {
    const cells = [
      cell('s1', 't1', 0.1234),
      cell('s1', 't2', 0),
      cell('s1', 't3', 1),
      cell('s2', 't1', 0.5),
      cell('s2', 't2', 0.6666),
      cell('s2', 't3', 0.999)
    ]
    const svg = renderTransferHeatmapSvg(cells, { width: 640, height: 300 })
    expect(svg).toMatch(/^<svg width="640" height="300"/)
    for (const label of ['12.3 %', '0.0 %', '100.0 %', '50.0 %', '66.7 %', '99.9 %'])
      expect(svg).toContain(`>${label}<`)
    // The fixed 0–100 % scale shows its ends even when no cell reaches them.
    const partial = renderTransferHeatmapSvg([cell('s', 't', 0.3)])
    expect(partial).toContain('>100 %<')
    expect(partial).toContain('>0 %<')
  })

  it('has no animation in the output', () => {
    const svg = renderTransferHeatmapSvg(results.transfer)
    expect(svg).not.toMatch(/@keyframes|<animate/)
  })

  it('escapes model names in the SVG text', () => {
    const svg = renderTransferHeatmapSvg([cell('<script>alert(1)</script>', 'x"&y', 0.2)])
    expect(svg).not.toMatch(/<script/i)
    expect(svg).toContain('&lt;script&gt;')
    expect(svg).toContain('x&quot;&amp;y')
  })

  it('rejects empty input, bad rates, repeated pairs and silly sizes with a clear message', () => {
    expect(() => renderTransferHeatmapSvg([])).toThrow(/no transfer cells/)
    expect(() => renderTransferHeatmapSvg([cell('s', 't', 1.5)])).toThrow(
      /cells\[0\] \(s → t\).*\[0, 1\]/
    )
    expect(() => renderTransferHeatmapSvg([cell('s', 't', Number.NaN)])).toThrow(/successRate NaN/)
    expect(() => renderTransferHeatmapSvg([cell('s', 't', 0.1), cell('s', 't', 0.2)])).toThrow(
      /cells\[1\] repeats the pair s → t/
    )
    expect(() => renderTransferHeatmapSvg([cell('s', 't', 0.1)], { width: 0 })).toThrow(
      /width 0 is out of range/
    )
  })
})

describe('renderTrainingCurvesSvg', () => {
  it('draws both panels with a legend entry per model', () => {
    const svg = renderTrainingCurvesSvg(results.models, { width: 600, height: 220 })
    expect(svg).toMatch(/^<svg width="600" height="220"/)
    expect(svg).toContain('>Training loss<')
    expect(svg).toContain('>Test accuracy (%)<')
    for (const m of results.models) expect(svg).toContain(`>${m.name}<`)
  })

  it('leaves out models without epochs and refuses when none has any', () => {
    const noEpochs: ModelResult = { ...results.models[0], name: 'untrained-model', epochs: [] }
    const svg = renderTrainingCurvesSvg([results.models[1], noEpochs])
    expect(svg).toContain(`>${results.models[1].name}<`)
    expect(svg).not.toContain('untrained-model')
    expect(() => renderTrainingCurvesSvg([noEpochs])).toThrow(/no model has recorded epochs/)
  })
})
