// Writes pgtop.1 from the commands' --help texts (npm run man); a unit test fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { manPageText, manPagePath } from './man-page-source.js';

writeFileSync(manPagePath, manPageText());
process.stdout.write(`${manPagePath}\n`);
