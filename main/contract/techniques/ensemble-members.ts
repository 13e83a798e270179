/**
 * An ensemble names audit surrogates as its members: each name must be a surrogate of the audit (and,
 * in a queue entry restricted to some surrogates, one of those).
 */
import type { z } from 'zod'

interface AttackWithStack {
  stack: { ens?: { members: string[] } }
  surrogates?: string[]
}

export function checkEnsembleMembers(
  spec: { attack?: AttackWithStack; attacks?: AttackWithStack[]; surrogates: { name: string }[] },
  ctx: z.RefinementCtx
): void {
  const names = spec.surrogates.map((s) => s.name)
  const entries: [AttackWithStack, (string | number)[]][] = spec.attacks
    ? spec.attacks.map((a, i) => [a, ['attacks', i]])
    : spec.attack
      ? [[spec.attack, ['attack']]]
      : []
  for (const [attack, at] of entries) {
    const ens = attack.stack?.ens
    if (!ens) continue
    const allowed = attack.surrogates ?? names
    ens.members.forEach((member, i) => {
      if (!allowed.includes(member))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'stack', 'ens', 'members', i],
          message: `ens.members: "${member}" is not a surrogate of ${attack.surrogates ? 'this queued stack' : 'the audit'}: expected one of ${allowed.join(', ')}`
        })
    })
  }
}
