/** This checkout's Flatline version (package.json), for run records and the queue's version check. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { resourcesDir } from '../engine/data/resources-dir'

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(resourcesDir(), '..', 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}
