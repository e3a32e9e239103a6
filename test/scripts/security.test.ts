import { describe, expect, it } from 'vitest';
import { parseCsv, splitRecords, summarize } from '../../scripts/security.mjs';

/** Lines as Electronegativity 1.10.3 writes them (taken from a run over an unhardened window). */
const CSV = [
  'issue, severity, confidence, filename, location, sample, description, url',
  'CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/index.ts","27:14","const win = new BrowserWindow(options(join(a, \'b\')));","Review the use of the contextIsolation option",https://github.com/doyensec/electronegativity/wiki/CONTEXT_ISOLATION_JS_CHECK',
  'CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","5:0","default-src \'self\'; style-src \'self\' \'unsafe-inline\'","One or more CSP directives detected seems to be vulnerable",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK',
  'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"Missing PermissionRequestHandler, ""quoted"" text",https://github.com/doyensec/electronegativity/wiki/PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
  '',
].join('\n');

describe('security step (Electronegativity summary)', () => {
  it('reads quoted fields with commas and doubled quotes', () => {
    const rows = parseCsv(CSV);
    expect(rows).toHaveLength(4);
    expect(rows[1]![5]).toBe("const win = new BrowserWindow(options(join(a, 'b')));");
    expect(rows[3]![6]).toBe('Missing PermissionRequestHandler, "quoted" text');
  });

  it('counts a HIGH finding (which fails the step) and marks reviewed ones', () => {
    const s = summarize(CSV, '41.7.1');
    expect({ high: s.high, medium: s.medium, low: s.low }).toEqual({ high: 1, medium: 1, low: 1 });
    expect(s.findings[0]).toMatchObject({
      issue: 'CONTEXT_ISOLATION_JS_CHECK',
      file: 'main/index.ts',
      location: '27:14',
      reviewed: null,
    });
    expect(s.findings[1]!.reviewed).toMatch(/csp\.ts/);
  });

  it('reads past a line that is not valid CSV: the findings after it still count, the line is shown', () => {
    // Electronegativity 1.10.3 wrote this second line in one run: its stray quote, read as CSV, swallowed the rest.
    const lines = CSV.split('\n');
    const broken = [
      lines[0],
      'Failed to parse CSP, it may not be valid.",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK',
      ...lines.slice(1),
    ].join('\n');
    const s = summarize(broken, '41.7.1');
    expect({ high: s.high, medium: s.medium, low: s.low, unreadable: s.unreadable }).toEqual({
      high: 1,
      medium: 1,
      low: 1,
      unreadable: 1,
    });
    expect(s.findings[0]).toMatchObject({ issue: 'UNREADABLE_LINE', severity: 'UNKNOWN' });
    expect(s.findings[0]!.line).toMatch(/^Failed to parse CSP/);
  });

  it('counts a HIGH that only an unreadable line names, and joins a sample that spans lines', () => {
    const csv = [
      'issue, severity, confidence, filename, location, sample, description, url',
      'garbage "HIGH" here"',
      'NODE_INTEGRATION_JS_CHECK,"HIGH","FIRM","main/a.ts","3:1","new BrowserWindow({',
      '  nodeIntegration: true })","Disable nodeIntegration",https://example.invalid/x',
      '',
    ].join('\n');
    expect(splitRecords(csv)).toHaveLength(3);
    const s = summarize(csv, '41.7.1');
    expect(s.high).toBe(2);
    expect(s.findings[1]).toMatchObject({ issue: 'NODE_INTEGRATION_JS_CHECK', location: '3:1' });
  });

  it('reads an empty report as no findings', () => {
    expect(
      summarize('issue, severity, confidence, filename, location, sample, description, url\n', '41.7.1').high,
    ).toBe(0);
  });
});
