// Imported rather than read at run time, so the build bakes it into the bundle.
import manifest from '../package.json' with { type: 'json' };

/** The API package's version. */
export function readVersion(): string {
  return manifest.version;
}
