// Writes docs/configuration.md from the built schemas (npm run docs:config builds first).
import { writeFileSync } from 'node:fs';
import { configurationReference } from '../dist/config/reference.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationReference());
console.log('docs/configuration.md written');
