import { describe, expect, it } from 'vitest';
import { parseCsv, summarize } from '../../scripts/security.mjs';

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

  it('reads an empty report as no findings', () => {
    expect(
      summarize('issue, severity, confidence, filename, location, sample, description, url\n', '41.7.1').high,
    ).toBe(0);
  });
});
