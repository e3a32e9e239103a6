#!/usr/bin/env node
// `npm run build:contracts`: compiles contracts/src with solc-js (npm `solc`) through standard JSON and emits typed
// artefacts for viem into src/main/chain/artifacts/ (one file per deployable contract + index.ts).
//   node scripts/contracts/build.mjs           compile and write
//   node scripts/contracts/build.mjs --check   fail (exit 1) when the committed artefacts are stale or hand-edited
// The check is cheap: index.ts records a hash of every compiler input (sources, OpenZeppelin files imported,
// settings, compiler version) and of every emitted file; --check recomputes both without compiling.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const srcDir = join(root, 'contracts', 'src');
const outDir = join(root, 'src', 'main', 'chain', 'artifacts');
const EIP170_LIMIT = 24_576;

/** Contracts the app deploys or talks to, and the name their artefact takes. */
const TARGETS = [
  {
    contract: 'Economy',
    file: 'contracts/src/Economy.sol',
    name: 'economy',
    mergeAbiOf: ['EconomyModule', 'EconomyViews'],
  },
  { contract: 'EconomyModule', file: 'contracts/src/EconomyModule.sol', name: 'economyModule' },
  { contract: 'EconomyViews', file: 'contracts/src/EconomyViews.sol', name: 'economyViews' },
  { contract: 'EconomyToken', file: 'contracts/src/EconomyToken.sol', name: 'economyToken' },
  { contract: 'EconomyFactory', file: 'contracts/src/EconomyFactory.sol', name: 'economyFactory' },
];

/** Same settings as foundry.toml's default profile, so forge tests and the app run the same bytecode shape. */
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function listSources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(full));
    else if (entry.name.endsWith('.sol')) out.push(full);
  }
  return out.sort();
}

/** Resolves an import the way the compiler names it: project-relative paths, or packages in node_modules. */
function resolveImport(path) {
  const local = join(root, path);
  if (existsSync(local)) return local;
  return require.resolve(path, { paths: [root] });
}

/** Every source the compiler will read (ours + the imports they pull in), keyed by source unit name. */
function collectInputs() {
  const sources = {};
  const queue = listSources(srcDir).map((f) => relative(root, f).split('\\').join('/'));
  while (queue.length) {
    const unit = queue.shift();
    if (sources[unit]) continue;
    const content = readFileSync(resolveImport(unit), 'utf8');
    sources[unit] = { content };
    for (const m of content.matchAll(/^\s*import\s+(?:[^'"]*from\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1];
      queue.push(spec.startsWith('.') ? join(dirname(unit), spec).split('\\').join('/') : spec);
    }
  }
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b)));
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function inputsHash(sources, version) {
  return sha256(JSON.stringify({ version, settings: SETTINGS, sources, targets: TARGETS }));
}

function solcVersion() {
  return require('solc/package.json').version;
}

function readRecorded() {
  const index = join(outDir, 'index.ts');
  if (!existsSync(index)) return null;
  const m = /export const artifactsMeta = (\{[\s\S]*?\}) as const;/.exec(readFileSync(index, 'utf8'));
  return m ? JSON.parse(m[1]) : null;
}

function filesHash(names) {
  return sha256(names.map((n) => readFileSync(join(outDir, `${n}.ts`), 'utf8')).join('\n'));
}

function check() {
  const recorded = readRecorded();
  const expected = inputsHash(collectInputs(), solcVersion());
  const problems = [];
  if (!recorded) problems.push('src/main/chain/artifacts/index.ts is missing or has no artifactsMeta');
  else {
    if (recorded.inputsHash !== expected)
      problems.push('contract sources or compiler settings changed since the artefacts were built');
    const names = TARGETS.map((t) => t.name);
    const missing = names.filter((n) => !existsSync(join(outDir, `${n}.ts`)));
    if (missing.length) problems.push(`missing artefacts: ${missing.join(', ')}`);
    else if (recorded.filesHash !== filesHash(names)) problems.push('artefact files were edited by hand');
  }
  if (problems.length) {
    console.error(
      `Contract artefacts are stale: ${problems.join('; ')}.\nRun \`npm run build:contracts\` and commit src/main/chain/artifacts/.`,
    );
    process.exit(1);
  }
  console.log(`Contract artefacts are fresh (inputs ${expected.slice(0, 12)}…).`);
}

function abiKey(item) {
  return `${item.type}:${item.name ?? ''}(${(item.inputs ?? []).map((i) => i.type).join(',')})`;
}

function build() {
  const started = Date.now();
  const solc = require('solc');
  const sources = collectInputs();
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const findImports = (path) => {
    try {
      return { contents: readFileSync(resolveImport(path), 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  // Warnings from our sources only (OpenZeppelin's own, e.g. its note on transient storage, are expected).
  for (const w of (output.errors ?? []).filter((e) => e.severity !== 'error')) {
    if (w.sourceLocation?.file?.startsWith('contracts/')) console.warn(w.formattedMessage);
  }
  if (errors.length) {
    for (const e of errors) console.error(e.formattedMessage);
    process.exit(1);
  }

  mkdirSync(outDir, { recursive: true });
  const sizes = [];
  for (const t of TARGETS) {
    const c = output.contracts[t.file]?.[t.contract];
    if (!c) throw new Error(`${t.contract} not found in ${t.file}`);
    let abi = c.abi;
    if (t.mergeAbiOf) {
      // The economy's fallback forwards every selector it lacks to its module, and the module's every selector it
      // lacks to the views: one address, one ABI.
      const own = new Map(abi.map((i) => [abiKey(i), i]));
      for (const name of t.mergeAbiOf) {
        const module = Object.values(output.contracts).find((f) => f[name])?.[name];
        for (const item of module.abi) {
          if (item.type === 'constructor' || item.type === 'fallback') continue;
          const key = abiKey(item);
          if (item.type === 'function' && own.has(key)) {
            throw new Error(`${name}.${item.name} is shadowed by an earlier hop: it could never be reached`);
          }
          if (!own.has(key)) own.set(key, item);
        }
      }
      abi = [...own.values()];
      // IEconomy (what Solidity callers and tests use) must list exactly the functions reachable at an economy.
      const iface = output.contracts['contracts/src/interfaces/IEconomy.sol'].IEconomy.abi;
      const fns = (list) => new Set(list.filter((i) => i.type === 'function').map(abiKey));
      const [have, declared] = [fns(abi), fns(iface)];
      const onlyImpl = [...have].filter((k) => !declared.has(k));
      const onlyIface = [...declared].filter((k) => !have.has(k));
      if (onlyImpl.length || onlyIface.length) {
        throw new Error(
          `IEconomy is out of step: missing ${onlyImpl.join(' ') || '-'}; extra ${onlyIface.join(' ') || '-'}`,
        );
      }
    }
    const deployed = c.evm.deployedBytecode.object.length / 2;
    sizes.push({ contract: t.contract, runtimeBytes: deployed, marginBytes: EIP170_LIMIT - deployed });
    if (deployed > EIP170_LIMIT)
      throw new Error(`${t.contract} is ${deployed} bytes, over the 24,576-byte limit`);
    const body =
      `// Generated by scripts/contracts/build.mjs from ${t.file} — do not edit; run \`npm run build:contracts\`.\n` +
      `export const ${t.name}Abi = ${JSON.stringify(abi, null, 2)} as const;\n\n` +
      `export const ${t.name}Bytecode = '0x${c.evm.bytecode.object}' as const;\n`;
    writeFileSync(join(outDir, `${t.name}.ts`), body);
  }
  const names = TARGETS.map((t) => t.name);
  const meta = {
    solc: solcVersion(),
    inputsHash: inputsHash(sources, solcVersion()),
    filesHash: filesHash(names),
    sizes,
  };
  const index =
    `// Generated by scripts/contracts/build.mjs — do not edit; run \`npm run build:contracts\`.\n` +
    names.map((n) => `export { ${n}Abi, ${n}Bytecode } from './${n}';\n`).join('') +
    `\n/** Compiler, input/output hashes (checked by \`npm run test:contracts\`) and runtime sizes (EIP-170: 24,576). */\n` +
    `export const artifactsMeta = ${JSON.stringify(meta, null, 2)} as const;\n`;
  writeFileSync(join(outDir, 'index.ts'), index);
  for (const s of sizes)
    console.log(
      `${s.contract.padEnd(16)} ${String(s.runtimeBytes).padStart(6)} bytes (${s.marginBytes} to spare)`,
    );
  console.log(
    `Wrote ${names.length} artefacts to ${relative(root, outDir)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}

if (process.argv.includes('--check')) check();
else build();
