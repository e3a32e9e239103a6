#!/usr/bin/env node
// forge calls a `solc` binary; this makes solc-js (npm `solc`) answer the two ways forge uses it:
//   solc --version                       -> the version banner forge parses
//   solc --standard-json [--base-path P] [--include-path P]… [--allow-paths …]  < input.json
// Imports are resolved against the base path, the include paths and the working directory, like solc's own CLI.
/* eslint-disable @typescript-eslint/no-require-imports -- forge runs this file as a plain CommonJS program. */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);

if (args.includes('--version')) {
  process.stdout.write(
    'solc, the solidity compiler commandline interface\n' +
      `Version: ${solc.version().replace('.Emscripten.clang', '.Linux.g++')}\n`,
  );
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(
    `solc-js wrapper: only --version and --standard-json are supported (got: ${args.join(' ')})\n`,
  );
  process.exit(2);
}

const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base-path' || args[i] === '--include-path') roots.push(args[++i]);
}
roots.push(process.cwd());

function findImports(importPath) {
  for (const root of roots) {
    const full = path.resolve(root, importPath);
    if (fs.existsSync(full)) return { contents: fs.readFileSync(full, 'utf8') };
  }
  if (fs.existsSync(importPath)) return { contents: fs.readFileSync(importPath, 'utf8') };
  return { error: `File not found: ${importPath} (looked in ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
