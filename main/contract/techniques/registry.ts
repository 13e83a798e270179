/**
 * The one technique registry: every technique the attack loop can run, in the order stacks are
 * labelled and listed. Adding a technique: one descriptor file next to this one, one line here, its
 * engine implementation (main/engine/attacks/technique-implementations.ts) and its tests.
 */
import { admix } from './admix'
import { bim } from './bim'
import { bsr } from './bsr'
import { cwa } from './cwa'
import { di } from './di'
import { emi } from './emi'
import { ens } from './ens'
import { fia } from './fia'
import { gn } from './gn'
import { gra } from './gra'
import { ila } from './ila'
import { lgv } from './lgv'
import { logit } from './logit'
import { margin } from './margin'
import { mi } from './mi'
import { ni } from './ni'
import { pgn } from './pgn'
import { rap } from './rap'
import { sgm } from './sgm'
import { si } from './si'
import { sia } from './sia'
import { svre } from './svre'
import { ti } from './ti'
import { vmi } from './vmi'
import { vni } from './vni'
import { vt } from './vt'
import type { TechniqueEntry } from './technique-entry'

/** Every technique a stack can hold, by id (BIM is the loop itself and is listed separately). */
export const STACK_TECHNIQUES = {
  gn,
  sgm,
  lgv,
  di,
  si,
  vt,
  mi,
  ni,
  rap,
  ti,
  admix,
  sia,
  bsr,
  emi,
  vmi,
  vni,
  pgn,
  gra,
  ila,
  fia,
  logit,
  margin,
  ens,
  svre,
  cwa
} as const

export type StackTechniqueId = keyof typeof STACK_TECHNIQUES
export const STACK_TECHNIQUE_IDS = Object.keys(STACK_TECHNIQUES) as StackTechniqueId[]

/** BIM and every stack technique: what `--list-techniques` prints, one id per line. */
export const ALL_TECHNIQUES: readonly TechniqueEntry[] = [
  bim,
  ...Object.values(STACK_TECHNIQUES)
] as unknown as TechniqueEntry[]

/** The entry of a stack technique, typed loosely for code that walks the registry. */
export function techniqueEntry(id: StackTechniqueId): TechniqueEntry {
  return STACK_TECHNIQUES[id] as unknown as TechniqueEntry
}
