import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The folders the README's map covers, to every depth. */
const MAPPED_ROOTS = [
  'src/main',
  'src/renderer',
  'src/shared',
  'src/preload',
  'contracts',
  'bench',
  'scripts',
  'resources',
];
/** Build output, installed packages and local state: never part of the map, never scanned for citations. */
const SKIPPED = new Set([
  'node_modules',
  'out',
  'dist',
  'cache',
  'coverage',
  'test-results',
  'playwright-report',
]);
/** Files that may cite documents: the docs themselves and every kind of source or config file the project keeps. */
const TEXT = /\.(md|ts|tsx|mts|cts|mjs|cjs|js|sol|sh|ya?ml|toml|css|html|service)$/;

/** Every folder under `dir` (relative to the repository root, `/`-separated), skipping dot-folders and build output. */
function foldersUnder(dir: string, depth = Infinity): string[] {
  const out: string[] = [];
  const walk = (abs: string, level: number) => {
    if (level > depth) return;
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.') || SKIPPED.has(e.name)) continue;
      const child = join(abs, e.name);
      out.push(relative(ROOT, child).split(sep).join('/'));
      walk(child, level + 1);
    }
  };
  walk(join(ROOT, dir), 1);
  return out.sort();
}

/** Every text file of the project (no dot-files, no build output), relative to the repository root. */
function textFiles(): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.name.startsWith('.') || SKIPPED.has(e.name)) continue;
      const child = join(abs, e.name);
      if (e.isDirectory()) walk(child);
      else if (TEXT.test(e.name)) out.push(relative(ROOT, child).split(sep).join('/'));
    }
  };
  walk(ROOT);
  return out.sort();
}

/**
 * The folders a map names. The map is the first code block after `## How it is built`: a line indented 0 spaces
 * whose first word ends in `/` names a top folder; a line indented 2 spaces names a folder inside the last top folder
 * (`engine/llama/` inside `src/main/`). Deeper-indented lines continue a description.
 */
function mapFolders(readme: string): string[] {
  const section = readme.split(/^## How it is built$/m)[1];
  if (section === undefined) throw new Error('The README has no "## How it is built" section.');
  const block = /^```\n([\s\S]*?)^```$/m.exec(section);
  if (!block) throw new Error('"How it is built" has no map (a ``` code block).');
  const names: string[] = [];
  let top = '';
  for (const line of block[1]!.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const word = line.trim().split(/\s+/)[0] ?? '';
    if (!word.endsWith('/') || (indent !== 0 && indent !== 2)) continue;
    if (indent === 0) top = word;
    else if (!top) throw new Error(`"${word}" is indented but no top folder comes before it.`);
    names.push((indent === 0 ? word : top + word).replace(/\/$/, ''));
  }
  return names;
}

/**
 * Document paths a text cites: words ending in `.md` that are not part of a URL or an absolute path (a link to
 * another site, or where an installed copy lives) and not a glob.
 */
function citedDocs(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w.*/:-])((?:\.{1,2}\/)*[\w-][\w./-]*\.md)\b/g)) found.push(m[1]!);
  return found;
}

describe('the README map ("How it is built")', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const named = mapFolders(readme);

  it('reads a map the way the README writes it', () => {
    const sample = [
      '## How it is built',
      '',
      '```',
      'src/main/        the node; index.ts',
      '  engine/          the engine',
      '                   its description goes on/',
      '  engine/llama/    llama.cpp',
      'bench/           benchmarks',
      '```',
      '',
    ].join('\n');
    expect(mapFolders(sample)).toEqual(['src/main', 'src/main/engine', 'src/main/engine/llama', 'bench']);
  });

  it('names every folder of the tree it covers, to every depth', () => {
    const missing = MAPPED_ROOTS.flatMap((r) => [r, ...foldersUnder(r)]).filter((f) => !named.includes(f));
    expect(missing, 'folders the README map leaves out').toEqual([]);
  });

  it('names every folder of test/, and each test/main folder tests a folder of src/main', () => {
    const missing = ['test', ...foldersUnder('test', 1)].filter((f) => !named.includes(f));
    expect(missing, 'test folders the README map leaves out').toEqual([]);
    const srcMain = new Set(foldersUnder('src/main').map((f) => f.split('/').pop()));
    const orphans = foldersUnder('test/main', 1).filter((f) => !srcMain.has(f.split('/').pop()));
    expect(orphans, 'test/main folders with no src/main folder of that name').toEqual([]);
  });

  it('names no folder that does not exist', () => {
    const gone = named.filter((f) => !existsSync(join(ROOT, f)));
    expect(gone, 'folders the README map names but the tree lacks').toEqual([]);
  });
});

describe('documents cited by the project', () => {
  it('finds a cited document and skips links, absolute paths and globs', () => {
    const doc = (name: string) => `${name}.md`;
    const text = [
      `see ${doc('NOTES')}'s table and ${doc('../up/THERE')}; (${doc('docs/page')}#anchor)`,
      `https://github.com/o/r/blob/main/${doc('docs/x')} Documentation=file:/opt/app/${doc('README')}`,
      `prettier skips *${doc('')} and .${doc('')}`,
    ].join('\n');
    expect(citedDocs(text)).toEqual([doc('NOTES'), doc('../up/THERE'), doc('docs/page')]);
  });

  it('cites only documents that exist in the repository', () => {
    const broken: string[] = [];
    for (const file of textFiles()) {
      for (const cited of citedDocs(readFileSync(join(ROOT, file), 'utf8'))) {
        const resolves = existsSync(join(ROOT, cited)) || existsSync(join(ROOT, dirname(file), cited));
        if (!resolves) broken.push(`${file} cites ${cited}`);
      }
    }
    expect(broken, 'citations of documents the project does not have').toEqual([]);
  });
});
