import { describe, expect, it } from 'vitest'
import { AuditSpec, type ModelSpec } from '../../../main/contract/audit-spec'
import { studyAuditSpec, studyAttackQueue } from '../../../main/contract/study-plan'
import { STUDY_PRESETS, studyPreset } from '../../../main/contract/study-presets'
import { CORE_ROWS, STUDY_ROWS } from '../../../main/contract/study-rows'
import { StudySpec } from '../../../main/contract/study-spec'

const quick = () =>
  studyPreset('quick') as Record<string, unknown> & {
    validation: Record<string, unknown>
    dataset: Record<string, unknown>
    targets: { name: string }[]
  }
const problems = (input: unknown) => {
  const parsed = StudySpec.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('study presets', () => {
  it.each(STUDY_PRESETS.filter((p) => p !== 'cifar10'))(
    '%s is a valid study, and --full adds every row',
    (name) => {
      expect(problems(studyPreset(name))).toEqual([])
      expect(StudySpec.parse(studyPreset(name)).rows).toEqual([...CORE_ROWS])
      expect(StudySpec.parse(studyPreset(name, { full: true })).rows).toEqual([...STUDY_ROWS])
    }
  )

  it('cifar10 needs the folder of the binaries, then uses the paper widths on request', () => {
    expect(() => studyPreset('cifar10')).toThrow(/cifar10 preset needs the folder/)
    const tiny = StudySpec.parse(studyPreset('cifar10', { dataPath: '/data/cifar' }))
    const paper = StudySpec.parse(
      studyPreset('cifar10', { dataPath: '/data/cifar', paperWidths: true })
    )
    expect([tiny.surrogates[0].width, paper.surrogates[0].width]).toEqual([8, 64])
    expect(paper.recipe.epochs).toBe(150)
  })

  it('fashion-mnist is the protocol of the issue: ≥ 20,000 training images, ≥ 24 epochs, ÷10 at 50 % and 75 %', () => {
    const spec = StudySpec.parse(studyPreset('fashion-mnist'))
    expect(spec.dataset.trainLimit - spec.dataset.validationSize).toBeGreaterThanOrEqual(20000)
    expect(spec.recipe.epochs).toBeGreaterThanOrEqual(24)
    expect(spec.recipe.lrSchedule).toEqual({
      kind: 'multi-step',
      at: [spec.recipe.epochs / 2, (spec.recipe.epochs * 3) / 4],
      gamma: 0.1
    })
    expect(spec.surrogates.map((s) => s.arch)).toEqual(['small-cnn', 'small-resnet'])
    expect(new Set(spec.targets.map((t) => t.arch))).toEqual(
      new Set(['small-cnn-max', 'small-cnn', 'small-resnet', 'mlp', 'vgg-11'])
    )
    expect(spec.seeds).toHaveLength(3)
  })
})

describe('study spec: bad input names the field', () => {
  it('refuses fewer than 2 seeds (a verdict needs a spread)', () => {
    expect(problems({ ...quick(), seeds: [1] })).toEqual([
      'seeds: a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds (the paper uses 3): add a seed'
    ])
    expect(problems({ ...quick(), seeds: [4, 4] })).toEqual([
      'seeds: seed 4 is listed twice: each seed must train other surrogates'
    ])
  })

  it('refuses a validation target that is also a test target', () => {
    const spec = quick()
    const twin = { ...spec.targets[1], name: 'val-twin' }
    const out = problems({ ...spec, validation: { ...spec.validation, targets: [twin] } })
    expect(out).toEqual([
      'validation.targets.0: validation target "val-twin" is also test target "avg-cnn" (same name, or same arch, width, seed and recipe): ' +
        'choosing the early-stopped epoch must never look at a test target — change its seed or architecture'
    ])
    expect(
      problems({ ...spec, validation: { ...spec.validation, targets: [spec.targets[0]] } })[0]
    ).toMatch(/^validation\.targets\.0\.name: model name "max-cnn" is used twice/)
  })

  it('refuses a dataset too small for the validation split', () => {
    const spec = quick()
    expect(problems({ ...spec, dataset: { ...spec.dataset, validationSize: 1600 } })).toEqual([
      'dataset.validationSize: the dataset is too small for dataset.validationSize 1600: it has 1600 training images (after trainLimit), which leaves 0 to train on, fewer than one batch of 64: lower validationSize or use more images'
    ])
    expect(problems({ ...spec, dataset: { ...spec.dataset, validationSize: 50 } })).toEqual([
      'dataset.validationSize: dataset.validationSize (50) is smaller than validation.examples (60): raise validationSize or lower validation.examples'
    ])
    expect(problems({ ...spec, dataset: { ...spec.dataset, validationSize: 0 } })[0]).toMatch(
      /^dataset\.validationSize: a study chooses the early-stopped epoch on held-out images/
    )
  })

  it('refuses unknown and misspelled keys, at the top and inside', () => {
    expect(problems({ ...quick(), seed: [1, 2] })[0]).toMatch(/seed/)
    expect(problems({ ...quick(), attack: { eps: 0.1, stpes: 10 } })[0]).toMatch(/^attack: .*stpes/)
    expect(problems({ ...quick(), recipe: { epochs: 4, minimizer: { id: 'sam' } } })[0]).toMatch(
      /^recipe: .*minimizer/
    )
  })

  it('refuses rows read from SGD without SGD, and Table 4 without its two surrogates or skips', () => {
    expect(problems({ ...quick(), rows: ['sgd-early-stopped', 'l-sam'] })).toEqual([
      'rows: sgd-early-stopped is read from the SGD surrogate: add "sgd" to rows',
      'techniques: Table 4 compares each technique on SGD and l-SAM surrogates: add "sgd" to rows'
    ])
    expect(problems({ ...quick(), rows: ['sgd'] })).toEqual([
      'techniques: Table 4 compares each technique on SGD and l-SAM surrogates: add "l-sam" to rows'
    ])
    expect(problems({ ...quick(), techniques: { surrogates: ['small-cnn'] } })).toEqual([
      'techniques.surrogates.0: GN and SGM need skip connections, which small-cnn has not: use e.g. small-resnet'
    ])
    expect(problems({ ...quick(), rows: ['nope'] })[0]).toMatch(/^rows\.0: /)
  })
})

describe('study plan', () => {
  it('builds one valid audit per seed: every row on every surrogate, derived rows from SGD, targets trained or imported', () => {
    const spec = StudySpec.parse(quick())
    const train = new Map(
      [...spec.targets, ...spec.validation.targets].map((t) => [t.name, 'train' as const])
    )
    const first = AuditSpec.parse(studyAuditSpec(spec, 1, train))
    expect(first.surrogates.map((s) => s.name)).toEqual([
      'sgd.small-cnn',
      'sam.small-cnn',
      'l-sam.small-cnn',
      'sgd.small-resnet',
      'sam.small-resnet',
      'l-sam.small-resnet'
    ])
    expect(first.surrogates.every((s) => (s as ModelSpec).seed === 1)).toBe(true)
    expect(
      first.surrogates.filter((s) => (s as ModelSpec).track?.transfer).map((s) => s.name)
    ).toEqual(['sgd.small-cnn', 'sgd.small-resnet'])
    expect(first.derivedSurrogates?.map((d) => `${d.name}<${d.from}`)).toEqual([
      'sgd-early-stopped.small-cnn<sgd.small-cnn',
      'swa.small-cnn<sgd.small-cnn',
      'sgd-early-stopped.small-resnet<sgd.small-resnet',
      'swa.small-resnet<sgd.small-resnet'
    ])
    expect(first.targets.map((t) => t.name)).toEqual(spec.targets.map((t) => t.name))
    expect(first.dataset.splitSeed).toBe(0)
    const zoo = new Map([...train.keys()].map((name) => [name, { zooPath: `/zoo/${name}` }]))
    const later = AuditSpec.parse(studyAuditSpec(spec, 2, zoo))
    expect(later.targets).toEqual([])
    expect(later.importedTargets?.map((t) => `${t.name}:${t.format}:${t.path}`)).toContain(
      'max-cnn:flatline:/zoo/max-cnn'
    )
    expect(later.validation?.importedTargets?.map((t) => t.name)).toEqual(['val-cnn', 'val-resnet'])
  })

  it('queues BIM from all, LGV from the SGD surrogates (and Table 4 pair), each other technique from SGD and l-SAM', () => {
    const queue = studyAttackQueue(StudySpec.parse(quick()))
    expect(queue.map((q) => q.label)).toEqual([
      'BIM',
      'LGV',
      'GN',
      'SGM',
      'DI',
      'SI',
      'VT',
      'MI',
      'NI',
      'RAP'
    ])
    expect(queue[1].surrogates).toEqual(['sgd.small-cnn', 'sgd.small-resnet', 'l-sam.small-resnet'])
    expect(queue[2].surrogates).toEqual(['sgd.small-resnet', 'l-sam.small-resnet'])
    expect(new Set(queue.map((q) => q.maxExamples)).size).toBe(1)
  })
})
