import { writeFile } from 'node:fs/promises';
import { DEFINITIONS_PATH, renderDefinitions } from '../definitions.js';

// Usage: pnpm --filter @prospectflow/messaging run definitions
await writeFile(DEFINITIONS_PATH, renderDefinitions());
console.log(`wrote ${DEFINITIONS_PATH}`);
