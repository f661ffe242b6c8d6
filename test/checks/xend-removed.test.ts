import { runFixtures } from './harness.js';

runFixtures('xend-removed');
