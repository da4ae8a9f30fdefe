import { describe, expect, it } from 'vitest';
import { CRUD_GROUPS, failureGroups, passRate, summaryTable, type TestRecord } from './runner/report.js';

const record = (file: string, status: TestRecord['status'], reason?: string): TestRecord => ({
  suite: file.startsWith('crud/') ? 'crud' : 'change-streams',
  file,
  test: `${file} ${status}`,
  status,
  reason,
});

describe('conformance report', () => {
  it('puts each CRUD spec file in the group of its operation', () => {
    const groupOf = (file: string) =>
      Object.entries(CRUD_GROUPS)
        .filter(([, re]) => re.test(file))
        .map(([g]) => g);
    expect(groupOf('crud/insertOne-comment.json')).toEqual(['insert']);
    expect(groupOf('crud/insertMany.json')).toEqual(['insert']);
    expect(groupOf('crud/replaceOne-hint.json')).toEqual(['update']);
    expect(groupOf('crud/updateMany-let.json')).toEqual(['update']);
    expect(groupOf('crud/deleteOne.json')).toEqual(['delete']);
    expect(groupOf('crud/find.json')).toEqual(['find']);
    expect(groupOf('crud/find-let.json')).toEqual(['find']);
    expect(groupOf('crud/findOne.json')).toEqual(['find']);
    expect(groupOf('crud/findOneAndUpdate-let.json')).toEqual(['findAndModify']);
    expect(groupOf('crud/db-aggregate.json')).toEqual(['aggregate']);
    expect(groupOf('crud/aggregate-out.json')).toEqual(['aggregate']);
    expect(groupOf('crud/count.json')).toEqual(['count']);
    expect(groupOf('crud/countDocuments-comment.json')).toEqual(['count']);
    expect(groupOf('crud/estimatedDocumentCount.json')).toEqual(['count']);
    expect(groupOf('crud/distinct-hint.json')).toEqual(['distinct']);
    expect(groupOf('crud/bulkWrite.json')).toEqual([]);
    expect(groupOf('crud/client-bulkWrite-options.json')).toEqual([]);
  });

  it('rates passes among runnable tests: skips excluded, unsupported and expected failures count against', () => {
    const rate = passRate('x', [
      record('crud/a.json', 'passed'),
      record('crud/a.json', 'fixed'),
      record('crud/a.json', 'expected-fail'),
      record('crud/a.json', 'unsupported'),
      record('crud/a.json', 'skipped'),
    ]);
    expect(rate).toEqual({ name: 'x', passed: 2, runnable: 4, unsupported: 1 });
  });

  it('tabulates per file and in total, and groups failures by cause', () => {
    const records = [
      record('crud/a.json', 'passed'),
      record('crud/a.json', 'failed', 'operation 0 (c.find): MongoServerError (code 2): bad {"x":1}'),
      record(
        'change-streams/b.json',
        'expected-fail',
        'operation 3 (c.insertOne): MongoBulkWriteError (code 2): bad {"y":2}',
      ),
    ];
    const table = summaryTable(records);
    expect(table).toMatch(/crud\/a\.json\s+1\s+1\s+0\s+0\s+0\s+0/);
    expect(table).toMatch(/TOTAL\s+1\s+1\s+1\s+0\s+0\s+0$/);
    expect(failureGroups(records)).toMatch(/^ {2}2 {2}\(code 2\): bad \{…\}/);
  });
});
