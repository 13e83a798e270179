/** `npm run audit -- --list-techniques`: every technique id of the registry, BIM first, one per line. */
import { ALL_TECHNIQUES } from '../contract/techniques/registry'

export function techniqueListing(): string {
  return ALL_TECHNIQUES.map((entry) => `${entry.id}\n`).join('')
}
