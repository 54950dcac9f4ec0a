import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** For a bundle: the line at which each module starts (esbuild writes `// path` before each). */
const moduleStarts = new Map<string, { line: number; path: string }[]>();
function modulesOf(url: string) {
  let starts = moduleStarts.get(url);
  if (!starts) {
    starts = [];
    const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
    lines.forEach((text, line) => {
      const match = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
      if (match?.[1]) starts?.push({ line, path: match[1] });
    });
    moduleStarts.set(url, starts);
  }
  return starts;
}

/** The package (or our own folder) a path belongs to. */
function owner(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match?.[1]) return match[1];
  const ours = /^((?:apps|packages)\/[^/]+\/src\/[^/]+)/.exec(path);
  return ours?.[1] ?? path;
}

/** Where a frame comes from: a package, one of our folders (through the bundle's module comments), node or V8. */
function origin(url: string, line = 0): string {
  if (url.includes('/dist/') && url.startsWith('file:')) {
    const starts = modulesOf(url);
    let found = '(bundle)';
    for (const start of starts) {
      if (start.line > line) break;
      found = start.path;
    }
    return owner(found);
  }
  if (url.startsWith('node:')) return '(node)';
  return url === '' ? '(v8/native)' : owner(url);
}

const share = (count: number, total: number) => `${((100 * count) / total).toFixed(1)} %`;

/**
 * The profile's samples by self time (top functions) and by package, self and
 * inclusive (a package counted once per sample however deep it recurs).
 */
export function summarizeProfile(path: string, top = 40): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const packageSelf = new Map<string, number>();
  const packageInclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    total += 1;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += 1;
    const from = origin(url, lineNumber);
    const name = `${functionName || '(anonymous)'} ${from}:${lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + 1);
    packageSelf.set(from, (packageSelf.get(from) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.url !== '') seen.add(origin(frame.url, frame.lineNumber));
    }
    for (const pkg of seen) packageInclusive.set(pkg, (packageInclusive.get(pkg) ?? 0) + 1);
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${total} samples, idle ${share(idle, total)}`,
    '\nTop self time:',
    ...sorted(self).map(([name, count]) => `  ${share(count, total).padStart(7)}  ${name}`),
    '\nBy origin, self / inclusive:',
    ...sorted(packageInclusive).map(
      ([pkg, count]) =>
        `  ${share(packageSelf.get(pkg) ?? 0, total).padStart(7)} / ${share(count, total).padStart(7)}  ${pkg}`,
    ),
  ].join('\n');
}
