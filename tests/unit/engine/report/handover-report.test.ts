import type { ModelSpec } from '../../../../main/contract/audit-spec'
import { describe, expect, it } from 'vitest'
import { buildReportHtml } from '../../../../main/engine/report/report-html'
import { riskLevel, riskWords, targetRisks } from '../../../../main/engine/report/executive-summary'
import { fixtureRun, hardenResults, runWithHarden } from '../../helpers/harden-fixture'

const meta = { appVersion: '1.2.3', generatedAt: new Date('2025-03-14T10:30:00Z') }
const sectionOrder = (html: string) =>
  [...html.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1])

describe('the hand-over report', () => {
  it('opens with the executive summary, then threat model, methodology, results, models, limitations, recommendations and appendix', () => {
    const html = buildReportHtml(runWithHarden(), meta)
    expect(sectionOrder(html)).toEqual([
      'Executive summary',
      'Threat model',
      'Methodology',
      'Transfer results',
      'Models and provenance',
      'Limitations',
      'Recommendations',
      'Appendix'
    ])
    expect(html).toContain('.exec { break-after: page; }')
  })

  it('gives each target its risk in plain words, strongest surrogate, rate with denominator and ± 2 std', () => {
    const run = fixtureRun()
    const html = buildReportHtml(run, meta)
    const exec = html.slice(
      html.indexOf('<section class="exec">'),
      html.indexOf('</section>', html.indexOf('<section class="exec">'))
    )
    // target-cnn: 473/1000 → elevated, about 5 in 10; binomial 2 std = 2·√(.473·.527/1000) = 3.2 %.
    expect(exec).toMatch(
      /target-cnn<\/td><td><span class="risk risk-elevated">Elevated<\/span> <span class="risk-words">about 5 in 10 attacked images fool it/
    )
    expect(exec).toContain(
      '47.3 % <span class="spread">± 3.2 %</span></td><td class="num">473 / 1,000</td>'
    )
    expect(exec).toContain('surrogate-cnn')
    expect(exec).toContain('2 binomial standard errors over 1000 images')
    expect(exec.indexOf('target-cnn')).toBeLessThan(exec.indexOf('target-resnet'))
    expect(exec).toContain('Run a Harden step on it')
  })

  it('classifies risk and words it', () => {
    expect([0.6, 0.3, 0.1, 0.01].map(riskLevel)).toEqual(['high', 'elevated', 'moderate', 'low'])
    expect(riskWords(0.73)).toBe('about 7 in 10 attacked images fool it')
    expect(riskWords(0.02)).toBe('fewer than 1 in 20 attacked images fool it')
    expect(riskWords(0)).toBe('no attacked image fooled it')
    expect(
      targetRisks([
        { surrogate: 'a', target: 't', successRate: 0.2, fooled: 2, attacked: 10 },
        { surrogate: 'b', target: 't', successRate: 0.4, fooled: 4, attacked: 10 }
      ])[0].strongest.surrogate
    ).toBe('b')
  })

  it('lists models with hash, seed, versions and backend, and limitations computed from the run', () => {
    const run = fixtureRun()
    const html = buildReportHtml(run, meta)
    for (const m of run.results!.models) {
      const seed = (
        [...run.spec.surrogates, ...run.spec.targets].find((s) => s.name === m.name) as ModelSpec
      ).seed
      expect(html).toMatch(new RegExp(`${m.name}</td>.*?<td class="num">${seed}</td>`, 's'))
    }
    expect(html).toContain(`<tr><th>Backend</th><td>${run.backend}</td></tr>`)
    expect(html).toContain(
      `Surrogates trained on ${run.dataset.train.toLocaleString('en-US')} images`
    )
    expect(html).toContain('a floor, not a ceiling')
  })

  it('puts the Harden ranking, the computed recommendation, its evidence and warnings under Recommendations', () => {
    const h = hardenResults(undefined, [
      "harden.adversarialTraining.eps 0.125 (32/255) is larger than the audit's ε"
    ])
    const html = buildReportHtml(runWithHarden(h), meta)
    const section = html.slice(html.indexOf('<section class="harden">'))
    expect(section).toContain('White-box robust accuracy (ε 16/255)')
    for (const r of h.recipes)
      expect(section).toContain(`<td class="name">${r.label.replace('+', '+')}`)
    expect(section).toContain('<tr class="chosen">')
    expect(section).toContain(h.recommendation.text.replace(/'/g, '&#39;').slice(0, 60))
    expect(section).toContain('Warning: harden.adversarialTraining.eps 0.125')
    for (const e of h.recommendation.evidence.slice(0, 2)) expect(section).toContain(e.slice(0, 40))
    // The executive summary carries the recommendation's first sentences.
    const exec = html.slice(
      html.indexOf('<section class="exec">'),
      html.indexOf('<h2 class="numbered">Threat model')
    )
    expect(exec).toContain('Recommendation (Harden step, section 6)')
    expect(exec).toContain(h.recommendation.text.split('. ')[0].replace(/'/g, '&#39;'))
    expect(html).toContain(
      'Flatness measured on 200 images with 5 random and 3 worst-case perturbations'
    )
  })

  it('writes negative changes, scores and flatness in the Harden section with a real minus sign, never an ASCII hyphen', () => {
    // SAM ρ 0.05 here raises transfer and costs accuracy (a negative score), and its perturbations
    // lower the robust loss (a negative flatness).
    const h = hardenResults([
      ['sgd', 0.86, 190, 20, 1.2],
      ['sam-0.05', 0.84, 210, 15, -0.03],
      ['pgd-at', 0.78, 40, 240, 0.3]
    ])
    const html = buildReportHtml(runWithHarden(h), meta)
    const start = html.indexOf('<section class="harden">')
    const section = html.slice(start, html.indexOf('</section>', start))
    expect(section).toContain('+5.0 <span class="spread">within')
    expect(section).toContain('−0.010 / −0.030</td><td class="num">−7.0</td>')
    expect(section).toContain('transfer 5.0 points higher than SGD&#39;s')
    expect(section).not.toMatch(/-\d/)
  })

  it('previews the per-sample CSV in the appendix, or says there is none', () => {
    const preview = {
      file: 'per-sample.csv',
      header: ['stack', 'surrogate', 'test_index'],
      rows: [['BIM', 'surrogate-cnn', '17']],
      total: 2000
    }
    const html = buildReportHtml(fixtureRun(), { ...meta, perSample: preview })
    expect(html).toContain('2,000 rows in <span class="mono">per-sample.csv</span>')
    expect(html).toContain('<tr><td>BIM</td><td>surrogate-cnn</td><td>17</td></tr>')
    expect(buildReportHtml(fixtureRun(), meta)).toContain('This run has no per-sample results')
  })
})
