import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';

import { build } from 'esbuild';
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

  test('every call in the installed @trpc/server starts from a fresh object, so returning a new one is the same', async () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@trpc/server'));
    const files = (await readdir(dist)).filter((file) => /\.m?js$/.test(file));
    let calls = 0;
    for (const file of files) {
      const source = await readFile(join(dist, file), 'utf8');
      for (const match of source.matchAll(/_objectSpread2\(([\s\S]{0,16})/g)) {
        if (source.slice(match.index - 9, match.index) === 'function ') continue; // the definition
        calls += 1;
        expect(match[1], `${file} at ${match.index}`).toMatch(/^(\{|_objectSpread2\()/);
      }
    }
    expect(calls).toBeGreaterThan(20);
  });
});

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

  test('leaves other packages alone', async () => {
    const output = await bundle(await writeTree(library(LOWERED_SPREAD_HELPER)), ['other']);
    expect(output).toContain('getOwnPropertyDescriptors');
  });
});
