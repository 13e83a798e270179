import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RunRecord } from '../../../../main/contract/run-record'
import {
  buildReportHtml,
  escapeHtml,
  formatDuration,
  formatEpsilon,
  formatGreyLevels
} from '../../../../main/engine/report/report-html'

const raw: unknown = JSON.parse(
  readFileSync(new URL('../../../fixtures/run-record.json', import.meta.url), 'utf8')
)
const fixture = RunRecord.parse(raw)
const results = fixture.results!
const meta = { appVersion: '9.8.7-test', generatedAt: new Date('2025-03-14T10:30:00Z') }
const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

describe('the fixture run record', () => {
  it('parses with the RunRecord schema and has the shape the report tests rely on', () => {
    expect(RunRecord.safeParse(raw).success).toBe(true)
    expect(results.models.map((m) => m.role)).toEqual(['surrogate', 'target', 'target'])
    expect(results.models.map((m) => m.arch)).toEqual(['small-cnn', 'small-cnn', 'small-resnet'])
    expect(results.transfer).toHaveLength(2)
    for (const c of results.transfer) expect(c.fooled / c.attacked).toBeCloseTo(c.successRate, 6)
  })
})

describe('buildReportHtml', () => {
  const html = buildReportHtml(fixture, meta)

  it('is one standalone document: no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/\s(src|href)=/i)
    // url(#id) is the SVG's own clip paths and gradients; anything else would be a fetch.
    expect(html).not.toMatch(/url\((?!#)|@import/i)
    expect(html).toContain('@page { size: A4')
  })

  it('has the title, the date and the app version', () => {
    expect(html).toContain(`<title>Audit report — ${fixture.name}</title>`)
    expect(html).toContain(`<h1>Audit report — ${fixture.name}</h1>`)
    expect(html).toContain('2025-03-14 10:30 UTC')
    expect(html).toContain('Flatline 9.8.7-test')
  })

  it('lists every model with its role, architecture, accuracy, epochs and a 12-digit hash', () => {
    for (const m of results.models) {
      const row = new RegExp(
        `<tr>\\s*<td class="name">${m.name}</td><td>${m.role}</td><td>${m.arch}</td>[\\s\\S]*?</tr>`
      )
      const match = row.exec(html)
      expect(match, m.name).not.toBeNull()
      expect(match![0]).toContain(`>${count(m.params)}<`)
      expect(match![0]).toContain(`>${pct(m.accuracy)}<`)
      expect(match![0]).toContain(`>${m.epochs.length}<`)
      expect(match![0]).toContain(`>${m.hash.slice(0, 12)}<`)
      expect(html).not.toContain(m.hash)
    }
  })

  it('shows every transfer success rate in the table and the heatmap, with fooled / attacked', () => {
    for (const c of results.transfer) {
      expect(html).toContain(
        `<td class="name">${c.surrogate}</td><td class="name">${c.target}</td>` +
          `<td class="num strong">${pct(c.successRate)}</td><td class="num">${count(c.fooled)} / ${count(c.attacked)}</td>`
      )
      expect(html).toContain(`>${pct(c.successRate)}</text>`)
    }
    expect(html).toMatch(/<figure class="chart"><svg/)
  })

  it('shows ± 2 standard deviations and the seed count when a rate is a mean over repeats', () => {
    const repeated = structuredClone(fixture)
    repeated.results!.transfer[0] = { ...repeated.results!.transfer[0], repeats: 3, std: 0.012 }
    const text = buildReportHtml(repeated, meta)
    expect(text).toContain(
      `${pct(repeated.results!.transfer[0].successRate)} <span class="spread">± 2.4 % (3 seeds)</span>`
    )
    expect(html).not.toContain('seeds)')
  })

  it('states the denominator explicitly', () => {
    const e = results.evaluated
    expect(html).toContain(
      `measured on ${count(e.attacked)} test images that every target classified correctly, out of ${count(e.candidates)} candidates.`
    )
  })

  it('states the threat model with ε as a fraction and in k/255', () => {
    expect(fixture.spec.attack.eps).toBeCloseTo(16 / 255, 12)
    expect(html).toContain('0.0627 (16/255)')
    expect(html).toContain('0.00627 (1.6/255)')
    expect(html).toContain('BIM')
    expect(html).toContain('L∞')
    expect(html).toContain('untargeted')
    expect(html).toContain('white-box')
    expect(html).toContain(`<tr><th>Steps</th><td>${fixture.spec.attack.steps}</td></tr>`)
  })

  it('shows the dataset, the white-box rate, backend, versions, timings and status', () => {
    expect(html).toContain(fixture.dataset.name)
    expect(html).toContain(`<td>${count(fixture.dataset.train)}</td>`)
    expect(html).toContain('28 × 28 × 1')
    for (const w of results.whiteBox)
      expect(html).toContain(`<td class="num">${pct(w.successRate)}</td>`)
    expect(html).toContain(`<tr><th>Backend</th><td>${fixture.backend}</td></tr>`)
    for (const [k, v] of Object.entries(fixture.versions))
      expect(html).toContain(`<tr><th>${k}</th><td class="mono">${v}</td></tr>`)
    expect(html).toContain('<tr><th>train</th><td class="num">5 min 22 s</td></tr>')
    expect(html).toContain('badge-completed')
    expect(html).not.toContain('No results')
  })

  it('escapes every user-provided string', () => {
    const evil = '<script>alert(1)</script>'
    const run: RunRecord = {
      ...fixture,
      name: `${evil} & "quotes"`,
      error: evil,
      backend: evil,
      versions: { [evil]: evil },
      timings: { [evil]: 1 },
      dataset: { ...fixture.dataset, name: evil },
      results: {
        ...results,
        models: results.models.map((m) => ({
          ...m,
          name: `${m.name}${evil}`,
          arch: evil,
          hash: evil
        })),
        transfer: results.transfer.map((c) => ({
          ...c,
          surrogate: evil,
          target: `${c.target}${evil}`
        })),
        whiteBox: [{ surrogate: evil, successRate: 0.9 }]
      }
    }
    const out = buildReportHtml(run, { ...meta, appVersion: evil })
    expect(out).not.toMatch(/<script/i)
    expect(out).toContain(
      'Audit report — &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'
    )
    expect(out).toContain(`target-cnn&lt;script&gt;`)
  })

  it('says plainly that a run without results has none, for each unfinished status', () => {
    for (const status of ['failed', 'cancelled', 'interrupted'] as const) {
      const run: RunRecord = {
        ...fixture,
        status,
        results: undefined,
        error: status === 'failed' ? 'Out of memory <oom>' : undefined
      }
      const out = buildReportHtml(run, meta)
      expect(out).toContain('This run has no results')
      expect(out).toContain(`badge-${status}`)
      expect(out).not.toContain('<svg')
      expect(out).not.toContain('Transfer results')
      expect(out).not.toContain('measured on')
      expect(out).toContain('Threat model')
      if (status === 'failed') {
        expect(out).toContain('Error: Out of memory &lt;oom&gt;')
        expect(out.split('Out of memory').length - 1).toBe(1)
      }
    }
  })

  it('warns that results may be partial when the status is not completed', () => {
    const out = buildReportHtml({ ...fixture, status: 'interrupted' }, meta)
    expect(out).toContain('the results below may be partial')
    expect(out).toContain('Transfer results')
  })

  it('reports a heatmap that cannot be drawn instead of failing the whole report', () => {
    const bad = { ...results, transfer: [{ ...results.transfer[0], successRate: 2 }] }
    const out = buildReportHtml({ ...fixture, results: bad }, meta)
    expect(out).toContain('The heatmap could not be drawn')
    expect(out).toContain('expected a fraction in [0, 1]')
  })
})

describe('formatting helpers', () => {
  it('formats ε as a fraction and in grey levels', () => {
    expect(formatEpsilon(4 / 255)).toBe('0.0157 (4/255)')
    expect(formatEpsilon(8 / 255)).toBe('0.0314 (8/255)')
    expect(formatEpsilon(0.05)).toBe('0.05 (12.75/255)')
    expect(formatEpsilon(0.0123)).toBe('0.0123 (≈ 3.14/255)')
    expect(formatGreyLevels(0.1)).toBe('25.5/255')
  })

  it('formats durations', () => {
    expect(formatDuration(0.41)).toBe('0.41 s')
    expect(formatDuration(47.4)).toBe('47.4 s')
    expect(formatDuration(307)).toBe('5 min 07 s')
    expect(formatDuration(3780)).toBe('1 h 03 min')
    expect(formatDuration(Number.NaN)).toBe('—')
  })

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;'
    )
  })
})
