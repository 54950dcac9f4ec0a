/**
 * Builds `@groundwork/client` for installs outside this repository:
 * packages/client/dist/ holds one ESM bundle and declarations in which the
 * router type is written out (router-types.ts), so they name nothing in
 * apps/ or packages/. Inside the repository the package keeps exporting its
 * TypeScript sources; `npm pack` swaps the manifest's entry points for dist/
 * (prepack) and back (postpack).
 *
 *   tsx scripts/client/build-client.ts [build|prepack|postpack]
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import ts from 'typescript';

import { generateRouterDeclarations } from './router-types.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../packages/client/', import.meta.url));
const SRC = `${PACKAGE_DIR}src/`;
const DIST = `${PACKAGE_DIR}dist/`;
const MANIFEST = `${PACKAGE_DIR}package.json`;
const SOURCE_MANIFEST = `${PACKAGE_DIR}.package.source.json`;
const ROUTER_IMPORT = "from '@groundwork/api/router'";
const PUBLISHED_EXPORTS = { '.': { types: './dist/index.d.ts', default: './dist/index.js' } };

/** The JavaScript: one ES module; tRPC stays a peer dependency. */
async function bundle() {
  await build({
    entryPoints: [`${SRC}index.ts`],
    outfile: `${DIST}index.js`,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['@trpc/client', '@trpc/server', '@trpc/server/*'],
    logLevel: 'warning',
  });
}

/**
 * The declarations, compiled against the written-out router type instead of
 * the API's sources: if the two ever disagreed, the client would not compile.
 */
function declarations(routerDeclarations: string) {
  const routerFile = `${SRC}app-router.d.ts`;
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: SRC,
    outDir: DIST,
    skipLibCheck: false,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  const contents = (path: string) => {
    if (path === routerFile) return routerDeclarations;
    const text = readFile(path);
    return path.startsWith(SRC) ? text?.replaceAll(ROUTER_IMPORT, "from './app-router.js'") : text;
  };
  host.readFile = contents;
  host.fileExists = (path) => path === routerFile || fileExists(path);
  host.getSourceFile = (path, language, ...rest) =>
    path.startsWith(SRC)
      ? ts.createSourceFile(path, contents(path) ?? '', language, true)
      : getSourceFile(path, language, ...rest);
  const program = ts.createProgram({ rootNames: [`${SRC}index.ts`], options, host });
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

async function buildClient() {
  const started = performance.now();
  await rm(DIST, { recursive: true, force: true });
  const routerDeclarations = generateRouterDeclarations();
  await bundle();
  declarations(routerDeclarations);
  await writeFile(`${DIST}app-router.d.ts`, routerDeclarations);
  console.log(`Built @groundwork/client into ${DIST} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const command = process.argv[2] ?? 'build';
if (command === 'build') {
  await buildClient();
} else if (command === 'prepack') {
  await buildClient();
  const text = await readFile(MANIFEST, 'utf8');
  await writeFile(SOURCE_MANIFEST, text);
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const { devDependencies: _dev, ...published } = manifest;
  await writeFile(MANIFEST, `${JSON.stringify({ ...published, exports: PUBLISHED_EXPORTS }, null, 2)}\n`);
} else if (command === 'postpack') {
  await rename(SOURCE_MANIFEST, MANIFEST);
} else {
  throw new Error(`unknown command ${command}: build, prepack or postpack`);
}
