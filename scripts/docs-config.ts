/**
 * `npm run docs:config`: writes docs/configuration.md from the config schema
 * and .env.example. `-- --check` fails instead when the file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';

import { CONFIGURATION_DOC, renderConfigurationDoc } from './docs/configuration-doc.js';

const rendered = await renderConfigurationDoc();
if (process.argv.includes('--check')) {
  const current = await readFile(CONFIGURATION_DOC, 'utf8').catch(() => '');
  if (current !== rendered) {
    console.error(
      `${CONFIGURATION_DOC} is out of date with the config schema or .env.example: run npm run docs:config`,
    );
    process.exit(1);
  }
} else {
  await writeFile(CONFIGURATION_DOC, rendered);
  console.log(`wrote ${CONFIGURATION_DOC}`);
}
