/**
 * The shipped demo spec (examples/demo-audit.json), which the New audit form starts from in the app.
 */
import { AuditSpec, type AuditSpecInput } from '@contract/audit-spec'
import demo from '../../../examples/demo-audit.json'

export function loadDemoSpec(): AuditSpecInput {
  // Parsed only to check it; the form gets the file's own (sparse) input, as the service sends it.
  AuditSpec.parse(demo)
  return structuredClone(demo) as AuditSpecInput
}
