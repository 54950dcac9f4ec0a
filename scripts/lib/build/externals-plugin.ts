import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import type { Plugin } from 'esbuild';

const WORKSPACE_SCOPE = '@groundwork/';
/** Marks the resolutions this plugin asks esbuild for, so they skip the plugin. */
const OWN_LOOKUP = Symbol('groundwork-externals');

export type ExternalsOptions = {
  outDir: string;
  /**
   * Packages loaded from `node_modules` at run time instead of bundled: native
   * addons and packages that read their own files. Everything else is bundled,
   * which is what makes start-up fast: one file to parse instead of thousands
   * to find, read and link.
   */
  keepExternal: readonly string[];
};

/**
 * Decides, for every bare import, whether it is bundled or loaded at run time:
 *
 * - a third-party import from our code must be a production dependency of the
 *   importing workspace (production installs `--omit=dev`), bundled or not;
 * - packages in `keepExternal` load from `node_modules`, and only if the bundle's
 *   location resolves them to the very copy the importer would get (npm nests a
 *   second version inside a workspace when versions conflict): otherwise the
 *   build fails rather than run another version;
 * - an optional dependency that is not installed (guarded by try/catch in the
 *   package that wants it) is left to fail, as it would unbundled, at run time.
 */
export function externalsPlugin(options: ExternalsOptions): Plugin {
  const bundleDir = resolve(options.outDir);
  const external = new Set(options.keepExternal);
  return {
    name: 'groundwork-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === OWN_LOOKUP || args.path.startsWith('node:')) return undefined;
        const name = packageName(args.path);
        if (name.startsWith(WORKSPACE_SCOPE)) return undefined; // ours: always bundled
        const undeclared = undeclaredDependency(args.importer, name);
        if (undeclared) return { errors: [{ text: undeclared }] };
        if (!external.has(name)) {
          const found = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: OWN_LOOKUP,
          });
          if (found.errors.length > 0 && isInsideNodeModules(args.importer)) return { path: args.path, external: true };
          return undefined; // esbuild bundles it, resolved from the importer as Node would
        }
        const lookup = { kind: args.kind, pluginData: OWN_LOOKUP };
        const fromImporter = await build.resolve(args.path, { ...lookup, resolveDir: args.resolveDir });
        const fromBundle = await build.resolve(args.path, { ...lookup, resolveDir: bundleDir });
        if (fromImporter.errors.length === 0 && fromBundle.path !== fromImporter.path) {
          return {
            errors: [
              {
                text:
                  `"${args.path}" must load from node_modules, but from ${options.outDir}/ it resolves to ` +
                  `${relative(process.cwd(), fromBundle.path) || 'nothing'} instead of ${relative(process.cwd(), fromImporter.path)} ` +
                  '(npm nested another version): align the versions so one copy is hoisted',
              },
            ],
          };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

function isInsideNodeModules(file: string): boolean {
  return file.split(sep).includes('node_modules');
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The problem with `importer` (our code) loading package `name` in production, or null if there is none. */
function undeclaredDependency(importer: string, name: string): string | null {
  if (isInsideNodeModules(importer)) return null; // a dependency's own imports: npm's business
  const manifestPath = nearestManifest(dirname(importer));
  if (!manifestPath) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name?: string;
    dependencies?: Record<string, string>;
  };
  if (manifest.name === name || manifest.dependencies?.[name]) return null;
  return (
    `${relative(process.cwd(), importer)} imports "${name}", which is not in the "dependencies" of ` +
    `${manifest.name ?? manifestPath}: production installs with --omit=dev and would not have it`
  );
}

function nearestManifest(directory: string): string | null {
  for (let current = directory; ; current = dirname(current)) {
    const candidate = join(current, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return null;
  }
}
