/**
 * The technique registry and its rules: ids, papers, ranges that the schema enforces with messages
 * naming the technique and the field, conflicts rejected both ways with both ids, requirements and
 * budget rules, costs of every entry (spec attacks-more.md §1.3, §1.4, §6, §7).
 */
import { describe, expect, it } from 'vitest'
import {
  AttackStack,
  attackCost,
  attackCostPerIteration,
  describeStack,
  expandPresets,
  STACK_TECHNIQUE_IDS
} from '../../../../main/contract/attack-stack'
import { AttackSpec, describeSpecError } from '../../../../main/contract/audit-spec'
import {
  ALL_TECHNIQUES,
  techniqueEntry,
  type StackTechniqueId
} from '../../../../main/contract/techniques/registry'
import { describeRange } from '../../../../main/contract/techniques/technique-entry'

const errorOf = (input: unknown): string => {
  const parsed = AttackSpec.safeParse(input)
  if (parsed.success) throw new Error(`expected a parse error for ${JSON.stringify(input)}`)
  return describeSpecError(parsed.error)
}
/** A stack that satisfies an entry's companions (SVRE and CWA run over an ensemble). */
const withCompanions = (id: string, settings: object = {}): Record<string, unknown> =>
  techniqueEntry(id as StackTechniqueId).requires.ensemble || id === 'ens'
    ? { ens: { members: ['a', 'b'] }, ...(id === 'ens' ? {} : { [id]: settings }) }
    : { [id]: settings }

describe('the registry', () => {
  it('holds BIM and at least 20 techniques with unique lower-case ids, papers and a loop layer', () => {
    const ids = ALL_TECHNIQUES.map((e) => e.id)
    expect(ids.length).toBeGreaterThanOrEqual(21)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBe('bim')
    for (const e of ALL_TECHNIQUES) {
      expect(e.id).toMatch(/^[a-z]+$/)
      expect(e.paper.url).toMatch(/^https:\/\//)
      expect(e.paper.title.length).toBeGreaterThan(10)
      expect(e.paper.year).toBeGreaterThanOrEqual(2016)
      expect(e.norms.length).toBeGreaterThan(0)
      for (const other of Object.keys(e.conflicts)) expect(STACK_TECHNIQUE_IDS).toContain(other)
    }
  })

  it('every default lies in its range, and {} parses to the defaults', () => {
    for (const id of STACK_TECHNIQUE_IDS) {
      const entry = techniqueEntry(id)
      for (const p of entry.params)
        if ((p.kind === 'int' || p.kind === 'number') && p.default !== undefined) {
          expect(p.default, `${id}.${p.key}`).toBeGreaterThanOrEqual(p.range[0])
          expect(p.default, `${id}.${p.key}`).toBeLessThanOrEqual(p.range[1])
        }
      if (id === 'ens') continue
      const parsed = AttackStack.parse(withCompanions(id))[id] as Record<string, unknown>
      for (const p of entry.params)
        if ('default' in p && p.default !== undefined)
          expect(parsed[p.key], `${id}.${p.key}`).toEqual(p.default)
    }
  })

  it('rejects a value outside every range with a message naming the technique and the field', () => {
    for (const id of STACK_TECHNIQUE_IDS) {
      for (const p of techniqueEntry(id).params) {
        if (p.kind !== 'int' && p.kind !== 'number') continue
        const [lo, hi] = p.range
        for (const bad of [hi + 1, lo - 1]) {
          const message = errorOf({ stack: withCompanions(id, { [p.key]: bad }) })
          expect(message, `${id}.${p.key} = ${bad}`).toContain(
            `stack.${id}.${p.key}: ${id}.${p.key} must be`
          )
          expect(message).toContain(describeRange(p))
        }
      }
    }
    expect(errorOf({ stack: { pgn: { samples: 2.5 } } })).toMatch(
      /^stack\.pgn\.samples: pgn\.samples must be a whole number in \[1, 30\]/
    )
    expect(errorOf({ stack: { emi: { sampling: 'cubic' } } })).toMatch(
      /^stack\.emi\.sampling: emi\.sampling: unknown value "cubic": expected one of linear, uniform, gaussian/
    )
    expect(errorOf({ stack: { gra: { eta: 0 } } })).toMatch(
      /gra\.eta must be > 0: its range is \(0, 1\]/
    )
  })

  it('rejects unknown keys inside a technique, with the key meant', () => {
    expect(errorOf({ stack: { pgn: { zetta: 2 } } })).toBe(
      'unknown key stack.pgn.zetta; did you mean stack.pgn.zeta?'
    )
  })
})

describe('combination rules (§1.3)', () => {
  const rejected: [Record<string, unknown>, RegExp][] = [
    [
      { si: {}, admix: {} },
      /stack\.admix: admix cannot be combined with si: both fill the generator slot/
    ],
    [
      { sia: {}, bsr: {} },
      /stack\.bsr: bsr cannot be combined with sia: both fill the generator slot/
    ],
    [
      { vt: {}, pgn: {} },
      /stack\.pgn: pgn cannot be combined with vt: both fill the estimator slot/
    ],
    [
      { emi: {}, ni: {} },
      /stack\.emi: emi cannot be combined with ni: no paper defines where NI’s look-ahead goes in EMI/
    ],
    [
      { gra: {}, rap: {} },
      /stack\.gra: gra cannot be combined with rap: two nested neighbourhood searches/
    ],
    [{ pgn: {}, mi: {} }, /stack\.pgn: pgn cannot be combined with mi: PGN has its own momentum/],
    [{ vmi: {}, mi: {} }, /stack\.vmi: vmi cannot be combined with mi: VMI already sets MI/],
    [{ vni: {}, mi: {} }, /stack\.vni: vni cannot be combined with mi/],
    [
      { vmi: {}, vni: {} },
      /stack\.vni: vni cannot be combined with vmi: both fill the estimator slot/
    ],
    [
      { logit: {}, margin: {} },
      /stack\.margin: margin cannot be combined with logit: both fill the objective slot/
    ],
    [
      { fia: {}, sia: {} },
      /stack\.fia: fia cannot be combined with sia: FIA’s importance maps are aligned with the clean image/
    ],
    [{ lgv: {}, ens: { members: ['a', 'b'] } }, /stack\.ens: ens cannot be combined with lgv/],
    [
      { ens: { members: ['a', 'b'] }, svre: {}, ti: {}, cwa: {} },
      /stack\.cwa: cwa cannot be combined with svre: both fill the loop slot/
    ],
    [
      { ens: { members: ['a', 'b'] }, cwa: {}, ti: {} },
      /stack\.cwa: cwa cannot be combined with ti: CWA runs its own loop: only DI may be added/
    ],
    [
      { ens: { members: ['a', 'b'] }, svre: {}, vt: {} },
      /stack\.svre: svre cannot be combined with vt/
    ],
    [
      { ens: { members: ['a', 'b'] }, ila: {} },
      /stack\.ens: ens cannot be combined with ila: ILA’s feature layer belongs to one model/
    ],
    [{ cwa: {} }, /stack\.cwa: cwa attacks an ensemble: add "ens"/],
    [
      { ens: { members: ['a', 'b'], fusion: 'probs' }, logit: {} },
      /stack\.ens\.fusion: ens\.fusion "probs" cannot be combined with logit: the logit loss needs logits/
    ],
    [
      { ens: { members: ['a'] } },
      /stack\.ens\.members: ens\.members: an ensemble needs at least 2 surrogates/
    ],
    [{ ens: { members: ['a', 'a'] } }, /stack\.ens\.members: ens\.members names a surrogate twice/],
    [
      { ens: { members: ['a', 'b'], weights: [-1, 2] } },
      /stack\.ens\.weights\.0: ens\.weights: weights must be ≥ 0/
    ]
  ]
  for (const [stack, message] of rejected)
    it(`rejects ${Object.keys(stack).join(' + ')}`, () => {
      expect(errorOf({ stack })).toMatch(message)
    })

  it('builds every pair no rule forbids (sample), and the nine of Table 4 together', () => {
    for (const stack of [
      { gn: {}, sgm: {}, lgv: {}, di: {}, si: {}, vt: {}, mi: {}, ni: {}, rap: {} },
      { ti: {}, admix: {}, emi: {}, fia: {}, di: {} },
      { ens: { members: ['a', 'b'] }, svre: {}, ti: {}, sia: {}, di: {} },
      { ens: { members: ['a', 'b'], fusion: 'loss' }, logit: {}, pgn: {}, bsr: {} },
      { ila: {}, vni: {}, di: {}, si: {} }
    ])
      expect(AttackSpec.safeParse({ stack }).success, JSON.stringify(stack)).toBe(true)
  })

  it('budget rules: norms, targeted mode and ILA’s stage split name the technique and the field', () => {
    expect(errorOf({ norm: 'l2', eps: 0.5, stack: { pgn: {} } })).toMatch(
      /^stack\.pgn: pgn supports only L∞ in this version/
    )
    expect(
      AttackSpec.safeParse({ norm: 'l2', eps: 0.5, stack: { ti: {}, admix: {}, logit: {} } })
        .success
    ).toBe(true)
    expect(errorOf({ targeted: true, stack: { fia: {} } })).toMatch(
      /^stack\.fia: fia cannot run in targeted mode/
    )
    expect(errorOf({ steps: 10, stack: { ila: { stage1Steps: 10 } } })).toMatch(
      /^stack\.ila\.stage1Steps: ila\.stage1Steps must be < steps \(10\)/
    )
  })
})

describe('labels, presets and costs (§1.4, §7)', () => {
  it('labels a stack by the registry’s short names', () => {
    expect(describeStack(AttackStack.parse({ ti: {}, admix: {}, pgn: {} }))).toBe(
      'BIM + TI + Admix + PGN'
    )
  })
  it('VMI and VNI expand to VT + MI and VT + NI (pure expansion)', () => {
    expect(expandPresets(AttackStack.parse({ vmi: {} }))).toEqual({
      vt: { samples: 20, beta: 1.5, mu: 0 },
      mi: { mu: 1 }
    })
    expect(expandPresets(AttackStack.parse({ vni: { samples: 4, mu: 0.5 }, di: {} }))).toEqual({
      vt: { samples: 4, beta: 1.5, mu: 0 },
      ni: { mu: 0.5 },
      di: { resizeRate: 0.85, prob: 0.8 }
    })
  })
  it('gives each entry’s passes per iteration at the paper settings (§7, K = 4 for ensembles)', () => {
    const ens4 = { ens: { members: ['a', 'b', 'c', 'd'] } }
    const per = (stack: Record<string, unknown>, t = 0): number =>
      attackCostPerIteration(AttackStack.parse(stack), t)
    expect(per({})).toBe(1)
    expect(per({ ti: {} })).toBe(1)
    expect(per({ admix: {} })).toBe(15)
    expect(per({ sia: {} })).toBe(20)
    expect(per({ bsr: {} })).toBe(20)
    expect(per({ emi: {} })).toBe(11)
    expect(per({ vmi: {} })).toBe(21)
    expect(per({ vni: {} })).toBe(21)
    expect(per({ pgn: {} })).toBe(40)
    expect(per({ gra: {} })).toBe(21)
    expect(per(ens4)).toBe(4)
    expect(per({ ...ens4, svre: { innerSteps: 16 } })).toBe(36)
    expect(per({ ...ens4, cwa: {} })).toBe(8)
    expect(per({ ...ens4, si: { copies: 2 }, vt: { samples: 1 } })).toBe(2 * 2 * 4)
    expect(attackCost(AttackStack.parse({ fia: {} }), 10)).toBe(30 + 10)
    // ILA: stage 1 (the rest of the stack) for T/2 steps, then 1 per step and 2 forward passes.
    expect(attackCost(AttackStack.parse({ ila: {}, si: { copies: 3 } }), 10)).toBe(5 * 3 + 5 + 2)
  })
})
