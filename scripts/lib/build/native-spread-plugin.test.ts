import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';

import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

import { useTempTrees } from '../../../test/support/temp-tree.js';
import { LOWERED_SPREAD_HELPER, NATIVE_SPREAD_HELPER, nativeSpreadPlugin } from './native-spread-plugin.js';

type Spread = (...args: unknown[]) => Record<PropertyKey, unknown>;

/** The helper as shipped, with the two helpers it calls, exactly as in @trpc/server's dist. */
const lowered = runInThisContext(
  `(() => {
  function ownKeys(e, r) {
    var t = Object.keys(e);
    if (Object.getOwnPropertySymbols) {
      var o = Object.getOwnPropertySymbols(e);
      r && (o = o.filter(function(r) { return Object.getOwnPropertyDescriptor(e, r).enumerable; })), t.push.apply(t, o);
    }
    return t;
  }
  function _defineProperty(e, r, t) {
    return r in e ? Object.defineProperty(e, r, { value: t, enumerable: !0, configurable: !0, writable: !0 }) : e[r] = t, e;
  }
  ${LOWERED_SPREAD_HELPER}
  return _objectSpread2;
  })()`,
) as Spread;
const native = runInThisContext(`(() => {\n${NATIVE_SPREAD_HELPER}\nreturn _objectSpread2;\n})()`) as Spread;

/** Own keys, descriptors and prototype: everything a copy can differ in. */
const anatomy = (value: object) => ({
  prototype: Object.getPrototypeOf(value) as unknown,
  descriptors: Object.getOwnPropertyDescriptors(value),
  keys: Reflect.ownKeys(value),
});

describe('the native object-spread helper', () => {
  const tag = Symbol('tag');
  const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
  let reads = 0;
  const withGetter = {
    get counted() {
      reads += 1;
      return reads;
    },
  };
  // The call shapes tRPC's build writes: `{ ...a, ...b }` and `{ ...a, key: value }`.
  const cases: Record<string, () => unknown[]> = {
    'one source into a fresh object': () => [{}, { a: 1, b: { nested: true } }],
    'a literal after a spread': () => [lowered({}, { a: 1, b: 2 }), {}, { b: 3, c: 4 }],
    'a later source wins': () => [{ a: 1 }, { a: 2, z: 0 }],
    'symbols are copied': () => [{}, { [tag]: 'yes', plain: true }],
    'non-enumerable keys are not': () => [{}, hidden],
    'getters are read, not copied': () => [{}, withGetter],
    'absent sources are skipped': () => [{ a: 1 }, null, undefined],
    'many sources': () => [{}, { a: 1 }, {}, { b: 2 }, { c: 3 }],
    // JSON input may carry an own "__proto__": it must stay a key, never become the prototype.
    'an own __proto__ stays a key': () => [{}, JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object],
  };

  test.each(Object.keys(cases))('copies as the shipped helper does: %s', (name) => {
    const args = cases[name] ?? (() => []);
    reads = 0;
    const expected = anatomy(lowered(...args()));
    reads = 0;
    const actual = anatomy(native(...args()));
    expect(actual).toEqual(expected);
    expect(actual.prototype).toBe(Object.prototype);
  });

  test('every call in the installed @trpc/server fills a fresh object and passes only plain literals at even positions', async () => {
    // The two facts that make the native helper's copy the same as the shipped one's (see its comment).
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@trpc/server'));
    const files = (await readdir(dist, { recursive: true })).filter((file) => /\.[cm]?js$/.test(file));
    const calls: { at: string; first: boolean; even: boolean }[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(
        file,
        await readFile(join(dist, file), 'utf8'),
        ts.ScriptTarget.Latest,
        true,
        ts.ScriptKind.JS,
      );
      const visit = (node: ts.Node): void => {
        if (isSpreadCall(node)) {
          const [first, ...rest] = node.arguments;
          calls.push({
            at: `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`,
            first: first !== undefined && (isPlainLiteral(first) || isSpreadCall(first)),
            even: rest.every((argument, index) => index % 2 === 0 || isPlainLiteral(argument)),
          });
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter((call) => !call.first || !call.even)).toEqual([]);
  });

  test("has as many lines as the shipped helper, so the bundle's source map stays aligned after it", () => {
    expect(NATIVE_SPREAD_HELPER.split('\n')).toHaveLength(LOWERED_SPREAD_HELPER.split('\n').length);
  });
});

const isSpreadCall = (node: ts.Node): node is ts.CallExpression =>
  ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === '_objectSpread2';

/** An object literal of data properties only (no getters, setters or spreads), or `condition && literal`. */
function isPlainLiteral(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isPlainLiteral(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
    return isPlainLiteral(node.right);
  return (
    ts.isObjectLiteralExpression(node) &&
    node.properties.every(
      (property) =>
        ts.isPropertyAssignment(property) ||
        ts.isShorthandPropertyAssignment(property) ||
        ts.isMethodDeclaration(property),
    )
  );
}

describe('nativeSpreadPlugin', () => {
  const writeTree = useTempTrees('gw-native-spread-');
  const bundle = async (root: string, packages: string[]) => {
    const result = await build({
      entryPoints: [join(root, 'index.js')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      plugins: [nativeSpreadPlugin(packages)],
      logLevel: 'silent',
    });
    return result.outputFiles.map((file) => file.text).join('');
  };
  const library = (helper: string) => ({
    'index.js': "import { merge } from 'lib'; console.log(merge({ a: 1 }, { b: 2 }));",
    'node_modules/lib/package.json': JSON.stringify({ name: 'lib', version: '1.0.0', main: 'index.js' }),
    'node_modules/lib/index.js': `${helper}\nexport const merge = (a, b) => _objectSpread2(_objectSpread2({}, a), b);`,
  });

  test('bundles the native helper in place of the lowered one', async () => {
    const output = await bundle(await writeTree(library(LOWERED_SPREAD_HELPER)), ['lib']);
    expect(output).toContain('return { ...e, ...arguments[1] }');
    expect(output).not.toContain('getOwnPropertyDescriptors');
  });

  test('fails the build when a listed package no longer carries the helper', async () => {
    const changed = LOWERED_SPREAD_HELPER.replace('var r = 1', 'let r = 1');
    await expect(bundle(await writeTree(library(changed)), ['lib'])).rejects.toThrow(
      /lib no longer carries the object-spread helper/,
    );
  });

  test('fails the build when a listed package is not bundled at all, and leaves unlisted packages alone', async () => {
    const root = await writeTree(library(LOWERED_SPREAD_HELPER));
    await expect(bundle(root, ['lib', 'other'])).rejects.toThrow(/other was not bundled/);
    expect(await bundle(root, [])).toContain('getOwnPropertyDescriptors');
  });
});
