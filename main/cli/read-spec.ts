/** Reads and validates an audit spec file; errors name the file and, for bad values, the field. */
import { readFile } from 'node:fs/promises'
import { AuditSpec, describeSpecError } from '../contract/audit-spec'

export async function readSpecFile(path: string): Promise<AuditSpec> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the spec file ${path}: ${(error as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`The spec file ${path} is not valid JSON: ${(error as Error).message}`)
  }
  const parsed = AuditSpec.safeParse(json)
  if (!parsed.success)
    throw new Error(`The spec file ${path} is invalid:\n${describeSpecError(parsed.error)}`)
  return parsed.data
}
