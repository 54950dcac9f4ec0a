import { readFile } from 'node:fs/promises';

import type { Plugin } from 'esbuild';

import { packageFiles } from './package-files.js';

/**
 * The object-spread helper that tRPC's build (oxc, after Babel) writes in place of `{ ...a, b }`,
 * character for character as @trpc/server 11.25 ships it. It copies key by key through
 * `Object.defineProperty`; every middleware step of every call runs it three or four times.
 */
export const LOWERED_SPREAD_HELPER = `function _objectSpread2(e) {
	for (var r = 1; r < arguments.length; r++) {
		var t = null != arguments[r] ? arguments[r] : {};
		r % 2 ? ownKeys(Object(t), !0).forEach(function(r) {
			_defineProperty(e, r, t[r]);
		}) : Object.getOwnPropertyDescriptors ? Object.defineProperties(e, Object.getOwnPropertyDescriptors(t)) : ownKeys(Object(t)).forEach(function(r) {
			Object.defineProperty(e, r, Object.getOwnPropertyDescriptor(t, r));
		});
	}
	return e;
}`;

/**
 * The same copy as the native `{ ...e, ...a, ...b }` where tRPC calls it. The shipped helper copies
 * arguments at odd positions as native spread does (own enumerable string and symbol keys as data
 * properties, getters read, an own `__proto__` stays a key) and arguments at even positions by
 * descriptor (getters and non-enumerable keys kept as they are); tRPC's build puts only plain
 * object literals at even positions, where the two are the same. It returns a new object instead
 * of filling `e`, which is the same wherever `e` is a fresh literal or another call's result. The
 * test checks both facts for every call in the installed @trpc/server. It has as many lines as the
 * shipped helper, so the lines after it keep their source-map positions.
 */
export const NATIVE_SPREAD_HELPER = `function _objectSpread2(e) {
	// Native spread (ADR 042): the same copy as the helper tRPC ships, at V8's speed.
	switch (arguments.length) {
		case 1: return { ...e };
		case 2: return { ...e, ...arguments[1] };
		case 3: return { ...e, ...arguments[1], ...arguments[2] };
	}
	let out = e;
	for (let i = 1; i < arguments.length; i++) out = { ...out, ...arguments[i] };
	return out;
}`;

/** The packages whose bundled copy must get the native helper; the build fails if one has none. */
export const NATIVE_SPREAD_PACKAGES = ['@trpc/server'] as const;

/**
 * Bundles `NATIVE_SPREAD_PACKAGES` with V8's native object spread in place of the lowered helper
 * (ADR 042): a fifth of what tRPC itself spends per call. A package upgrade that changes the
 * helper's text fails the build here instead of silently losing the gain.
 */
export function nativeSpreadPlugin(packages: readonly string[] = NATIVE_SPREAD_PACKAGES): Plugin {
  return {
    name: 'groundwork-native-spread',
    setup(build) {
      const replaced = new Set<string>();
      const loaded = new Set<string>();
      for (const name of packages) {
        build.onLoad({ filter: packageFiles(name) }, async (args) => {
          loaded.add(name);
          const source = await readFile(args.path, 'utf8');
          if (!source.includes(LOWERED_SPREAD_HELPER)) return undefined;
          replaced.add(name);
          return { contents: source.replace(LOWERED_SPREAD_HELPER, NATIVE_SPREAD_HELPER), loader: 'js' };
        });
      }
      build.onStart(() => {
        replaced.clear();
        loaded.clear();
      });
      build.onEnd(() => {
        const unbundled = packages.filter((name) => !loaded.has(name));
        if (unbundled.length > 0)
          throw new Error(
            `${unbundled.join(', ')} was not bundled, so it runs without native spread: ` +
              'remove it from the list in scripts/lib/build/native-spread-plugin.ts or bundle it (ADR 042)',
          );
        const missing = packages.filter((name) => !replaced.has(name));
        if (missing.length > 0)
          throw new Error(
            `${missing.join(', ')} no longer carries the object-spread helper this build replaces: ` +
              'check scripts/lib/build/native-spread-plugin.ts against its dist/ (ADR 042)',
          );
      });
    },
  };
}
