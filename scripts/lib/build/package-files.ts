/**
 * An esbuild `onLoad` filter for the files of one installed package: its `.mjs`, `.cjs` and `.js`
 * files, or only one kind when `extensions` says so (a pattern inside a RegExp, e.g. `mjs`).
 */
export const packageFiles = (name: string, extensions = '[cm]?js') =>
  new RegExp(`[\\\\/]node_modules[\\\\/]${name.replace('/', '[\\\\/]')}[\\\\/].*\\.(?:${extensions})$`);
