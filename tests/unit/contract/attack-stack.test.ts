import { describe, expect, it } from 'vitest'
import {
  AttackStack,
  attackCost,
  attackCostPerIteration,
  describeStack
} from '../../../main/contract/attack-stack'
import { AttackSpec, AuditSpec, describeSpecError } from '../../../main/contract/audit-spec'

const errorOf = (input: unknown) => {
  const parsed = AttackSpec.safeParse(input)
  if (parsed.success) throw new Error('expected a parse error')
  return describeSpecError(parsed.error)
}

describe('AttackSpec with stacks', () => {
  it('keeps the old shape valid: { eps, steps, maxExamples } is plain L∞ BIM with α = ε/10', () => {
    const spec = AttackSpec.parse({ eps: 16 / 255, steps: 10, maxExamples: 50 })
    expect(spec).toMatchObject({
      method: 'bim',
      norm: 'linf',
      steps: 10,
      maxExamples: 50,
      stack: {},
      repeats: 3,
      targeted: false
    })
    expect(spec.stepSize).toBeCloseTo(16 / 2550, 12)
    expect(describeStack(spec.stack)).toBe('BIM')
  })

  it('fills each technique with the paper defaults of the §1 table when given as {}', () => {
    const stack = AttackStack.parse({
      gn: {},
      sgm: {},
      lgv: {},
      di: {},
      si: {},
      vt: {},
      mi: {},
      ni: {},
      rap: {}
    })
    expect(stack).toEqual({
      gn: { range: 0.22 },
      sgm: { gamma: 0.2 },
      lgv: { sources: [], nGrad: 1 },
      di: { resizeRate: 0.85, prob: 0.8 },
      si: { copies: 5 },
      vt: { samples: 20, beta: 1.5, mu: 0 },
      mi: { mu: 1.2 },
      ni: { mu: 0.6 },
      rap: { innerSteps: 5, lateStart: 10, randomInit: true }
    })
    expect(describeStack(stack)).toBe('BIM + GN + SGM + LGV + DI + SI + VT + MI + NI + RAP')
  })

  it('accepts L2 radii above 1 but keeps L∞ in (0, 1], with messages naming the field', () => {
    expect(AttackSpec.parse({ norm: 'l2', eps: 3, stepSize: 0.3 }).eps).toBe(3)
    expect(errorOf({ eps: 1.5 })).toMatch(/^eps: eps must be in \(0, 1\]/)
    expect(errorOf({ norm: 'l1' })).toMatch(/^norm: unknown norm "l1": expected "linf" or "l2"/)
    expect(errorOf({ stack: { di: { resizeRate: 1.1 } } })).toMatch(
      /^stack\.di\.resizeRate: di\.resizeRate must be < 1/
    )
    expect(errorOf({ stack: { sgm: { gamma: 2 } } })).toMatch(
      /^stack\.sgm\.gamma: sgm\.gamma must be ≤ 1/
    )
    // pgn became a technique (issue 15): a misspelt id is still rejected, with the id meant.
    expect(errorOf({ stack: { pgnn: {} } })).toBe('unknown key stack.pgnn; did you mean stack.pgn?')
    expect(errorOf({ repeats: 0 })).toMatch(/^repeats:/)
  })

  it('parses the example stack spec shipped in examples/', async () => {
    const { readFile } = await import('node:fs/promises')
    const spec = AuditSpec.parse(JSON.parse(await readFile('examples/stack-audit.json', 'utf8')))
    expect(describeStack(spec.attack.stack)).toBe('BIM + SGM + DI + MI')
    expect(spec.attack).toMatchObject({ repeats: 3, exportExamples: true, norm: 'linf' })
  })

  it('still parses inside an audit spec with the default attack', () => {
    const spec = AuditSpec.parse({
      surrogates: [{ name: 's', arch: 'small-cnn' }],
      targets: [{ name: 't', arch: 'small-cnn' }]
    })
    expect(spec.attack.stack).toEqual({})
    expect(spec.attack.norm).toBe('linf')
  })
})

describe('attack cost (spec §2.5)', () => {
  it('counts forward-backward passes per example and iteration', () => {
    expect(attackCostPerIteration({}, 0)).toBe(1)
    expect(attackCostPerIteration(AttackStack.parse({ vt: {} }), 0)).toBe(21)
    expect(attackCost(AttackStack.parse({ vt: {} }), 50)).toBe(1050)
    expect(
      attackCostPerIteration(
        AttackStack.parse({ vt: { samples: 2 }, si: { copies: 3 }, lgv: { nGrad: 2 } }),
        0
      )
    ).toBe(18)
    const rap = AttackStack.parse({ rap: {} })
    expect(attackCostPerIteration(rap, 9)).toBe(1)
    expect(attackCostPerIteration(rap, 10)).toBe(6)
    expect(attackCost(rap, 50)).toBe(50 + 40 * 5)
    expect(attackCost(AttackStack.parse({ gn: {}, sgm: {}, di: {}, mi: {}, ni: {} }), 50)).toBe(50)
  })
})
