import { runFixtures } from './fixtures.js';

runFixtures('unknown-key');
