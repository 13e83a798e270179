import { describe, expect, it } from 'vitest'
import { studyPreset } from '../../../../main/contract/study-presets'
import { StudySpec } from '../../../../main/contract/study-spec'
import type {
  ArchNumbers,
  CurvePoint,
  SeedNumbers
} from '../../../../main/engine/studies/seed-numbers'
import { studyClaims } from '../../../../main/engine/studies/study-claims'
import { studyTables } from '../../../../main/engine/studies/study-tables'

// The quick preset with one surrogate architecture and two targets, 4 epochs (LR divided after 2 and 3).
const spec = StudySpec.parse({
  ...(studyPreset('quick') as object),
  surrogates: [{ arch: 'small-resnet', width: 4 }],
  targets: [
    { name: 'a', arch: 'small-cnn', seed: 1 },
    { name: 'b', arch: 'mlp', seed: 2 }
  ],
  techniques: { surrogates: ['small-resnet'], list: ['mi', 'di'] }
})

/** One seed's numbers: transfer of each row = base + the seed's jitter, the same on both targets. */
function seed(
  s: number,
  jitter: number,
  o: {
    lsam?: number
    es?: number
    sgd?: number
    curve?: CurvePoint[]
    mi?: [number, number]
    di?: [number, number]
  } = {}
): SeedNumbers {
  const row = (rate: number, cost = 1, chosenEpoch?: number) => ({
    accuracy: 0.8,
    transfer: { a: rate + jitter, b: rate + jitter },
    cost,
    ...(chosenEpoch ? { chosenEpoch } : {})
  })
  const tech = ([sgd, lsam]: [number, number]) => ({
    sgd: { a: sgd + jitter, b: sgd + jitter },
    lsam: { a: lsam + jitter, b: lsam + jitter }
  })
  const arch: ArchNumbers = {
    rows: {
      sgd: row(o.sgd ?? 0.2),
      'sgd-early-stopped': row(o.es ?? 0.3, 0.75, 3),
      sam: row(0.35, 2),
      'l-sam': row(o.lsam ?? 0.5, 2),
      swa: row(0.25),
      lgv: { accuracy: null, transfer: { a: 0.4, b: 0.4 }, cost: 1.25 }
    },
    techniques: { mi: tech(o.mi ?? [0.3, 0.6]), di: tech(o.di ?? [0.3, 0.6]) },
    curve: o.curve ?? []
  }
  return { seed: s, archs: { 'small-resnet': arch } }
}

const claim = (claims: ReturnType<typeof studyClaims>, id: string) =>
  claims.find((c) => c.id === id)!

describe('study tables', () => {
  it('gives mean ± sample std over seeds, with the average over targets taken per seed', () => {
    const r = studyTables(spec, [seed(1, 0), seed(2, 0.02), seed(3, 0.04)])
    const lsam = r.table3[0].rows.find((x) => x.row === 'l-sam')!
    expect(lsam.transfer.a.mean).toBeCloseTo(0.52, 12)
    expect(lsam.transfer.a.std).toBeCloseTo(0.02, 12)
    expect(lsam.average.values).toEqual([0.5, 0.52, 0.54])
    expect(r.table3[0].rows.find((x) => x.row === 'lgv')!.accuracy).toBeNull()
    expect(r.table3[0].rows.find((x) => x.row === 'sgd-early-stopped')!.chosenEpochs).toEqual([
      3, 3, 3
    ])
    expect(r.table4[0].rows.map((x) => x.technique)).toEqual(['mi', 'di'])
    expect(r.curves[0].decays).toEqual([2, 3])
  })
})

describe('study verdicts are computed from the numbers', () => {
  it('l-SAM > early-stopped SGD > SGD holds when the ± 2 std intervals are apart, with the numbers', () => {
    const claims = studyClaims(spec, studyTables(spec, [seed(1, 0), seed(2, 0.01), seed(3, 0.02)]))
    const lsam = claim(claims, 'lsam-over-early-stopped.small-resnet')
    expect(lsam.holds).toBe(true)
    expect(lsam.claim).toBe(
      'l-SAM ρ 0.3 transfers better than Early-stopped SGD (small-resnet surrogate)'
    )
    expect(lsam.evidence).toBe(
      'average over 2 targets l-SAM ρ 0.3 51.0 ± 2.0 % vs Early-stopped SGD 31.0 ± 2.0 % (+20.0 points); higher with non-overlapping ± 2 std on 2 of 2 targets (a, b), lower on 0'
    )
    expect(claim(claims, 'early-stopped-over-sgd.small-resnet').holds).toBe(true)
  })

  it('is "not shown at this scale" when intervals overlap, and false when the order is reversed', () => {
    const overlapping = studyClaims(
      spec,
      studyTables(spec, [seed(1, 0, { lsam: 0.32 }), seed(2, 0.05, { lsam: 0.32 })])
    )
    const c = claim(overlapping, 'lsam-over-early-stopped.small-resnet')
    expect(c.holds).toBeNull()
    expect(c.evidence).toMatch(
      /^not shown at this scale: average over 2 targets .* \(\+2\.0 points, intervals overlap\)/
    )
    const reversed = studyClaims(
      spec,
      studyTables(spec, [seed(1, 0, { es: 0.1 }), seed(2, 0.01, { es: 0.1 })])
    )
    expect(claim(reversed, 'early-stopped-over-sgd.small-resnet').holds).toBe(false)
  })

  it('waits for a second seed before any verdict, showing the numbers meanwhile', () => {
    const c = claim(
      studyClaims(spec, studyTables(spec, [seed(1, 0)])),
      'lsam-over-early-stopped.small-resnet'
    )
    expect(c.holds).toBeNull()
    expect(c.evidence).toMatch(
      /^1 of 2 seeds done: a verdict needs the spread of at least 2\. average over 2 targets/
    )
  })

  it('Table 4: every technique stronger on l-SAM, or not, technique by technique', () => {
    const all = studyClaims(spec, studyTables(spec, [seed(1, 0), seed(2, 0.01)]))
    expect(claim(all, 'techniques-on-lsam.small-resnet').holds).toBe(true)
    const mixed = studyClaims(
      spec,
      studyTables(spec, [seed(1, 0, { di: [0.3, 0.31] }), seed(2, 0.02, { di: [0.3, 0.31] })])
    )
    const c = claim(mixed, 'techniques-on-lsam.small-resnet')
    expect(c.holds).toBeNull()
    expect(c.evidence).toMatch(
      /stronger on l-SAM with non-overlapping ± 2 std for 1 of 2 techniques \(MI \+30\.0\), overlapping for 1 \(DI \+1\.0\), weaker for 0/
    )
    const weaker = studyClaims(
      spec,
      studyTables(spec, [seed(1, 0, { mi: [0.6, 0.3] }), seed(2, 0.01, { mi: [0.6, 0.3] })])
    )
    expect(claim(weaker, 'techniques-on-lsam.small-resnet').holds).toBe(false)
  })

  it('Figures 4 and 5: a peak right after a decay, with sharpness falling there', () => {
    // Decays after epochs 2 and 3; transfer jumps at epoch 3, λmax and trace drop there.
    const curve = (j: number): CurvePoint[] => [
      { epoch: 1, lr: 0.05, transfer: 0.2 + j, maxEigenvalue: 50 + j, trace: 500 + j },
      { epoch: 2, lr: 0.05, transfer: 0.22 + j, maxEigenvalue: 60 + j, trace: 600 + j },
      { epoch: 3, lr: 0.005, transfer: 0.4 + j, maxEigenvalue: 20 + j, trace: 200 + j },
      { epoch: 4, lr: 0.0005, transfer: 0.35 + j, maxEigenvalue: 25 + j, trace: 250 + j }
    ]
    const claims = studyClaims(
      spec,
      studyTables(spec, [seed(1, 0, { curve: curve(0) }), seed(2, 0, { curve: curve(0.01) })])
    )
    const peak = claim(claims, 'peak-after-decay.small-resnet')
    expect(peak.holds).toBe(true)
    expect(peak.evidence).toMatch(
      /^peak 40\.5 ± 1\.4 % at epoch 3, 1 epoch after the decay after epoch 2 \(22\.5 ± 1\.4 % at epoch 2\); per-seed peaks at epochs 3, 3/
    )
    const sharp = claim(claims, 'sharpness-vs-transfer.small-resnet')
    // Shown after epoch 2; after epoch 3 transfer falls (no contradiction): not every decay shows it.
    expect(sharp.holds).toBeNull()
    expect(sharp.evidence).toMatch(
      /shown \(non-overlapping ± 2 std\) at 1 of 2 decays; after epoch 2: λmax 60\.0 ± 0\.0 → 20\.0 ± 0\.0, trace 600 ± 0 → 200 ± 0, transfer 22\.5 ± 1\.4 % → 40\.5 ± 1\.4 %/
    )
    // A peak at epoch 1, before any decay, far above every epoch right after one: the claim is refuted.
    const early = (j: number): CurvePoint[] =>
      curve(j).map((p) => ({ ...p, transfer: p.epoch === 1 ? 0.9 + j : 0.1 + j }))
    const refuted = claim(
      studyClaims(
        spec,
        studyTables(spec, [seed(1, 0, { curve: early(0) }), seed(2, 0, { curve: early(0.01) })])
      ),
      'peak-after-decay.small-resnet'
    )
    expect(refuted.holds).toBe(false)
    expect(refuted.evidence).toMatch(
      /^peak 90\.5 ± 1\.4 % at epoch 1, not within 2 epochs after a decay \(best there 10\.5 ± 1\.4 % at epoch 3\)/
    )
  })
})
