/**
 * The RunRecord renderer tests render: tests/fixtures/run-record.json, checked against the contract schema.
 */
import { RunRecord } from '@contract/run-record'
import fixture from '../../fixtures/run-record.json'

export function loadRunRecordFixture(): RunRecord {
  return RunRecord.parse(fixture)
}
