import { describe, expect, it } from 'vitest';

// The renderer's sources as text (Vite's glob: no Node types needed in the web project).
const sources = import.meta.glob<string>('../../../src/renderer/src/**/*.{ts,tsx}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('the renderer’s imports', () => {
  it('finds the sources', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(30);
  });

  it('take only types from the API contract, so zod and the schemas stay out of the bundle', () => {
    const offenders = Object.entries(sources).flatMap(([path, text]) => {
      // Every import statement naming shared/api (the contract), whole, however it is wrapped.
      const imports =
        text.match(/import\s+(type\s+)?\{[^}]*\}\s+from\s+'[./]*shared\/api(\/[a-z]+)?'/g) ?? [];
      return imports
        .filter((statement) => !statement.startsWith('import type'))
        .map((statement) => `${path}: ${statement.replace(/\s+/g, ' ')}`);
    });
    expect(offenders).toEqual([]);
  });

  it('never pull in viem or zod directly', () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /from '(viem|zod)[/']/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
