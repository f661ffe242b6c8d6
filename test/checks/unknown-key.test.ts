import { runFixtures } from './harness.js';

runFixtures('unknown-key');
